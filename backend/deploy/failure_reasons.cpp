#include "backend/deploy/failure_reasons.h"

#include "backend/kube/kube_watch.h"

using namespace Qt::StringLiterals;

namespace bc {

namespace {

bool imagePullReason(const QString &reason)
{
    return reason == u"ImagePullBackOff" || reason == u"ErrImagePull" || reason == u"InvalidImageName";
}

// The pull error itself: the kubelet's "Failed to pull image ..." Event, else the waiting message.
QString pullError(const ContainerState &c, const QHash<QString, Event> &warnings)
{
    const auto it = warnings.constFind(u"Failed"_s);
    if (it != warnings.cend() && it->message.startsWith(u"Failed to pull image"))
        return it->message;
    return c.message;
}

QString crashMessage(const ContainerState &c)
{
    QString text = u"container %1"_s.arg(c.name);
    if (c.lastExitCode)
        text += u" exited with code %1"_s.arg(*c.lastExitCode);
    if (!c.lastTerminatedReason.isEmpty())
        text += u" (%1)"_s.arg(c.lastTerminatedReason);
    text += c.restartCount == 1 ? u", 1 restart"_s : u", %1 restarts"_s.arg(c.restartCount);
    if (!c.message.isEmpty())
        text += u"; "_s + c.message;
    return text;
}

// Lower is more telling: a deployment shows the reason of its most telling pod.
int rank(const FailureReason &r)
{
    static const QStringList order{u"ErrImagePull"_s, u"ImagePullBackOff"_s, u"InvalidImageName"_s,
                                   u"CrashLoopBackOff"_s, u"OOMKilled"_s, u"FailedScheduling"_s, u"Unhealthy"_s};
    const qsizetype i = order.indexOf(r.reason);
    return i < 0 ? int(order.size()) : int(i);
}

} // namespace

FailureReasons::FailureReasons(QObject *parent)
    : QObject(parent)
{ }

QString FailureReasons::deploymentOf(const Pod &pod)
{
    if (pod.meta.ownerKind != u"ReplicaSet")
        return {};
    const QString hash = pod.meta.labels.value(u"pod-template-hash"_s);
    const QString rs = pod.meta.ownerName;
    if (!hash.isEmpty() && rs.endsWith(u'-' + hash))
        return rs.left(rs.size() - hash.size() - 1);
    const qsizetype dash = rs.lastIndexOf(u'-');
    return dash > 0 ? rs.left(dash) : QString();
}

FailureReason FailureReasons::forPod(const Pod &pod, const QHash<QString, Event> &warnings)
{
    if (pod.meta.deleted)
        return {};
    for (const ContainerState &c : pod.containerStates)
        if (c.state == u"waiting" && imagePullReason(c.reason))
            return {c.reason, pullError(c, warnings)};
    for (const ContainerState &c : pod.containerStates)
        if (c.state == u"waiting" && c.reason == u"CrashLoopBackOff") {
            if (c.lastTerminatedReason == u"OOMKilled")
                return {u"OOMKilled"_s, crashMessage(c)};
            return {c.reason, crashMessage(c)};
        }
    for (const ContainerState &c : pod.containerStates)
        if (c.state == u"waiting" && !c.reason.isEmpty() && c.reason != u"ContainerCreating"
            && c.reason != u"PodInitializing")
            return {c.reason, c.message};
    for (const ContainerState &c : pod.containerStates)
        if (c.lastTerminatedReason == u"OOMKilled" && c.restartCount > 0)
            return {u"OOMKilled"_s, crashMessage(c)};
    if (!pod.scheduled) {
        const auto it = warnings.constFind(u"FailedScheduling"_s);
        return {u"FailedScheduling"_s, it != warnings.cend() ? it->message : pod.message};
    }
    if (!pod.ready && pod.phase == Pod::Phase::Running)
        if (const auto it = warnings.constFind(u"Unhealthy"_s); it != warnings.cend())
            return {u"Unhealthy"_s, it->message};
    return {};
}

FailureReason FailureReasons::forDeployment(const QString &deployment) const
{
    static const QHash<QString, Event> none;
    FailureReason best;
    int pods = 0, failing = 0;
    for (auto it = m_pods.cbegin(); it != m_pods.cend(); ++it) {
        if (deploymentOf(*it) != deployment || it->meta.deleted)
            continue;
        ++pods;
        const auto w = m_warnings.constFind(it.key());
        const FailureReason r = forPod(*it, w != m_warnings.cend() ? *w : none);
        if (r.isEmpty())
            continue;
        ++failing;
        if (best.isEmpty() || rank(r) < rank(best) || (rank(r) == rank(best) && r.message < best.message))
            best = r;
    }
    if (!best.isEmpty() && pods > 1)
        best.message = u"%1 of %2 pods: %3"_s.arg(failing).arg(pods).arg(best.message);
    return best;
}

void FailureReasons::applyPodEvents(const QList<WatchEvent> &events)
{
    for (const WatchEvent &e : events) {
        if (e.type == WatchEvent::Type::Error)
            continue;
        Pod pod = podFromJson(e.object);
        if (pod.meta.name.isEmpty())
            continue;
        if (e.type == WatchEvent::Type::Deleted) {
            m_pods.remove(pod.meta.name);
            m_warnings.remove(pod.meta.name);
        } else {
            m_pods.insert(pod.meta.name, std::move(pod));
        }
    }
    if (!events.isEmpty())
        Q_EMIT changed();
}

void FailureReasons::applyClusterEvents(const QList<WatchEvent> &events)
{
    bool any = false;
    for (const WatchEvent &e : events) {
        if (e.type != WatchEvent::Type::Added && e.type != WatchEvent::Type::Modified)
            continue;
        const Event event = eventFromJson(e.object);
        // Kept even before the pod's own watch event arrives: FailedScheduling is reported once.
        if (event.type != u"Warning" || event.objectKind != u"Pod" || event.objectName.isEmpty())
            continue;
        // "Error: ErrImagePull" and the like repeat the waiting reason under the same Event reason
        // ("Failed") as the pull error itself: keeping them would hide the error.
        if (event.message.startsWith(u"Error: "))
            continue;
        Event &slot = m_warnings[event.objectName][event.reason];
        if (slot.lastSeen.isValid() && event.lastSeen.isValid() && event.lastSeen < slot.lastSeen)
            continue;
        slot = event;
        any = true;
    }
    if (any)
        Q_EMIT changed();
}

void FailureReasons::clearPods()
{
    m_pods.clear();
    Q_EMIT changed();
}

void FailureReasons::clear()
{
    m_pods.clear();
    m_warnings.clear();
    Q_EMIT changed();
}

} // namespace bc
