// SampleRing, ramp/duration parsing and the history's own CSV/JSON: pure units.
#include "backend/load/load_history.h"
#include "backend/load/ramp_plan.h"
#include "backend/load/sample_ring.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace bc;

class TstLoadHistory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void ringKeepsNewest();
    void rampSpec_data();
    void rampSpec();
    void rampRejects_data();
    void rampRejects();
    void duration_data();
    void duration();
    void historyRingsAndCsvRoundTrip();
    void historyCsvRejects();
    void endpointTracesFollowTheirRows();
};

void TstLoadHistory::ringKeepsNewest()
{
    SampleRing ring(3);
    QVERIFY(ring.isEmpty());
    QCOMPARE(ring.ordered(), QList<QPointF>{});
    ring.push({1, 10});
    ring.push({2, 20});
    QCOMPARE(ring.ordered(), (QList<QPointF>{{1, 10}, {2, 20}}));
    for (int i = 3; i <= 7; ++i)
        ring.push({double(i), i * 10.0});
    QCOMPARE(ring.size(), 3);
    QCOMPARE(ring.ordered(), (QList<QPointF>{{5, 50}, {6, 60}, {7, 70}}));
    QCOMPARE(ring.last(), QPointF(7, 70));
    ring.clear();
    QCOMPARE(ring.size(), 0);
}

void TstLoadHistory::rampSpec_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QList<int>>("levels");
    QTest::addColumn<qint64>("interval");
    QTest::addColumn<qint64>("total");
    QList<int> big;
    for (int u = 100; u <= 750; u += 50)
        big.append(u);
    QTest::newRow("brief") << u"100:750:50:60s"_s << big << qint64(60) << qint64(13 * 60);
    QTest::newRow("uneven last step") << u"10:25:10:5s"_s << QList<int>{10, 20, 25} << qint64(5) << qint64(10);
    QTest::newRow("down") << u"30:10:10:1m"_s << QList<int>{30, 20, 10} << qint64(60) << qint64(120);
    QTest::newRow("flat") << u"5:5:1:10"_s << QList<int>{5} << qint64(10) << qint64(0);
}

void TstLoadHistory::rampSpec()
{
    QFETCH(QString, spec);
    const Result<RampPlan> plan = parseRampSpec(spec);
    QVERIFY2(plan, qPrintable(plan ? QString() : plan.error().message));
    QTEST(plan.value().levels(), "levels");
    QTEST(qint64(plan.value().interval.count()), "interval");
    QTEST(qint64(plan.value().totalDuration().count()), "total");
    QCOMPARE(parseRampSpec(plan.value().spec()).value(), plan.value());
}

void TstLoadHistory::rampRejects_data()
{
    QTest::addColumn<QString>("spec");
    QTest::newRow("empty") << QString();
    QTest::newRow("three parts") << u"100:750:50"_s;
    QTest::newRow("zero step") << u"1:10:0:5s"_s;
    QTest::newRow("negative") << u"-1:10:1:5s"_s;
    QTest::newRow("words") << u"a:b:c:d"_s;
    QTest::newRow("bad interval") << u"1:10:1:soon"_s;
    QTest::newRow("zero interval") << u"1:10:1:0s"_s;
    QTest::newRow("too many steps") << u"0:1000000:1:1s"_s;
}

void TstLoadHistory::rampRejects()
{
    QFETCH(QString, spec);
    const Result<RampPlan> plan = parseRampSpec(spec);
    QVERIFY(!plan);
    QCOMPARE(plan.error().kind, Error::Kind::Invalid);
    QVERIFY(plan.error().message.contains(u"ramp"_s));
}

void TstLoadHistory::duration_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("seconds"); // -1: invalid
    QTest::newRow("plain") << u"90"_s << qint64(90);
    QTest::newRow("s") << u"60s"_s << qint64(60);
    QTest::newRow("m") << u"20m"_s << qint64(1200);
    QTest::newRow("h m") << u"1h30m"_s << qint64(5400);
    QTest::newRow("h m s") << u"3h30m10s"_s << qint64(12610);
    QTest::newRow("upper") << u"2M"_s << qint64(120);
    QTest::newRow("zero") << u"0s"_s << qint64(-1);
    QTest::newRow("empty") << QString() << qint64(-1);
    QTest::newRow("garbage") << u"ten"_s << qint64(-1);
    QTest::newRow("negative") << u"-5"_s << qint64(-1);
    QTest::newRow("wrong order") << u"5s3m"_s << qint64(-1);
}

void TstLoadHistory::duration()
{
    QFETCH(QString, text);
    QFETCH(qint64, seconds);
    const Result<std::chrono::seconds> d = parseDuration(text);
    if (seconds < 0) {
        QVERIFY(!d);
        return;
    }
    QVERIFY(d);
    QCOMPARE(qint64(d.value().count()), seconds);
    QCOMPARE(parseDuration(formatDuration(d.value())).value(), d.value());
}

void TstLoadHistory::historyRingsAndCsvRoundTrip()
{
    LoadHistory history(4);
    for (int i = 0; i < 6; ++i) {
        StatsSnapshot s;
        s.state = LocustState::Running;
        s.userCount = 10 + i;
        s.total.currentRps = 100.5 + i;
        s.total.numRequests = 1000 * i;
        s.total.avgMs = 1.25;
        if (i > 0)
            s.currentP95Ms = 7 + i; // the first poll has no percentile yet
        s.workers = {WorkerStats{u"a"_s, LocustState::Running, 5, 1, 1},
                     WorkerStats{u"b"_s, i >= 4 ? LocustState::Missing : LocustState::Running, 5, 1, 1}};
        history.append(LoadSample::from(s, 1'700'000'000'000 + i * 2000, i * 2.0, 20));
    }
    QCOMPARE(history.samples().size(), 6);         // the full history
    QCOMPARE(history.rps().size(), 4);             // the ring only the newest
    QCOMPARE(history.rps().ordered().first(), QPointF(4, 102.5));
    QCOMPARE(history.p95().ordered().last(), QPointF(10, 12));
    QCOMPARE(history.samples()[4].workersMissing, 1);
    QCOMPARE(history.samples()[4].workersRunning, 1);
    QVERIFY(std::isnan(history.samples()[0].currentP95Ms));

    QByteArray csv = LoadHistory::csvHeader();
    for (const LoadSample &s : history.samples())
        csv += LoadHistory::csvRow(s);
    const Result<QList<LoadSample>> back = LoadHistory::parseCsv(csv + "1700000000,4"); // torn last line
    QVERIFY2(back, qPrintable(back ? QString() : back.error().message));
    QCOMPARE(back.value().size(), 6);
    for (qsizetype i = 0; i < 6; ++i) {
        const LoadSample &a = history.samples()[i], &b = back.value()[i];
        QCOMPARE(b.timestampMs, a.timestampMs);
        QCOMPARE(b.rps, a.rps);
        QCOMPARE(b.userCount, a.userCount);
        QCOMPARE(b.totalRequests, a.totalRequests);
        QCOMPARE(std::isnan(b.currentP95Ms), std::isnan(a.currentP95Ms));
        QCOMPARE(b.state, a.state);
    }
    const QJsonArray json = QJsonDocument::fromJson(LoadHistory::toJson(history.samples())).array();
    QCOMPARE(json.size(), 6);
    QVERIFY(json[0].toObject().value("current_p95_ms"_L1).isNull());
    QCOMPARE(json[5].toObject().value("rps"_L1).toDouble(), 105.5);
}

void TstLoadHistory::historyCsvRejects()
{
    QVERIFY(!LoadHistory::parseCsv("not,a,history\n1,2,3\n"));
    QVERIFY(!LoadHistory::parseCsv(LoadHistory::csvHeader() + "1,2\n" + LoadHistory::csvRow({}) + LoadHistory::csvRow({})));
    const QByteArray badNumber = LoadHistory::csvRow({}).replace("0,", "x,");
    QVERIFY(!LoadHistory::parseCsv(LoadHistory::csvHeader() + badNumber + LoadHistory::csvRow({})));
}


void TstLoadHistory::endpointTracesFollowTheirRows()
{
    LoadHistory history(2);
    const auto row = [](const QString &method, const QString &name, qint64 n, double avg) {
        EndpointStats e;
        e.method = method;
        e.name = name;
        e.numRequests = n;
        e.avgMs = avg;
        return e;
    };
    LoadSample s;
    s.elapsedS = 2;
    history.append(s, {row(u"GET"_s, u"/"_s, 4, 12.5), row(u"POST"_s, u"/cart"_s, 0, 0)});
    QCOMPARE(history.endpointTraces().size(), 1); // no average before the first request
    s.elapsedS = 4;
    history.append(s, {row(u"POST"_s, u"/cart"_s, 1, 30), row(u"GET"_s, u"/"_s, 9, 11)});
    s.elapsedS = 6;
    history.append(s, {row(u"GET"_s, u"/"_s, 12, 10)});
    QCOMPARE(history.endpointTraces().size(), 2);
    QCOMPARE(history.endpointTraces().at(0).key, u"GET /"_s);
    QCOMPARE(history.endpointTraces().at(0).avgMs.ordered(), (QList<QPointF>{{4, 11}, {6, 10}})); // ring of 2
    QCOMPARE(history.endpointTraces().at(1).key, u"POST /cart"_s);
    QCOMPARE(history.endpointTraces().at(1).avgMs.ordered(), (QList<QPointF>{{4, 30}}));
    history.clear();
    QVERIFY(history.endpointTraces().isEmpty());
}

QTEST_GUILESS_MAIN(TstLoadHistory)
#include "tst_load_history.moc"
