#include "backend/deploy/storefront_address.h"

#include "backend/kube/kube_client.h"
#include "backend/kube/kube_objects.h"

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace bc {

StorefrontAddress::StorefrontAddress(RunContext *context, KubeTarget target, QObject *parent)
    : QObject(parent)
    , m_client(new KubeClient(context, target, this))
    , m_ns(target.ns.isEmpty() ? u"default"_s : target.ns)
{
    m_retry.setSingleShot(true);
    m_retry.setInterval(1s);
    connect(&m_retry, &QTimer::timeout, this, &StorefrontAddress::poll);
}

Result<QString> StorefrontAddress::urlFrom(const Result<Service> &service, const QString &ns)
{
    const QString name = QLatin1String(kService);
    if (!service) {
        const Error &e = service.error();
        if (e.message.contains(u"NotFound"_s) || e.detail.contains(u"NotFound"_s)
            || e.message.contains(u"not found"_s) || e.detail.contains(u"not found"_s))
            return Error {Error::Kind::NotFound,
                u"Service %1 does not exist in namespace %2: deploy Online Boutique first."_s.arg(name, ns),
                e.detail};
        return e;
    }
    const Service &s = service.value();
    if (s.meta.name.isEmpty())
        return Error {Error::Kind::NotFound,
            u"Service %1 does not exist in namespace %2: deploy Online Boutique first."_s.arg(name, ns)};
    if (s.type != u"LoadBalancer")
        return Error {Error::Kind::Invalid,
            u"Service %1 is of type %2, so it gets no external address (it needs type LoadBalancer)."_s.arg(
                name, s.type)};
    const QString url = s.externalUrl();
    if (url.isEmpty())
        return Error {Error::Kind::Unavailable,
            u"Service %1 has no external address yet (its load balancer is pending)."_s.arg(name)};
    return url;
}

void StorefrontAddress::read(Done done)
{
    const QString ns = m_ns;
    m_client->getService(QLatin1String(kService),
        [done = std::move(done), ns](const Result<Service> &s) { done(urlFrom(s, ns)); });
}

void StorefrontAddress::waitFor(std::chrono::milliseconds timeout, Done done)
{
    m_timeout = timeout;
    m_done = std::move(done);
    m_waited.start();
    poll();
}

void StorefrontAddress::cancel()
{
    m_retry.stop();
    if (auto done = std::exchange(m_done, {}))
        done(Error {Error::Kind::Cancelled, u"Waiting for the storefront's address was cancelled."_s});
}

void StorefrontAddress::poll()
{
    read([this](const Result<QString> &url) {
        if (!m_done)
            return;
        // Pending and "not created yet" are worth waiting for; a wrong type or a dead cluster is not.
        const bool transient = !url
            && (url.error().kind == Error::Kind::Unavailable || url.error().kind == Error::Kind::NotFound);
        if (url || !transient) {
            std::exchange(m_done, {})(url);
            return;
        }
        if (m_waited.elapsed() >= m_timeout.count()) {
            const qint64 seconds = (m_waited.elapsed() + 500) / 1000;
            std::exchange(m_done, {})(Error {Error::Kind::Timeout,
                u"Service %1 got no external address in %2 s (status.loadBalancer.ingress stayed empty)."_s
                    .arg(QLatin1String(kService))
                    .arg(seconds),
                url.error().message});
            return;
        }
        m_retry.start();
    });
}

} // namespace bc
