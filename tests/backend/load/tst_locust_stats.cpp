// Parser of Locust 2.12's GET /stats/requests, on bodies captured from Debian's Locust 2.12.1
// (master + 2 workers through nginx; see tst_locust_stats_data/).
#include "backend/load/locust_stats.h"

#include <QFile>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;
using namespace bc;

namespace {

QByteArray captured(const QString &name)
{
    QFile f(QStringLiteral(BC_SOURCE_DIR "/tests/backend/load/tst_locust_stats_data/") + name + u".json"_s);
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
    void countsOutOfRangeAreClamped();
    void rejectsMalformed_data();
    void rejectsMalformed();
    void stateNames();
    void p95FromLocustCsv();
    void csvRows_data();
    void csvRows();
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
    const EndpointStats expected{u"GET"_s, u"/"_s, 24, 0, 5, 5.833333333333333, 0, 20, 9, 20, 0.2, 0.0, 3.0, std::nullopt};
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

// Found by fuzz_locust_stats: a count of 5.7e57 was converted to qint64 (undefined; UBSan stops there).
void TstLocustStats::countsOutOfRangeAreClamped()
{
    QByteArray json = captured(u"running"_s);
    const QByteArray from = "\"num_requests\": 24";
    QVERIFY(json.contains(from));
    json.replace(from, "\"num_requests\": 5.737e+57");
    const Result<StatsSnapshot> r = parseStatsRequests(json);
    QVERIFY(r);
    QVERIFY(r.value().endpoints.first().numRequests > qint64(9e18));
    json.replace("\"num_requests\": 5.737e+57", "\"num_requests\": -5.737e+57");
    const Result<StatsSnapshot> negative = parseStatsRequests(json);
    QVERIFY(negative);
    QVERIFY(negative.value().endpoints.first().numRequests < qint64(-9e18));
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

// GET /stats/requests/csv rows as Locust 2.12.1 wrote them in the same run (header verbatim).
const QByteArray kStatsCsv =
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response "
    "Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\r\n"
    "GET,/,36,0,5,5.166666666666667,0,20,3.0,1.5092358431086614,0.0,5,6,6,7,8,16,20,20,20,20,20\r\n"
    "GET,/cart,8,0,0,0.75,0,4,3.0,0.33538574291303586,0.0,0,1,1,1,4,4,4,4,4,4,4\r\n"
    "POST,/cart,0,0,0,0.0,0,0,0.0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A\r\n"
    "GET,/not-in-json,1,0,0,0.0,0,0,0.0,0.0,0.0,0,0,0,0,0,3,0,0,0,0,0\r\n"
    ",Aggregated,97,0,0,2.01,0,20,3.0,4.0,0.0,0,1,1,2,6,9,16,20,20,20,20\r\n";

void TstLocustStats::p95FromLocustCsv()
{
    StatsSnapshot s = parseStatsRequests(captured(u"running"_s)).value();
    QVERIFY(!s.total.p95Ms.has_value());
    QCOMPARE(applyPercentileCsv(s, kStatsCsv), 3); // GET /, GET /cart, Aggregated
    QCOMPARE(s.total.p95Ms, std::optional<double>(9));
    const auto find = [&s](const QString &method, const QString &name) {
        return *std::find_if(s.endpoints.cbegin(), s.endpoints.cend(),
                             [&](const EndpointStats &e) { return e.method == method && e.name == name; });
    };
    QCOMPARE(find(u"GET"_s, u"/"_s).p95Ms, std::optional<double>(16));
    QCOMPARE(find(u"GET"_s, u"/cart"_s).p95Ms, std::optional<double>(4));
    QVERIFY(!find(u"POST"_s, u"/cart"_s).p95Ms.has_value()); // N/A stays empty
    StatsSnapshot untouched = s;
    QCOMPARE(applyPercentileCsv(untouched, "<html>404</html>"), 0);
    QCOMPARE(applyPercentileCsv(untouched, QByteArray()), 0);
}

void TstLocustStats::csvRows_data()
{
    QTest::addColumn<QByteArray>("csv");
    QTest::addColumn<QList<QStringList>>("rows");
    QTest::newRow("plain crlf") << QByteArray("a,b\r\n1,2\r\n") << QList<QStringList>{{u"a"_s, u"b"_s}, {u"1"_s, u"2"_s}};
    QTest::newRow("no final newline") << QByteArray("a,b\n1,") << QList<QStringList>{{u"a"_s, u"b"_s}, {u"1"_s, QString()}};
    QTest::newRow("quoted comma and quotes")
        << QByteArray("GET,\"/a,\"\"b\"\"\",3\r\n") << QList<QStringList>{{u"GET"_s, u"/a,\"b\""_s, u"3"_s}};
    QTest::newRow("quoted newline") << QByteArray("\"x\ny\",z\n") << QList<QStringList>{{u"x\ny"_s, u"z"_s}};
    QTest::newRow("empty type") << QByteArray(",Aggregated\n") << QList<QStringList>{{QString(), u"Aggregated"_s}};
    QTest::newRow("empty") << QByteArray() << QList<QStringList>{};
}

void TstLocustStats::csvRows()
{
    QFETCH(QByteArray, csv);
    QTEST(parseCsvRows(csv), "rows");
}

QTEST_GUILESS_MAIN(TstLocustStats)
#include "tst_locust_stats.moc"
