#include "backend/orders/port_forward.h"

#include "backend/process/command_runner.h"
#include "backend/process/run_context.h"

#include <QTcpServer>

#include <utility>

using namespace Qt::StringLiterals;

namespace bc {

PortForward::PortForward(RunContext *context, KubeTarget target, QObject *parent)
    : QObject(parent)
    , m_context(context)
    , m_target(std::move(target))
{
    m_restart.setSingleShot(true);
    connect(&m_restart, &QTimer::timeout, this, &PortForward::launch);
}

PortForward::~PortForward()
{
    stop();
}

quint16 PortForward::freeLocalPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

void PortForward::start(const QString &service, int remotePort, quint16 localPort)
{
    stop();
    m_service = service;
    m_remotePort = remotePort;
    m_localPort = localPort ? localPort : freeLocalPort();
    m_running = true;
    m_attempts = 0;
    m_backoffMs = 500;
    launch();
}

void PortForward::stop()
{
    m_running = false;
    m_restart.stop();
    if (m_runner) {
        CommandRunner *r = m_runner;
        m_runner = nullptr;
        r->disconnect(this);
        r->cancel();
        r->deleteLater();
    }
    m_forwarding = false;
}

void PortForward::launch()
{
    if (!m_running)
        return;
    ++m_attempts;
    m_lastError.clear();
    m_runner = new CommandRunner(m_context, this);
    Command c {u"kubectl"_s,
        m_target.namespacedArguments()
            + QStringList {u"port-forward"_s, u"--address"_s, u"127.0.0.1"_s, u"svc/"_s + m_service,
                u"%1:%2"_s.arg(m_localPort).arg(m_remotePort)}};
    c.timeout = std::chrono::milliseconds(0); // runs until stopped
    connect(m_runner, &CommandRunner::stdoutLine, this, &PortForward::onLine);
    connect(m_runner, &CommandRunner::stderrLine, this, [this](const QString &line) {
        if (!line.trimmed().isEmpty())
            m_lastError = line.trimmed();
    });
    connect(m_runner, &CommandRunner::finished, this, [this](const CommandResult &result) {
        if (m_runner)
            m_runner->deleteLater();
        m_runner = nullptr;
        const bool wasForwarding = std::exchange(m_forwarding, false);
        if (!m_running)
            return;
        Error e = result.toError();
        e.kind = Error::Kind::Unavailable;
        e.message = (wasForwarding ? u"The port-forward to %1 stopped; reconnecting in %2 s."_s
                                   : u"The port-forward to %1 could not start; retrying in %2 s."_s)
                        .arg(m_service)
                        .arg(m_backoffMs / 1000.0, 0, 'f', 1);
        if (!m_lastError.isEmpty())
            e.detail = m_lastError;
        Q_EMIT dropped(e);
        m_restart.start(m_backoffMs);
        m_backoffMs = qMin(m_backoffMs * 2, m_maxBackoffMs);
    });
    m_runner->start(c);
}

void PortForward::onLine(const QString &line)
{
    if (line.startsWith(u"Forwarding from"_s) && !m_forwarding) {
        m_forwarding = true;
        m_backoffMs = 500;
        Q_EMIT ready(m_localPort);
    }
}

} // namespace bc
