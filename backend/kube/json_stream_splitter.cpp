#include "backend/kube/json_stream_splitter.h"

namespace bc {

QList<QByteArray> JsonStreamSplitter::feed(const QByteArray &bytes)
{
    QList<QByteArray> documents;
    m_buffer.append(bytes);
    const char *data = m_buffer.constData();
    const qsizetype size = m_buffer.size();
    qsizetype consumed = 0;
    for (qsizetype i = m_scanned; i < size; ++i) {
        const char c = data[i];
        if (m_inString) {
            if (m_escaped)
                m_escaped = false;
            else if (c == '\\')
                m_escaped = true;
            else if (c == '"')
                m_inString = false;
            continue;
        }
        if (c == '"') {
            m_inString = true;
        } else if (c == '{' || c == '[') {
            if (m_depth++ == 0)
                m_start = i;
        } else if ((c == '}' || c == ']') && m_depth > 0) {
            if (--m_depth == 0) {
                documents.append(m_buffer.mid(m_start, i + 1 - m_start));
                m_start = -1;
                consumed = i + 1;
            }
        } else if (m_depth == 0 && c != ' ' && c != '\n' && c != '\r' && c != '\t') {
            consumed = i + 1; // stray bytes between documents (a warning line): skip them
        }
    }
    if (m_depth == 0)
        consumed = size;
    m_buffer.remove(0, consumed);
    if (m_start >= 0)
        m_start -= consumed;
    m_scanned = m_buffer.size();
    return documents;
}

void JsonStreamSplitter::reset()
{
    *this = JsonStreamSplitter();
}

} // namespace bc
