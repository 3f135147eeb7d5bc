// FailureReasons alone: pods and Events as the watches deliver them become one reason and message per
// deployment (the Deploy panel's Problem column): the pull error, the crash loop's exit code, OOMKilled,
// FailedScheduling with node counts, failed probes.
#include "backend/deploy/failure_reasons.h"
#include "backend/deploy/workloads_model.h"
#include "backend/kube/kube_watch.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using bc::FailureReasons;
using bc::WatchEvent;

namespace {

QJsonObject pod(const QString &deployment, const QString &suffix, const QJsonObject &containerStatus,
                bool scheduled = true, const QString &phase = u"Running"_s)
{
    const QString hash = u"5f7d9c"_s;
    QJsonArray conditions{QJsonObject{{u"type"_s, u"Ready"_s}, {u"status"_s, u"False"_s}}};
    if (!scheduled)
        conditions.append(QJsonObject{{u"type"_s, u"PodScheduled"_s}, {u"status"_s, u"False"_s},
                                      {u"reason"_s, u"Unschedulable"_s}, {u"message"_s, u"from the condition"_s}});
    QJsonObject status{{u"phase"_s, phase}, {u"conditions"_s, conditions}};
    if (!containerStatus.isEmpty())
        status[u"containerStatuses"_s] = QJsonArray{containerStatus};
    return QJsonObject{
        {u"kind"_s, u"Pod"_s},
        {u"metadata"_s,
         QJsonObject{{u"name"_s, deployment + u'-' + hash + u'-' + suffix},
                     {u"namespace"_s, u"default"_s},
                     {u"labels"_s, QJsonObject{{u"pod-template-hash"_s, hash}}},
                     {u"ownerReferences"_s,
                      QJsonArray{QJsonObject{{u"kind"_s, u"ReplicaSet"_s}, {u"name"_s, deployment + u'-' + hash}}}}}},
        {u"spec"_s, QJsonObject{{u"containers"_s, QJsonArray{QJsonObject{{u"name"_s, u"app"_s}, {u"image"_s, u"x"_s}}}}}},
        {u"status"_s, status}};
}

QJsonObject waiting(const QString &reason, const QString &message, const QJsonObject &lastTerminated = {},
                    int restarts = 0)
{
    QJsonObject cs{{u"name"_s, u"app"_s}, {u"ready"_s, false}, {u"restartCount"_s, restarts},
                   {u"state"_s, QJsonObject{{u"waiting"_s, QJsonObject{{u"reason"_s, reason}, {u"message"_s, message}}}}}};
    cs[u"lastState"_s] = lastTerminated.isEmpty() ? QJsonObject{} : QJsonObject{{u"terminated"_s, lastTerminated}};
    return cs;
}

QJsonObject clusterEvent(const QString &podName, const QString &reason, const QString &message,
                  const QString &type = u"Warning"_s, const QString &when = u"2026-12-03T12:00:00Z"_s)
{
    return QJsonObject{{u"kind"_s, u"Event"_s},
                       {u"metadata"_s, QJsonObject{{u"name"_s, podName + u".1"_s}, {u"namespace"_s, u"default"_s}}},
                       {u"involvedObject"_s, QJsonObject{{u"kind"_s, u"Pod"_s}, {u"name"_s, podName}}},
                       {u"reason"_s, reason},
                       {u"message"_s, message},
                       {u"type"_s, type},
                       {u"lastTimestamp"_s, when}};
}

WatchEvent added(const QJsonObject &o)
{
    return WatchEvent{WatchEvent::Type::Added, o};
}

QString name(const QJsonObject &pod)
{
    return pod[u"metadata"_s].toObject()[u"name"_s].toString();
}

} // namespace

class TstFailureReasons : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void imagePullShowsThePullError()
    {
        FailureReasons reasons;
        const QJsonObject p = pod(u"web"_s, u"a"_s,
                                  waiting(u"ImagePullBackOff"_s, u"Back-off pulling image \"busybox:does-not-exist\""_s),
                                  true, u"Pending"_s);
        reasons.applyPodEvents({added(p)});
        QCOMPARE(reasons.forDeployment(u"web"_s).reason, u"ImagePullBackOff"_s);
        QCOMPARE(reasons.forDeployment(u"web"_s).message, u"Back-off pulling image \"busybox:does-not-exist\""_s);
        QSignalSpy changed(&reasons, &FailureReasons::changed);
        reasons.applyClusterEvents({added(clusterEvent(name(p), u"Failed"_s, u"Error: ImagePullBackOff"_s,
                                                u"Warning"_s, u"2026-12-03T12:00:05Z"_s)),
                                    added(clusterEvent(name(p), u"Failed"_s,
                                                u"Failed to pull image \"busybox:does-not-exist\": not found"_s)),
                                    added(clusterEvent(name(p), u"BackOff"_s, u"Back-off pulling image"_s, u"Normal"_s))});
        QCOMPARE(changed.size(), 1);
        QCOMPARE(reasons.forDeployment(u"web"_s).message, u"Failed to pull image \"busybox:does-not-exist\": not found"_s);
        QVERIFY(reasons.forDeployment(u"other"_s).isEmpty());
    }

    void crashLoopHasTheExitCode()
    {
        FailureReasons reasons;
        const QJsonObject last{{u"exitCode"_s, 3}, {u"reason"_s, u"Error"_s}, {u"finishedAt"_s, u"2026-12-03T12:00:00Z"_s}};
        reasons.applyPodEvents({added(pod(u"crash"_s, u"a"_s,
                                          waiting(u"CrashLoopBackOff"_s, u"back-off 40s restarting failed container=app"_s,
                                                  last, 4)))});
        const bc::FailureReason r = reasons.forDeployment(u"crash"_s);
        QCOMPARE(r.reason, u"CrashLoopBackOff"_s);
        QCOMPARE(r.message, u"container app exited with code 3 (Error), 4 restarts; back-off 40s restarting failed container=app"_s);
    }

    void oomKilled()
    {
        FailureReasons reasons;
        QJsonObject running{{u"name"_s, u"app"_s}, {u"ready"_s, true}, {u"restartCount"_s, 1},
                            {u"state"_s, QJsonObject{{u"running"_s, QJsonObject{}}}},
                            {u"lastState"_s, QJsonObject{{u"terminated"_s, QJsonObject{{u"exitCode"_s, 137}, {u"reason"_s, u"OOMKilled"_s}}}}}};
        reasons.applyPodEvents({added(pod(u"cart"_s, u"a"_s, running))});
        QCOMPARE(reasons.forDeployment(u"cart"_s),
                 (bc::FailureReason{u"OOMKilled"_s, u"container app exited with code 137 (OOMKilled), 1 restart"_s}));
    }

    void failedSchedulingFromTheEvent()
    {
        FailureReasons reasons;
        const QJsonObject p = pod(u"huge"_s, u"a"_s, {}, false, u"Pending"_s);
        // The Event can come before the pod's own watch event: it is kept.
        reasons.applyClusterEvents({added(clusterEvent(name(p), u"FailedScheduling"_s,
                                                u"0/3 nodes are available: 3 Insufficient cpu."_s))});
        reasons.applyPodEvents({added(p)});
        QCOMPARE(reasons.forDeployment(u"huge"_s),
                 (bc::FailureReason{u"FailedScheduling"_s, u"0/3 nodes are available: 3 Insufficient cpu."_s}));
    }

    void failedProbeAndCounts()
    {
        FailureReasons reasons;
        QJsonObject running{{u"name"_s, u"app"_s}, {u"ready"_s, false}, {u"restartCount"_s, 0},
                            {u"state"_s, QJsonObject{{u"running"_s, QJsonObject{}}}}};
        const QJsonObject a = pod(u"web"_s, u"a"_s, running);
        QJsonObject fine = running;
        fine[u"ready"_s] = true;
        QJsonObject b = pod(u"web"_s, u"b"_s, fine);
        QJsonObject bs = b[u"status"_s].toObject();
        bs[u"conditions"_s] = QJsonArray{QJsonObject{{u"type"_s, u"Ready"_s}, {u"status"_s, u"True"_s}}};
        b[u"status"_s] = bs;
        reasons.applyPodEvents({added(a), added(b)});
        QVERIFY(reasons.forDeployment(u"web"_s).isEmpty()); // not ready, but no Event says why yet
        reasons.applyClusterEvents({added(clusterEvent(name(a), u"Unhealthy"_s, u"Readiness probe failed: not yet"_s))});
        QCOMPARE(reasons.forDeployment(u"web"_s),
                 (bc::FailureReason{u"Unhealthy"_s, u"1 of 2 pods: Readiness probe failed: not yet"_s}));
        reasons.applyPodEvents({WatchEvent{WatchEvent::Type::Deleted, a}});
        QVERIFY(reasons.forDeployment(u"web"_s).isEmpty());
    }

    void modelShowsTheReason()
    {
        FailureReasons reasons;
        bc::WorkloadsModel model(bc::WorkloadsModel::Kind::Deployments);
        model.setFailureReasons(&reasons);
        model.applyEvents({added(QJsonObject{{u"kind"_s, u"Deployment"_s},
                                             {u"metadata"_s, QJsonObject{{u"name"_s, u"crash"_s}}}})});
        const QModelIndex cell = model.index(0, bc::WorkloadsModel::DeploymentProblem);
        QCOMPARE(cell.data().toString(), QString());
        QCOMPARE(model.headerData(bc::WorkloadsModel::DeploymentProblem, Qt::Horizontal).toString(), u"Problem"_s);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        reasons.applyPodEvents({added(pod(u"crash"_s, u"a"_s,
                                          waiting(u"CrashLoopBackOff"_s, {}, QJsonObject{{u"exitCode"_s, 1}, {u"reason"_s, u"Error"_s}}, 2)))});
        QCOMPARE(changed.size(), 1);
        QCOMPARE(cell.data().toString(), u"CrashLoopBackOff: container app exited with code 1 (Error), 2 restarts"_s);
        QCOMPARE(cell.data(Qt::ToolTipRole).toString(), cell.data().toString());
    }
};

QTEST_GUILESS_MAIN(TstFailureReasons)
#include "tst_failure_reasons.moc"
