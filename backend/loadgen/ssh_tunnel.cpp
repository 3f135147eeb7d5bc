#include "backend/loadgen/ssh_tunnel.h"

#include "backend/load/locust_runner.h"
#include "backend/process/command_runner.h"

#include <QTcpSocket>

#include <utility>

using namespace Qt::StringLiterals;

namespace bc {

SshTunnel::SshTunnel(RunContext *context, QObject *parent)
    : QObject(parent)
    , m_context(context)
{
    m_restart.setSingleShot(true);
    connect(&m_restart, &QTimer::timeout, this, &SshTunnel::launch);
    m_probe.setInterval(200);
    connect(&m_probe, &QTimer::timeout, this, &SshTunnel::probe);
}

SshTunnel::~SshTunnel()
{
    stop();
}

qint64 SshTunnel::processId() const
{
    return m_runner ? m_runner->processId() : 0;
}

void SshTunnel::start(CommandFor commandFor, quint16 localPort)
{
    stop();
    m_commandFor = std::move(commandFor);
    m_localPort = localPort ? localPort : LocustRunner::freeLoopbackPort();
    m_running = true;
    m_starts = 0;
    m_backoffMs = 500;
    launch();
}

void SshTunnel::stop()
{
    m_running = false;
    m_restart.stop();
    m_probe.stop();
    if (m_runner) {
        CommandRunner *r = std::exchange(m_runner, nullptr);
        r->disconnect(this);
        r->cancel();
        r->deleteLater();
    }
    m_up = false;
}

void SshTunnel::launch()
{
    if (!m_running)
        return;
    ++m_starts;
    m_lastError.clear();
    m_runner = new CommandRunner(m_context, this);
    m_runner->setKillGrace(std::chrono::milliseconds(500));
    connect(m_runner, &CommandRunner::stderrLine, this, [this](const QString &line) {
        if (!line.trimmed().isEmpty())
            m_lastError = line.trimmed();
    });
    connect(m_runner, &CommandRunner::finished, this, [this](const CommandResult &result) {
        if (m_runner)
            m_runner->deleteLater();
        m_runner = nullptr;
        m_probe.stop();
        const bool wasUp = std::exchange(m_up, false);
        if (!m_running || result.dryRun) // a dry run only shows the line
            return;
        Error e = result.toError();
        e.kind = Error::Kind::Unavailable;
        e.message = (wasUp ? u"The SSH tunnel to the Locust master stopped; reconnecting in %1 s."_s
                           : u"The SSH tunnel to the Locust master could not start; retrying in %1 s."_s)
                        .arg(m_backoffMs / 1000.0, 0, 'f', 1);
        if (!m_lastError.isEmpty())
            e.detail = m_lastError;
        Q_EMIT dropped(e);
        m_restart.start(m_backoffMs);
        m_backoffMs = qMin(m_backoffMs * 2, m_maxBackoffMs);
    });
    m_runner->start(m_commandFor(m_localPort));
    m_probe.start();
}

void SshTunnel::probe()
{
    if (!m_running || m_up || !m_runner)
        return;
    auto *socket = new QTcpSocket(this);
    connect(socket, &QTcpSocket::connected, this, [this, socket] {
        socket->deleteLater();
        if (!m_running || m_up || !m_runner)
            return;
        m_up = true;
        m_probe.stop();
        m_backoffMs = 500;
        Q_EMIT up(m_localPort);
    });
    connect(socket, &QTcpSocket::errorOccurred, socket, &QObject::deleteLater);
    socket->connectToHost(QHostAddress::LocalHost, m_localPort);
}

} // namespace bc
