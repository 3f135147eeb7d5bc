#pragma once

#include "backend/core/result.h"
#include "backend/kube/kube_target.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>
#include <functional>

namespace bc {

class KubeClient;
class RunContext;
struct Service;

// The storefront's external address: Service frontend-external's status.loadBalancer.ingress, read
// through kubectl. `deploy --wait`, `load run` and the Deploy and Load test panels all ask this one.
class StorefrontAddress : public QObject
{
    Q_OBJECT
public:
    static constexpr const char *kService = "frontend-external";
    using Done = std::function<void(const Result<QString> &)>;

    StorefrontAddress(RunContext *context, KubeTarget target, QObject *parent = nullptr);

    // Reads it once: "http://ADDRESS[:PORT]", or an error that says why there is none yet.
    void read(Done done);
    // Reads it every second until it has an address, or fails naming the service and the wait.
    void waitFor(std::chrono::milliseconds timeout, Done done);
    void cancel();

    // What a read of the service (or its failure) means for the address.
    static Result<QString> urlFrom(const Result<Service> &service, const QString &ns);

private:
    void poll();

    KubeClient *m_client;
    QString m_ns;
    QTimer m_retry;
    QElapsedTimer m_waited;
    std::chrono::milliseconds m_timeout {0};
    Done m_done;
    Error m_lastError;
};

} // namespace bc
