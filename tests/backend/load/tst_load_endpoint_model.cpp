// The per-endpoint table model, under QAbstractItemModelTester, fed captured Locust bodies.
#include "backend/load/endpoint_stats_model.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bc;

namespace {

StatsSnapshot captured(const QString &name)
{
    QFile f(QStringLiteral(BC_SOURCE_DIR "/tests/backend/load/tst_locust_stats_data/") + name + u".json"_s);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing test data");
    return parseStatsRequests(f.readAll()).value();
}

} // namespace

class TstLoadEndpointModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rowsValuesAndInPlaceUpdates();
};

void TstLoadEndpointModel::rowsValuesAndInPlaceUpdates()
{
    EndpointStatsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), int(EndpointStatsModel::ColumnCount));

    StatsSnapshot running = captured(u"running"_s);
    running.endpoints.first().p95Ms = 16;
    model.update(running);
    QCOMPARE(model.rowCount(), 14); // 13 endpoints + Aggregated
    QVERIFY(model.isAggregatedRow(13));
    QCOMPARE(model.index(13, EndpointStatsModel::Name).data().toString(), u"Aggregated"_s);
    QCOMPARE(model.index(13, EndpointStatsModel::Requests).data().toString(), u"97"_s);
    QCOMPARE(model.index(0, EndpointStatsModel::Method).data().toString(), u"GET"_s);
    QCOMPARE(model.index(0, EndpointStatsModel::Name).data().toString(), u"/"_s);
    QCOMPARE(model.index(0, EndpointStatsModel::P95Ms).data().toString(), u"16"_s);
    QCOMPARE(model.index(1, EndpointStatsModel::P95Ms).data().toString(), u"–"_s);
    QCOMPARE(model.index(0, EndpointStatsModel::AverageMs).data(EndpointStatsModel::SortRole).toDouble(),
             5.833333333333333);
    QCOMPARE(model.headerData(EndpointStatsModel::P95Ms, Qt::Horizontal).toString(), u"p95 (ms)"_s);

    // Same endpoints, new numbers: values change in place, no reset.
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.update(captured(u"stopped"_s));
    QCOMPARE(reset.size(), 0);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.index(13, EndpointStatsModel::Requests).data().toString(), u"138"_s);

    // A different set of endpoints resets.
    model.update(captured(u"failing"_s));
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.index(0, EndpointStatsModel::Failures).data(EndpointStatsModel::SortRole).toLongLong(), 2);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

QTEST_GUILESS_MAIN(TstLoadEndpointModel)
#include "tst_load_endpoint_model.moc"
