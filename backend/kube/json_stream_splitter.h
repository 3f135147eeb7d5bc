#pragma once

#include <QByteArray>
#include <QList>

namespace bc {

// Cuts a stream of concatenated JSON values (what `kubectl get -w -o json` prints: one pretty-printed
// object after another) into whole documents. Each byte is looked at once, whatever the chunking.
class JsonStreamSplitter
{
public:
    // Appends bytes; returns the documents completed by them, in order.
    QList<QByteArray> feed(const QByteArray &bytes);
    void reset();
    qsizetype pendingBytes() const { return m_buffer.size(); }

private:
    QByteArray m_buffer;
    qsizetype m_scanned = 0; // bytes of m_buffer already scanned
    qsizetype m_start = -1;  // start of the current document in m_buffer
    int m_depth = 0;
    bool m_inString = false;
    bool m_escaped = false;
};

} // namespace bc
