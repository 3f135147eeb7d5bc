#pragma once

// `kubectl port-forward svc/<cluster>-rw LOCALPORT:5432 --address 127.0.0.1` through CommandRunner, on a
// free local port, restarted with backoff whenever it ends (pod rescheduled, network drop, kubectl
// killed). ready(port) each time it forwards; dropped(error) when it stops; the Order log panel
// reconnects its database on ready.

#include "backend/core/result.h"
#include "backend/kube/kube_target.h"
#include "backend/process/run_context.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace bc {

class CommandRunner;
class RunContext;

class PortForward : public QObject
{
    Q_OBJECT
public:
    PortForward(RunContext *context, KubeTarget target, QObject *parent = nullptr);
    ~PortForward() override;

    // service: e.g. "orderlog-db-rw"; remotePort 5432. localPort 0: a free one is picked once and kept.
    void start(const QString &service, int remotePort = 5432, quint16 localPort = 0);
    void stop();
    bool isForwarding() const { return m_forwarding; }
    quint16 localPort() const { return m_localPort; }
    int attempts() const { return m_attempts; }
    void setMaxBackoff(int ms) { m_maxBackoffMs = ms; }

    static quint16 freeLocalPort();

Q_SIGNALS:
    void ready(quint16 localPort);
    void dropped(const bc::Error &error);

private:
    void launch();
    void onLine(const QString &line);

    QPointer<RunContext> m_context;
    KubeTarget m_target;
    QString m_service;
    int m_remotePort = 5432;
    quint16 m_localPort = 0;
    CommandRunner *m_runner = nullptr;
    QTimer m_restart;
    bool m_running = false;
    bool m_forwarding = false;
    int m_attempts = 0;
    int m_backoffMs = 500;
    int m_maxBackoffMs = 10000;
    QString m_lastError;
};

} // namespace bc
