#include "backend/deploy/rollout_tracker.h"

#include "backend/kube/kube_watch.h"

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace bc {

namespace {

bool selects(const Labels &selector, const Labels &labels)
{
    if (selector.isEmpty())
        return false;
    for (auto it = selector.cbegin(); it != selector.cend(); ++it)
        if (labels.value(it.key()) != it.value())
            return false;
    return true;
}

const QStringList &blockingReasons()
{
    static const QStringList reasons{u"ImagePullBackOff"_s, u"ErrImagePull"_s, u"CrashLoopBackOff"_s,
                                     u"CreateContainerConfigError"_s, u"InvalidImageName"_s,
                                     u"CreateContainerError"_s, u"RunContainerError"_s};
    return reasons;
}

} // namespace

RolloutTracker::RolloutTracker(RunContext *context, KubeTarget target, QStringList deployments, QObject *parent)
    : QObject(parent), m_context(context), m_target(std::move(target)), m_names(std::move(deployments))
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        QStringList waiting;
        for (const DeploymentProgress &p : progress())
            if (!p.done)
                waiting.append(p.problem.isEmpty() ? p.name : u"%1 (%2)"_s.arg(p.name, p.problem));
        finish(Error{Error::Kind::Timeout, u"Not available in time: %1"_s.arg(waiting.join(u", "_s))});
    });
    // Problems become failures after a grace period even when no event arrives in between.
    m_recheck.setInterval(1s);
    connect(&m_recheck, &QTimer::timeout, this, &RolloutTracker::evaluate);
}

RolloutTracker::~RolloutTracker() = default;

void RolloutTracker::start()
{
    m_deploymentWatch = new KubeWatch(m_context, m_target, u"deployments"_s, {}, this);
    m_podWatch = new KubeWatch(m_context, m_target, u"pods"_s, {}, this);
    connect(m_deploymentWatch, &KubeWatch::resynced, this, [this] { m_deployments.clear(); });
    connect(m_podWatch, &KubeWatch::resynced, this, [this] { m_pods.clear(); });
    connect(m_deploymentWatch, &KubeWatch::eventsReceived, this, &RolloutTracker::onDeploymentEvents);
    connect(m_podWatch, &KubeWatch::eventsReceived, this, &RolloutTracker::onPodEvents);
    m_deadline.start(m_timeout);
    m_recheck.start();
    m_deploymentWatch->start();
    m_podWatch->start();
    if (m_context && m_context->dryRun()) // the watches printed their command lines; nothing was applied
        QTimer::singleShot(0, this, [this] { finish(ok()); });
}

void RolloutTracker::cancel()
{
    finish(Error{Error::Kind::Cancelled, u"Stopped waiting for the rollout."_s});
}

void RolloutTracker::onDeploymentEvents(const QList<WatchEvent> &events)
{
    for (const WatchEvent &e : events) {
        const Deployment d = deploymentFromJson(e.object);
        if (!m_names.contains(d.meta.name))
            continue;
        if (e.type == WatchEvent::Type::Deleted)
            m_deployments.remove(d.meta.name);
        else if (e.type != WatchEvent::Type::Error)
            m_deployments.insert(d.meta.name, d);
    }
    evaluate();
}

void RolloutTracker::onPodEvents(const QList<WatchEvent> &events)
{
    for (const WatchEvent &e : events) {
        if (e.type == WatchEvent::Type::Error)
            continue;
        const Pod p = podFromJson(e.object);
        if (e.type == WatchEvent::Type::Deleted)
            m_pods.remove(p.meta.uid);
        else
            m_pods.insert(p.meta.uid, p);
    }
    evaluate();
}

QString RolloutTracker::podProblem(const Pod &pod) const
{
    if (pod.meta.deleted)
        return {};
    if (!pod.scheduled)
        return u"%1: %2"_s.arg(pod.reason.isEmpty() ? u"Unschedulable"_s : pod.reason, pod.message);
    for (const ContainerState &c : pod.containerStates)
        if (blockingReasons().contains(c.reason))
            return c.message.isEmpty() ? c.reason : u"%1: %2"_s.arg(c.reason, c.message);
    return {};
}

QList<DeploymentProgress> RolloutTracker::progress() const
{
    QList<DeploymentProgress> list;
    for (const QString &name : m_names) {
        DeploymentProgress p;
        p.name = name;
        const auto it = m_deployments.constFind(name);
        if (it != m_deployments.cend()) {
            const Deployment &d = *it;
            p.seen = true;
            p.desired = d.desiredReplicas;
            p.ready = d.readyReplicas;
            p.available = d.availableReplicas;
            p.done = d.available();
            if (!p.done) {
                for (const Pod &pod : m_pods)
                    if (selects(d.selector, pod.meta.labels)) {
                        p.problem = podProblem(pod);
                        if (!p.problem.isEmpty())
                            break;
                    }
                const auto progressing = d.condition(u"Progressing"_s);
                if (p.problem.isEmpty() && progressing && progressing->reason == u"ProgressDeadlineExceeded")
                    p.problem = u"ProgressDeadlineExceeded: %1"_s.arg(progressing->message);
            }
        }
        list.append(p);
    }
    return list;
}

void RolloutTracker::evaluate()
{
    if (m_finished)
        return;
    const QList<DeploymentProgress> now = progress();
    Q_EMIT progressChanged(now);
    bool allDone = !now.isEmpty();
    const QDateTime clock = QDateTime::currentDateTimeUtc();
    for (const DeploymentProgress &p : now) {
        allDone = allDone && p.done;
        if (p.problem.isEmpty()) {
            m_problemSince.remove(p.name);
            continue;
        }
        const QDateTime since = m_problemSince.value(p.name, clock);
        m_problemSince.insert(p.name, since);
        if (since.msecsTo(clock) >= m_problemGrace.count()) {
            finish(Error{Error::Kind::Failed, u"%1 cannot become ready: %2"_s.arg(p.name, p.problem)});
            return;
        }
    }
    if (allDone)
        finish(ok());
}

void RolloutTracker::finish(const Status &status)
{
    if (m_finished)
        return;
    m_finished = true;
    m_deadline.stop();
    m_recheck.stop();
    if (m_deploymentWatch)
        m_deploymentWatch->stop();
    if (m_podWatch)
        m_podWatch->stop();
    Q_EMIT finished(status);
}

} // namespace bc
