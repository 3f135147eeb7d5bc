#pragma once

#include "backend/process/command.h"

#include <QObject>

namespace bc {

// Where every command the product runs is announced: the console dock and the headless --verbose
// output listen here. Lines arrive already redacted.
class CommandLog : public QObject
{
    Q_OBJECT
public:
    explicit CommandLog(QObject *parent = nullptr) : QObject(parent) {}

    quint64 begin(const QString &displayLine, bool dryRun);
    void line(quint64 id, const QString &text, bool isStderr);
    void end(quint64 id, const CommandResult &result);
    int runningCount() const { return m_running; }
    // Asks the runner of command `id` to stop (the console's Stop button); a finished id is ignored.
    void requestCancel(quint64 id) { Q_EMIT cancelRequested(id); }

Q_SIGNALS:
    void commandStarted(quint64 id, const QString &displayLine, bool dryRun);
    void commandOutput(quint64 id, const QString &line, bool isStderr);
    void commandFinished(quint64 id, const bc::CommandResult &result);
    void runningCountChanged(int running);
    void cancelRequested(quint64 id);

private:
    quint64 m_nextId = 1;
    int m_running = 0;
};

} // namespace bc
