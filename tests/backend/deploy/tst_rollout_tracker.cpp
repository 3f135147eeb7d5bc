// RolloutTracker follows deployments to available and fails with the pod's reason when one cannot get
// there. Fed the items of real `kubectl get deployments|pods -o json` answers (rollout_data/, captured from
// the real kubectl talking to boutique-sandbox right after `kubectl apply` of the minimal shop plus an
// adservice whose image tag does not exist, and again 12 s later) as the watch events its KubeWatches
// would deliver.
#include "backend/deploy/rollout_tracker.h"
#include "backend/kube/kube_watch.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using bc::DeploymentProgress;
using bc::RolloutTracker;
using bc::WatchEvent;

namespace {

QList<WatchEvent> recorded(const char *name, WatchEvent::Type type)
{
    QFile f(QStringLiteral(BC_SOURCE_DIR "/tests/backend/deploy/rollout_data/") + QLatin1String(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", name);
    QList<WatchEvent> events;
    for (const QJsonValue &item : QJsonDocument::fromJson(f.readAll()).object()[u"items"_s].toArray())
        events.append(WatchEvent{type, item.toObject()});
    if (events.isEmpty())
        qFatal("no items in %s", name);
    return events;
}

constexpr auto Added = WatchEvent::Type::Added;
constexpr auto Modified = WatchEvent::Type::Modified;
constexpr auto Deleted = WatchEvent::Type::Deleted;

const QStringList kNames{u"frontend"_s, u"adservice"_s};

DeploymentProgress of(const RolloutTracker &tracker, const QString &name)
{
    for (const DeploymentProgress &p : tracker.progress())
        if (p.name == name)
            return p;
    return {};
}

} // namespace

class TstRolloutTracker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<bc::Status>();
        qRegisterMetaType<QList<bc::DeploymentProgress>>();
    }

    void startingPodsAreProgressNotProblems()
    {
        RolloutTracker tracker(nullptr, {}, kNames);
        QSignalSpy finished(&tracker, &RolloutTracker::finished);
        QSignalSpy changed(&tracker, &RolloutTracker::progressChanged);
        tracker.setProblemGrace(0ms);
        QCOMPARE(of(tracker, u"frontend"_s).seen, false); // nothing received yet
        tracker.onDeploymentEvents(recorded("deployments_starting.json", Added));
        tracker.onPodEvents(recorded("pods_starting.json", Added));
        QCOMPARE(changed.size(), 2);
        for (const QString &name : kNames) {
            const DeploymentProgress p = of(tracker, name);
            QVERIFY2(p.seen, qPrintable(name));
            QCOMPARE(p.desired, 1);
            QCOMPARE(p.available, 0);
            QVERIFY(!p.done);
            QVERIFY2(p.problem.isEmpty(), qPrintable(p.problem)); // ContainerCreating is no problem
        }
        QCOMPARE(finished.size(), 0);
    }

    void aMissingImageFailsWithThePodsReason()
    {
        RolloutTracker tracker(nullptr, {}, kNames);
        QSignalSpy finished(&tracker, &RolloutTracker::finished);
        tracker.setProblemGrace(0ms);
        tracker.onDeploymentEvents(recorded("deployments_starting.json", Added));
        tracker.onPodEvents(recorded("pods_starting.json", Added));
        tracker.onDeploymentEvents(recorded("deployments_later.json", Modified));
        QCOMPARE(finished.size(), 0); // the pods have not said why yet
        QVERIFY(of(tracker, u"frontend"_s).done);
        tracker.onPodEvents(recorded("pods_later.json", Modified));
        QCOMPARE(finished.size(), 1);
        const auto status = finished.first().first().value<bc::Status>();
        QVERIFY(!status);
        QCOMPARE(status.error().kind, bc::Error::Kind::Failed);
        QVERIFY2(status.error().message.startsWith(u"adservice cannot become ready: ImagePullBackOff: Back-off pulling image"_s),
                 qPrintable(status.error().message));
        QVERIFY2(status.error().message.contains(u"adservice:does-not-exist"_s), qPrintable(status.error().message));
        // Finished once: later events change nothing.
        tracker.onPodEvents(recorded("pods_later.json", Modified));
        QCOMPARE(finished.size(), 1);
    }

    void aProblemWithinItsGraceIsOnlyReported()
    {
        RolloutTracker tracker(nullptr, {}, kNames);
        QSignalSpy finished(&tracker, &RolloutTracker::finished);
        tracker.setProblemGrace(1h);
        tracker.onDeploymentEvents(recorded("deployments_later.json", Added));
        tracker.onPodEvents(recorded("pods_later.json", Added));
        QCOMPARE(finished.size(), 0);
        const DeploymentProgress ad = of(tracker, u"adservice"_s);
        QVERIFY(!ad.done);
        QVERIFY2(ad.problem.startsWith(u"ImagePullBackOff: "_s), qPrintable(ad.problem));
        QVERIFY(of(tracker, u"frontend"_s).problem.isEmpty());
    }

    void everyDeploymentAvailableFinishesOk()
    {
        RolloutTracker tracker(nullptr, {}, {u"frontend"_s}); // adservice is not followed
        QSignalSpy finished(&tracker, &RolloutTracker::finished);
        tracker.setProblemGrace(0ms);
        tracker.onDeploymentEvents(recorded("deployments_starting.json", Added));
        tracker.onPodEvents(recorded("pods_later.json", Added)); // adservice's failing pod is not frontend's
        QCOMPARE(finished.size(), 0);
        tracker.onDeploymentEvents(recorded("deployments_later.json", Modified));
        QCOMPARE(finished.size(), 1);
        QVERIFY(finished.first().first().value<bc::Status>());
        const QList<DeploymentProgress> progress = tracker.progress();
        QCOMPARE(progress.size(), 1);
        QCOMPARE(progress.first().ready, 1);
        QVERIFY(progress.first().done);
    }

    void aDeletedDeploymentIsNotSeenAnyMore()
    {
        RolloutTracker tracker(nullptr, {}, kNames);
        QSignalSpy finished(&tracker, &RolloutTracker::finished);
        tracker.onDeploymentEvents(recorded("deployments_later.json", Added));
        QVERIFY(of(tracker, u"adservice"_s).seen);
        tracker.onDeploymentEvents(recorded("deployments_later.json", Deleted));
        QVERIFY(!of(tracker, u"adservice"_s).seen);
        QVERIFY(!of(tracker, u"frontend"_s).done);
        QCOMPARE(finished.size(), 0);
    }

    void cancelFinishesOnce()
    {
        RolloutTracker tracker(nullptr, {}, kNames);
        QSignalSpy finished(&tracker, &RolloutTracker::finished);
        tracker.cancel();
        tracker.onDeploymentEvents(recorded("deployments_later.json", Added));
        tracker.cancel();
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().first().value<bc::Status>().error().kind, bc::Error::Kind::Cancelled);
    }
};

QTEST_GUILESS_MAIN(TstRolloutTracker)
#include "tst_rollout_tracker.moc"
