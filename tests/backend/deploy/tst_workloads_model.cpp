// WorkloadsModel alone, under QAbstractItemModelTester: batches of watch events become row inserts,
// dataChanged and row removals, never a reset.
#include "backend/deploy/workloads_model.h"
#include "backend/kube/kube_watch.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using bc::WatchEvent;
using bc::WorkloadsModel;

namespace {

QJsonObject podJson(const QString &name, const QString &node = u"node-1"_s, int restarts = 0, bool ready = true)
{
    return QJsonObject {
        {u"kind"_s, u"Pod"_s},
        {u"metadata"_s,
            QJsonObject {{u"name"_s, name}, {u"namespace"_s, u"default"_s}, {u"uid"_s, u"uid-"_s + name},
                {u"creationTimestamp"_s, u"2026-01-01T00:00:00Z"_s}}},
        {u"spec"_s,
            QJsonObject {{u"nodeName"_s, node},
                {u"containers"_s, QJsonArray {QJsonObject {{u"name"_s, u"server"_s}, {u"image"_s, u"x"_s}}}}}},
        {u"status"_s,
            QJsonObject {{u"phase"_s, u"Running"_s},
                {u"conditions"_s,
                    QJsonArray {QJsonObject {{u"type"_s, u"Ready"_s}, {u"status"_s, ready ? u"True"_s : u"False"_s}}}},
                {u"containerStatuses"_s,
                    QJsonArray {QJsonObject {{u"name"_s, u"server"_s}, {u"ready"_s, ready},
                        {u"restartCount"_s, restarts},
                        {u"state"_s, QJsonObject {{u"running"_s, QJsonObject {}}}}}}}}},
    };
}

QJsonObject deploymentJson(const QString &name, int desired, int ready)
{
    return QJsonObject {
        {u"kind"_s, u"Deployment"_s},
        {u"metadata"_s,
            QJsonObject {{u"name"_s, name}, {u"uid"_s, u"d-"_s + name}, {u"generation"_s, 1},
                {u"creationTimestamp"_s, u"2026-01-01T00:00:00Z"_s}}},
        {u"spec"_s, QJsonObject {{u"replicas"_s, desired}}},
        {u"status"_s,
            QJsonObject {{u"observedGeneration"_s, 1}, {u"replicas"_s, ready}, {u"readyReplicas"_s, ready},
                {u"availableReplicas"_s, ready}, {u"updatedReplicas"_s, ready}}},
    };
}

WatchEvent ev(WatchEvent::Type type, const QJsonObject &o)
{
    return WatchEvent {type, o};
}

constexpr auto Added = WatchEvent::Type::Added;
constexpr auto Modified = WatchEvent::Type::Modified;
constexpr auto Deleted = WatchEvent::Type::Deleted;

} // namespace

class TstWorkloadsModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void batchesOfAddModifyDelete()
    {
        WorkloadsModel model(WorkloadsModel::Kind::Pods);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        model.applyEvents({ev(Added, podJson(u"a"_s)), ev(Added, podJson(u"b"_s)), ev(Added, podJson(u"c"_s)),
            ev(Added, podJson(u"d"_s))});
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(inserted.size(), 1); // one insert for the whole batch
        QCOMPARE(model.names(), (QStringList {u"a"_s, u"b"_s, u"c"_s, u"d"_s}));

        // Modify b and c (one contiguous run), delete a and d, add e, and add-then-delete f within the batch.
        model.applyEvents({ev(Modified, podJson(u"b"_s, u"node-2"_s, 3)), ev(Modified, podJson(u"c"_s, u"node-3"_s)),
            ev(Deleted, podJson(u"a"_s)), ev(Deleted, podJson(u"d"_s)), ev(Added, podJson(u"e"_s)),
            ev(Added, podJson(u"f"_s)), ev(Deleted, podJson(u"f"_s))});
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).value<QModelIndex>().row(), 1);
        QCOMPARE(changed.first().at(1).value<QModelIndex>().row(), 2);
        QCOMPARE(removed.size(), 2);
        QCOMPARE(inserted.size(), 2);
        QCOMPARE(model.names(), (QStringList {u"b"_s, u"c"_s, u"e"_s}));
        QCOMPARE(model.rowOf(u"e"_s), 2);
        QCOMPARE(model.rowOf(u"a"_s), -1);
        const int b = model.rowOf(u"b"_s);
        QCOMPARE(model.index(b, WorkloadsModel::PodNode).data().toString(), u"node-2"_s);
        QCOMPARE(model.index(b, WorkloadsModel::PodRestarts).data().toString(), u"3"_s);
        QCOMPARE(model.index(b, WorkloadsModel::PodStatus).data().toString(), u"Running"_s);
        QCOMPARE(model.index(b, WorkloadsModel::PodReady).data().toString(), u"1/1"_s);

        // Deleted then re-added in one batch: the row stays and is refreshed.
        changed.clear();
        model.applyEvents({ev(Deleted, podJson(u"c"_s)), ev(Added, podJson(u"c"_s, u"node-9"_s))});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(model.rowOf(u"c"_s), WorkloadsModel::PodNode).data().toString(), u"node-9"_s);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(reset.size(), 0);
    }

    void ageIsRelativeToNow()
    {
        WorkloadsModel model(WorkloadsModel::Kind::Pods);
        model.setNow(QDateTime(QDate(2026, 1, 1), QTime(2, 5), Qt::UTC));
        model.applyEvents({ev(Added, podJson(u"a"_s))});
        QCOMPARE(model.index(0, WorkloadsModel::PodAge).data().toString(), u"2h5m"_s);
        QCOMPARE(WorkloadsModel::formatAge(30), u"30s"_s);
        QCOMPARE(WorkloadsModel::formatAge(600), u"10m"_s);
        QCOMPARE(WorkloadsModel::formatAge(3 * 86400 + 5), u"3d"_s);
    }

    void deployments()
    {
        WorkloadsModel model(WorkloadsModel::Kind::Deployments);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.applyEvents({ev(Added, deploymentJson(u"frontend"_s, 3, 1)), ev(Added, deploymentJson(u"cart"_s, 1, 1))});
        QCOMPARE(model.columnCount(), int(WorkloadsModel::DeploymentColumnCount));
        QCOMPARE(model.index(0, WorkloadsModel::DeploymentReady).data().toString(), u"1/3"_s);
        model.applyEvents({ev(Modified, deploymentJson(u"frontend"_s, 3, 3))});
        QCOMPARE(model.index(0, WorkloadsModel::DeploymentReady).data().toString(), u"3/3"_s);
        QVERIFY(model.deployment(0)->available());
        QCOMPARE(model.pod(0), nullptr);
    }

    void resyncDropsRowsThatDidNotComeBack()
    {
        WorkloadsModel model(WorkloadsModel::Kind::Pods);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.applyEvents({ev(Added, podJson(u"a"_s)), ev(Added, podJson(u"b"_s)), ev(Added, podJson(u"c"_s))});
        model.beginResync();
        model.applyEvents({ev(Added, podJson(u"a"_s)), ev(Added, podJson(u"c"_s)), ev(Added, podJson(u"d"_s))});
        QCOMPARE(model.rowCount(), 4);
        model.sweepStale();
        QCOMPARE(model.names(), (QStringList {u"a"_s, u"c"_s, u"d"_s}));
        QCOMPARE(reset.size(), 0);
    }

    void manyRowsStayIncremental()
    {
        WorkloadsModel model(WorkloadsModel::Kind::Pods);
        QList<WatchEvent> initial;
        for (int i = 0; i < 3000; ++i)
            initial.append(ev(Added, podJson(u"pod-%1"_s.arg(i), u"node-%1"_s.arg(i % 50))));
        model.applyEvents(initial);
        QCOMPARE(model.rowCount(), 3000);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QList<WatchEvent> batch;
        for (int i = 0; i < 100; ++i)
            batch.append(ev(Modified, podJson(u"pod-%1"_s.arg(i * 30), u"node-x"_s, 1)));
        for (int i = 0; i < 50; ++i)
            batch.append(ev(Deleted, podJson(u"pod-%1"_s.arg(i * 60 + 1))));
        for (int i = 0; i < 50; ++i)
            batch.append(ev(Added, podJson(u"new-%1"_s.arg(i))));
        model.applyEvents(batch);
        QCOMPARE(model.rowCount(), 3000);
        QCOMPARE(model.index(model.rowOf(u"pod-2970"_s), WorkloadsModel::PodNode).data().toString(), u"node-x"_s);
        QCOMPARE(model.rowOf(u"pod-1"_s), -1);
        QCOMPARE(model.rowOf(u"new-49"_s), 2999);
        for (int r = 0; r < model.rowCount(); r += 97)
            QCOMPARE(model.rowOf(model.nameAt(r)), r);
    }
};

QTEST_GUILESS_MAIN(TstWorkloadsModel)
#include "tst_workloads_model.moc"
