// Parser of Locust 2.12's GET /stats/requests, on bodies captured from Debian's Locust 2.12.1
// (master + 2 workers through nginx; see tst_locust_stats_data/).
#include "backend/load/locust_stats.h"

#include <QFile>
#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;
using namespace bc;

namespace {

QByteArray captured(const QString &name)
{
    QFile f(QStringLiteral(BC_SOURCE_DIR "/tests/backend/tst_locust_stats_data/") + name + u".json"_s);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", qPrintable(f.fileName()));
    return f.readAll();
}

// The idle body of a single-process Locust, verbatim from the reference.
const QByteArray kIdle = R"({"current_response_time_percentile_50": null, "current_response_time_percentile_95": null,
"errors": [], "fail_ratio": 0.0, "state": "ready", "stats": [{"avg_content_length": 0,
"avg_response_time": 0.0, "current_fail_per_sec": 0, "current_rps": 0, "max_response_time": 0.0,
"median_response_time": 0, "method": null, "min_response_time": 0, "name": "Aggregated",
"ninetieth_response_time": 0, "ninety_ninth_response_time": 0, "num_failures": 0,
"num_requests": 0, "safe_name": "Aggregated"}], "total_rps": 0, "user_count": 0})";

} // namespace

class TstLocustStats : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesCaptured_data();
    void parsesCaptured();
    void endpointRow();
    void idleSingleProcess();
    void errorsAreUnescaped();
    void rejectsMalformed_data();
    void rejectsMalformed();
    void stateNames();
};

void TstLocustStats::parsesCaptured_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<LocustState>("state");
    QTest::addColumn<int>("users");
    QTest::addColumn<double>("totalRps");
    QTest::addColumn<double>("failRatio");
    QTest::addColumn<int>("endpoints");
    QTest::addColumn<qint64>("requests");
    QTest::addColumn<qint64>("failures");
    QTest::addColumn<double>("p99");
    QTest::addColumn<double>("currentP95");
    QTest::addColumn<int>("workers");
    QTest::addColumn<int>("missing");
    QTest::addColumn<int>("errors");

    QTest::newRow("running") << u"running"_s << LocustState::Running << 20 << 4.4 << 0.0 << 13 << qint64(97)
                             << qint64(0) << 20.0 << 0.0 << 2 << 0 << 0;
    QTest::newRow("worker missing") << u"missing"_s << LocustState::Running << 20 << 2.2 << 0.0 << 13 << qint64(137)
                                    << qint64(0) << 16.0 << 5.0 << 2 << 1 << 0;
    QTest::newRow("stopped") << u"stopped"_s << LocustState::Stopped << 0 << 4.4 << 0.0 << 13 << qint64(138)
                             << qint64(0) << 16.0 << 6.0 << 2 << 1 << 0;
    QTest::newRow("all failing") << u"failing"_s << LocustState::Running << 2 << 0.0 << 1.0 << 4 << qint64(5)
                                 << qint64(5) << 9.0 << 0.0 << 2 << 1 << 4;
}

void TstLocustStats::parsesCaptured()
{
    QFETCH(QString, file);
    const Result<StatsSnapshot> r = parseStatsRequests(captured(file));
    QVERIFY2(r, qPrintable(r ? QString() : r.error().message));
    const StatsSnapshot &s = r.value();
    QTEST(s.state, "state");
    QTEST(s.userCount, "users");
    QTEST(s.totalRps, "totalRps");
    QTEST(s.failRatio, "failRatio");
    QTEST(int(s.endpoints.size()), "endpoints");
    QTEST(s.total.numRequests, "requests");
    QTEST(s.total.numFailures, "failures");
    QTEST(s.total.p99Ms, "p99");
    QVERIFY(s.currentP95Ms.has_value());
    QTEST(*s.currentP95Ms, "currentP95");
    QVERIFY(s.isMaster);
    QTEST(int(s.workers.size()), "workers");
    QTEST(s.missingWorkers(), "missing");
    QTEST(int(s.errors.size()), "errors");
    QCOMPARE(s.total.name, u"Aggregated"_s);
    QVERIFY(s.total.method.isEmpty());
    QCOMPARE(s.total.currentRps, s.totalRps); // total_rps is the Aggregated row's current_rps
    qint64 sum = 0;
    for (const EndpointStats &e : s.endpoints) {
        QVERIFY(!e.method.isEmpty());
        QVERIFY(e.name != u"Aggregated");
        sum += e.numRequests;
    }
    QCOMPARE(sum, s.total.numRequests);
    for (const WorkerStats &w : s.workers) {
        QVERIFY(w.id.startsWith(u"vm_"_s));
        QVERIFY(w.state != LocustState::Unknown);
        QVERIFY(w.memoryBytes > 1'000'000);
    }
}

void TstLocustStats::endpointRow()
{
    const Result<StatsSnapshot> r = parseStatsRequests(captured(u"running"_s));
    QVERIFY(r);
    const EndpointStats &home = r.value().endpoints.first();
    const EndpointStats expected{u"GET"_s, u"/"_s, 24, 0, 5, 5.833333333333333, 0, 20, 9, 20, 0.2, 0.0, 3.0};
    QCOMPARE(home, expected);
    QCOMPARE(r.value().workers.first(),
             (WorkerStats{u"vm_facadbd599c140ed9212516196b91385"_s, LocustState::Running, 10, 0.2, 57376768}));
}

void TstLocustStats::idleSingleProcess()
{
    const Result<StatsSnapshot> r = parseStatsRequests(kIdle);
    QVERIFY(r);
    const StatsSnapshot &s = r.value();
    QCOMPARE(s.state, LocustState::Ready);
    QVERIFY(!s.currentP50Ms.has_value()); // null before any request
    QVERIFY(!s.currentP95Ms.has_value());
    QVERIFY(s.endpoints.isEmpty());
    QCOMPARE(s.total.name, u"Aggregated"_s); // method null reads as empty
    QVERIFY(!s.isMaster);
    QVERIFY(!s.isActive());
}

void TstLocustStats::errorsAreUnescaped()
{
    const Result<StatsSnapshot> r = parseStatsRequests(captured(u"failing"_s));
    QVERIFY(r);
    const ErrorStats &e = r.value().errors.first();
    QCOMPARE(e.method, u"GET"_s);
    QCOMPARE(e.name, u"/"_s);
    QCOMPARE(e.error, u"ConnectionRefusedError(111, 'Connection refused')"_s); // escapes and worker quotes gone
    QCOMPARE(e.occurrences, qint64(2));
    QCOMPARE(normalizeLocustError(u"BadStatusCode(&#x27;http://127.0.0.1:8080/fail&#x27;, code=500)"_s),
             u"BadStatusCode('http://127.0.0.1:8080/fail', code=500)"_s);
    QCOMPARE(unescapeLocustText(u"a &amp;quot; &lt;b&gt;"_s), u"a &quot; <b>"_s);
}

void TstLocustStats::rejectsMalformed_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("empty") << QByteArray() << u"empty"_s;
    QTest::newRow("html error page") << QByteArray("<html><body>Internal Server Error</body></html>") << u"invalid JSON"_s;
    QTest::newRow("truncated") << captured(u"running"_s).left(500) << u"invalid JSON"_s;
    QTest::newRow("array") << QByteArray("[1,2]") << u"object"_s;
    QTest::newRow("no state") << QByteArray(R"({"stats": []})") << u"state"_s;
    QTest::newRow("no stats") << QByteArray(R"({"state": "ready"})") << u"stats"_s;
    QTest::newRow("row not object") << QByteArray(R"({"state": "ready", "stats": [3]})") << u"row 0"_s;
    QTest::newRow("no aggregated") << QByteArray(R"({"state": "running", "stats": [{"name": "/", "method": "GET"}]})")
                                   << u"Aggregated"_s;
}

void TstLocustStats::rejectsMalformed()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, mentions);
    const Result<StatsSnapshot> r = parseStatsRequests(body);
    QVERIFY(!r);
    QCOMPARE(r.error().kind, Error::Kind::Invalid);
    QVERIFY2(r.error().message.contains(mentions), qPrintable(r.error().message));
}

void TstLocustStats::stateNames()
{
    for (const LocustState s : {LocustState::Ready, LocustState::Spawning, LocustState::Running, LocustState::Stopping,
                                LocustState::Stopped, LocustState::Cleanup, LocustState::Missing})
        QCOMPARE(locustStateFromString(locustStateName(s)), s);
    QCOMPARE(locustStateFromString(u"hatching"_s), LocustState::Unknown);
}

QTEST_GUILESS_MAIN(TstLocustStats)
#include "tst_locust_stats.moc"
