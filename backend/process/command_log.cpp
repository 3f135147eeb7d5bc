#include "backend/process/command_log.h"

namespace bc {

quint64 CommandLog::begin(const QString &displayLine, bool dryRun)
{
    const quint64 id = m_nextId++;
    if (!dryRun) {
        ++m_running;
        Q_EMIT runningCountChanged(m_running);
    }
    Q_EMIT commandStarted(id, displayLine, dryRun);
    return id;
}

void CommandLog::line(quint64 id, const QString &text, bool isStderr)
{
    Q_EMIT commandOutput(id, text, isStderr);
}

void CommandLog::end(quint64 id, const CommandResult &result)
{
    if (!result.dryRun && m_running > 0) {
        --m_running;
        Q_EMIT runningCountChanged(m_running);
    }
    Q_EMIT commandFinished(id, result);
}

} // namespace bc
