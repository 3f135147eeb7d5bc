#pragma once

#include <QObject>

namespace bc {

class CommandLog;
class ToolLocator;

// What every CommandRunner of one app (or one headless command) shares: where commands are announced,
// where tools are found, and whether anything may run at all (--dry-run).
class RunContext : public QObject
{
    Q_OBJECT
public:
    explicit RunContext(QObject *parent = nullptr);

    CommandLog *log() const { return m_log; }
    ToolLocator *tools() const { return m_tools; }
    bool dryRun() const { return m_dryRun; }
    void setDryRun(bool dryRun) { m_dryRun = dryRun; }

private:
    CommandLog *m_log;
    ToolLocator *m_tools;
    bool m_dryRun = false;
};

} // namespace bc
