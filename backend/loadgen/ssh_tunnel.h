#pragma once

#include "backend/core/result.h"
#include "backend/process/command.h"

#include <QObject>
#include <QTimer>

#include <functional>

namespace bc {

class CommandRunner;
class RunContext;

// One `ssh -N -L 127.0.0.1:LOCAL:...` tunnel through CommandRunner, on a local port picked once and
// kept, so that a client's base URL survives a restart. Up when the local port accepts a connection;
// restarted with backoff whenever ssh ends (network drop, bastion restart, ssh killed) until stop().
class SshTunnel : public QObject
{
    Q_OBJECT
public:
    using CommandFor = std::function<Command(quint16 localPort)>;

    explicit SshTunnel(RunContext *context, QObject *parent = nullptr);
    ~SshTunnel() override;

    void start(CommandFor commandFor, quint16 localPort = 0); // 0: a free loopback port
    void stop();
    bool isUp() const { return m_up; }
    bool isRunning() const { return m_running; }
    quint16 localPort() const { return m_localPort; }
    int starts() const { return m_starts; }
    qint64 processId() const;
    void setMaxBackoff(int ms) { m_maxBackoffMs = ms; }

Q_SIGNALS:
    void up(quint16 localPort);
    void dropped(const bc::Error &error);

private:
    void launch();
    void probe();

    RunContext *m_context;
    CommandFor m_commandFor;
    CommandRunner *m_runner = nullptr;
    QTimer m_restart;
    QTimer m_probe;
    quint16 m_localPort = 0;
    bool m_running = false;
    bool m_up = false;
    int m_starts = 0;
    int m_backoffMs = 500;
    int m_maxBackoffMs = 5000;
    QString m_lastError;
};

} // namespace bc
