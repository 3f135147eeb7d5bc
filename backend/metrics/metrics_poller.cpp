#include "backend/metrics/metrics_poller.h"

#include "backend/kube/kube_client.h"
#include "backend/kube/kube_watch.h"

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace bc {

MetricsPoller::MetricsPoller(RunContext *context, KubeTarget target, QObject *parent)
    : QObject(parent)
    , m_context(context)
    , m_target(std::move(target))
    , m_client(new KubeClient(context, m_target, this))
{
    m_timer.setInterval(5s);
    connect(&m_timer, &QTimer::timeout, this, &MetricsPoller::poll);
}

MetricsPoller::~MetricsPoller() = default;

void MetricsPoller::setInterval(std::chrono::milliseconds interval)
{
    m_timer.setInterval(interval);
}

void MetricsPoller::setTarget(const KubeTarget &target)
{
    const bool wasRunning = m_running;
    stop();
    m_target = target;
    m_client->setTarget(target);
    m_pods.clear();
    m_rows.clear();
    m_lastMetrics.clear();
    m_history = MetricsHistory(m_history.capacity());
    Q_EMIT updated(m_rows);
    if (wasRunning)
        start();
}

void MetricsPoller::start()
{
    if (m_running)
        return;
    m_running = true;
    m_watch = new KubeWatch(m_context, m_target, u"pods"_s, {}, this);
    connect(m_watch, &KubeWatch::resynced, this, [this] { m_pods.clear(); }); // the whole state follows
    connect(m_watch, &KubeWatch::eventsReceived, this, &MetricsPoller::onPodEvents);
    m_watch->start();
    setState(State::Waiting, u"Waiting for the first answer of the metrics API"_s);
    m_timer.start();
    poll();
}

void MetricsPoller::stop()
{
    m_running = false;
    m_timer.stop();
    if (m_watch) {
        m_watch->stop();
        m_watch->deleteLater();
        m_watch = nullptr;
    }
}

void MetricsPoller::onPodEvents(const QList<WatchEvent> &events)
{
    for (const WatchEvent &e : events) {
        if (e.type == WatchEvent::Type::Error)
            continue;
        const Pod pod = podFromJson(e.object);
        if (e.type == WatchEvent::Type::Deleted) {
            m_pods.remove(pod.meta.name);
            m_history.forget(pod.meta.name);
        } else {
            m_pods.insert(pod.meta.name, pod);
        }
    }
    rebuild();
}

void MetricsPoller::poll()
{
    if (m_inFlight || !m_running)
        return;
    m_inFlight = true;
    m_client->podMetrics([this](const Result<QList<PodMetrics>> &r) {
        m_inFlight = false;
        if (!r) {
            const auto [state, message] = classify(r.error());
            setState(state, message);
            m_lastMetrics.clear();
            rebuild();
            return;
        }
        m_lastMetrics = r.value();
        m_history.add(m_lastMetrics);
        setState(State::Ok, {});
        rebuild();
    });
}

void MetricsPoller::rebuild()
{
    m_rows = buildPodUsage(m_pods.values(), m_lastMetrics);
    Q_EMIT updated(m_rows);
}

void MetricsPoller::setState(State state, const QString &message)
{
    if (state == m_state && message == m_message)
        return;
    m_state = state;
    m_message = message;
    Q_EMIT stateChanged(state, message);
}

std::pair<MetricsPoller::State, QString> MetricsPoller::classify(const Error &error)
{
    const QString text = (error.message + u' ' + error.detail).toLower();
    if (text.contains(u"could not find the requested resource"_s) || text.contains(u"notfound"_s)
        || text.contains(u"404"_s) || text.contains(u"the server doesn't have a resource type"_s))
        return {State::MetricsMissing,
                u"metrics-server is not installed: the cluster does not serve metrics.k8s.io, so there is no CPU "
                "or memory usage. Install it with `kubectl apply -f "
                "https://github.com/kubernetes-sigs/metrics-server/releases/latest/download/components.yaml` "
                "(GKE has it already); this panel keeps asking."_s};
    if (text.contains(u"serviceunavailable"_s) || text.contains(u"service unavailable"_s) || text.contains(u"503"_s))
        return {State::MetricsNotReady,
                u"metrics-server is not ready yet (metrics.k8s.io answers 503): it needs a minute after it starts "
                "to scrape the kubelets; check `kubectl -n kube-system get pods -l k8s-app=metrics-server`. "
                "This panel keeps asking."_s};
    return {State::Failed, u"The metrics API did not answer: %1 (retrying)"_s.arg(error.message)};
}

} // namespace bc
