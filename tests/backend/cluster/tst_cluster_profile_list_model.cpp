#include "backend/cluster/profile_list_model.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bc;

namespace {

ClusterProfile gke(const QString &name, int nodes = 3)
{
    ClusterProfile p {.name = name, .kind = ClusterKind::Gke};
    p.gke.project = u"cloudproject-404707"_s;
    p.gke.zone = u"us-central1-b"_s;
    p.gke.clusterName = u"boutique"_s;
    p.gke.nodeCount = nodes;
    return p;
}

} // namespace

class TstClusterProfileListModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void editsGoThroughTheStore();
};

void TstClusterProfileListModel::editsGoThroughTheStore()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const ProfileStore store(dir.filePath(u"clusters.yaml"_s));
    ClusterProfile ctx {.name = u"mine"_s, .kind = ClusterKind::ExistingContext, .context = u"kind-kind"_s};
    QVERIFY(bool(store.save({ctx})));

    ProfileListModel model(store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(bool(model.reload()));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.data(model.index(0), ProfileListModel::SummaryRole).toString(),
        u"kubeconfig context kind-kind"_s);

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QVERIFY(bool(model.upsert(gke(u"lab"_s))));
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.data(model.index(1)).toString(), u"lab"_s);
    QCOMPARE(model.data(model.index(1), ProfileListModel::KindRole).toString(), u"gke"_s);
    QCOMPARE(model.data(model.index(1), Qt::ToolTipRole).toString(),
        u"GKE boutique in us-central1-b: 3 x e2-standard-2, network policy"_s);

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(bool(model.upsert(gke(u"lab"_s, 5))));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.profile(1)->gke.nodeCount, 5);

    const Status refused = model.upsert(gke(u"bad"_s, 0));
    QVERIFY(!refused);
    QVERIFY(refused.error().message.startsWith(u"node_count: "_s));
    QCOMPARE(model.rowCount(), 2);

    QVERIFY(bool(model.remove(u"mine"_s)));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.rowOf(u"lab"_s), 0);
    QCOMPARE(model.remove(u"mine"_s).error().kind, Error::Kind::NotFound);

    // What the model shows is what is on disk.
    ProfileListModel again(store);
    QVERIFY(bool(again.reload()));
    QCOMPARE(again.rowCount(), 1);
    QCOMPARE(again.profile(0)->gke.nodeCount, 5);
    QVERIFY(!again.profile(1));
}

QTEST_GUILESS_MAIN(TstClusterProfileListModel)
#include "tst_cluster_profile_list_model.moc"
