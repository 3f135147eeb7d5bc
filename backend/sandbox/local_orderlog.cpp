#include "backend/sandbox/local_orderlog.h"

#include "backend/process/command_runner.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace bc {

LocalOrderlog::LocalOrderlog(RunContext *context, QObject *parent) : QObject(parent), m_context(context) {}

QString LocalOrderlog::locateBinary()
{
    const QString fromEnv = qEnvironmentVariable("BC_ORDERLOG_SERVER_BINARY");
    if (!fromEnv.isEmpty())
        return fromEnv;
    const QDir appDir(QCoreApplication::applicationDirPath());
    for (const QString &candidate : {appDir.filePath(u"orderlog-server"_s),
                                     appDir.filePath(u"../orderlog/orderlog-server"_s),
                                     appDir.filePath(u"../../orderlog/orderlog-server"_s)}) {
        const QFileInfo info(candidate);
        if (info.isFile() && info.isExecutable())
            return info.canonicalFilePath();
    }
    return QStandardPaths::findExecutable(u"orderlog-server"_s);
}

int LocalOrderlog::parseListeningLine(const QString &line)
{
    static const QRegularExpression re(uR"(^listening on [^\s:]+:(\d+)$)"_s);
    const auto m = re.match(line.trimmed());
    return m.hasMatch() ? m.captured(1).toInt() : 0;
}

Command LocalOrderlog::commandFor(const QString &binary, const LocalDatabaseAccess &database,
                                  const QString &checkoutUpstream)
{
    Command command{binary, {u"--listen"_s, u"127.0.0.1"_s, u"--port"_s, u"0"_s, u"--writers"_s, u"2"_s,
                             u"--drain-seconds"_s, u"1"_s, u"--db"_s, database.conninfo()}};
    if (!checkoutUpstream.isEmpty())
        command.arguments << u"--checkout-upstream"_s << checkoutUpstream;
    if (!database.password.isEmpty()) {
        command.environment.insert(u"PGPASSWORD"_s, database.password);
        command.secrets = {database.password};
    }
    command.timeout = 0ms;
    return command;
}

QString LocalOrderlog::address() const
{
    return m_port > 0 ? u"127.0.0.1:%1"_s.arg(m_port) : QString();
}

qint64 LocalOrderlog::pid() const
{
    return m_runner ? m_runner->processId() : 0;
}

void LocalOrderlog::start(const LocalDatabaseAccess &database, const QString &checkoutUpstream)
{
    if (m_runner)
        return;
    m_port = 0;
    m_stopping = false;
    const QString binary = locateBinary();
    if (binary.isEmpty()) {
        Q_EMIT failed(Error{Error::Kind::Unavailable,
                            u"orderlog-server was not found beside the app or on PATH; build it (./boutique build)."_s});
        return;
    }
    const Command command = commandFor(binary, database, checkoutUpstream);
    m_runner = new CommandRunner(m_context, this);
    m_runner->setKillGrace(3s);
    connect(m_runner, &CommandRunner::stderrLine, this, &LocalOrderlog::logLine);
    connect(m_runner, &CommandRunner::stdoutLine, this, [this](const QString &line) {
        if (m_port > 0)
            return;
        m_port = parseListeningLine(line);
        if (m_port > 0)
            Q_EMIT ready(address());
    });
    connect(m_runner, &CommandRunner::finished, this, [this](const CommandResult &r) {
        m_runner->deleteLater();
        m_runner = nullptr;
        m_port = 0;
        if (m_stopping || r.outcome == CommandResult::Outcome::Cancelled) {
            m_stopping = false;
            Q_EMIT stopped();
            return;
        }
        Q_EMIT failed(Error{Error::Kind::Failed, u"orderlog-server stopped: %1"_s.arg(r.toError().message), r.stderrTail});
    });
    m_runner->start(command);
}

void LocalOrderlog::stop()
{
    if (!m_runner)
        return;
    m_stopping = true;
    m_runner->cancel();
}

} // namespace bc
