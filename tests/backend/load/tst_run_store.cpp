// Run folders: settings, appended history, Locust-format CSVs, the HTML report, listing, rebuild.
#include "backend/load/locust_csv.h"
#include "backend/load/load_report.h"
#include "backend/load/run_store.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace bc;

namespace {

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QByteArray firstLine(const QString &path)
{
    const QByteArray all = readFile(path);
    return all.left(all.indexOf('\n') + 1);
}

QByteArray captured(const QString &name)
{
    return readFile(QStringLiteral(BC_SOURCE_DIR "/tests/backend/load/tst_locust_stats_data/") + name + u".json"_s);
}

LoadRunSettings sampleSettings()
{
    LoadRunSettings s;
    s.host = u"http://127.0.0.1:8080"_s;
    s.users = 20;
    s.spawnRate = 10;
    s.duration = 60s;
    s.workers = 2;
    s.ramp = parseRampSpec(u"100:750:50:60s"_s).value();
    s.startedAt = QDateTime(QDate(2026, 11, 25), QTime(15, 30), Qt::UTC);
    return s;
}

QList<LoadSample> samples(int n)
{
    QList<LoadSample> out;
    for (int i = 0; i < n; ++i) {
        LoadSample s;
        s.timestampMs = 1'764'084'600'000 + i * 2000;
        s.elapsedS = i * 2;
        s.state = LocustState::Running;
        s.userCount = 20;
        s.targetUsers = 20;
        s.rps = 50 + i;
        s.totalRequests = 100 * i;
        if (i > 1) {
            s.currentP50Ms = 3;
            s.currentP95Ms = 9 + i;
        }
        out.append(s);
    }
    return out;
}

} // namespace

class TstRunStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void settingsRoundTrip();
    void settingsValidate_data();
    void settingsValidate();
    void writesOutputsWithLocustHeaders();
    void keepsDownloadedLocustCsv();
    void rebuildFromDisk();
    void rebuildRejectsNonRunFolder();
    void listsRunsNewestFirst();
    void csvQuoting();
    void historyMergesLocustOwnRows();
    void reportChartKeepsLinesInsideTheFrame();
};

void TstRunStore::settingsRoundTrip()
{
    LoadRunSettings s = sampleSettings();
    s.outcome = u"completed"_s;
    const Result<LoadRunSettings> back = LoadRunSettings::fromJson(s.toJson());
    QVERIFY(back);
    QCOMPARE(back.value().host, s.host);
    QCOMPARE(back.value().users, 20);
    QCOMPARE(back.value().spawnRate, 10.0);
    QCOMPARE(back.value().duration, 60s);
    QCOMPARE(back.value().ramp, s.ramp);
    QCOMPARE(back.value().startedAt, s.startedAt);
    QCOMPARE(back.value().outcome, u"completed"_s);
    QVERIFY(!LoadRunSettings::fromJson("{not json"));
}

void TstRunStore::settingsValidate_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("users");
    QTest::addColumn<double>("rate");
    QTest::addColumn<int>("workers");
    QTest::addColumn<bool>("valid");
    QTest::newRow("ok") << u"http://127.0.0.1:8080"_s << 10 << 1.0 << 2 << true;
    QTest::newRow("no scheme") << u"127.0.0.1:8080"_s << 10 << 1.0 << 2 << false;
    QTest::newRow("ftp") << u"ftp://x"_s << 10 << 1.0 << 2 << false;
    QTest::newRow("no users") << u"http://x"_s << 0 << 1.0 << 2 << false;
    QTest::newRow("zero rate") << u"http://x"_s << 10 << 0.0 << 2 << false;
    QTest::newRow("no workers") << u"http://x"_s << 10 << 1.0 << 0 << false;
}

void TstRunStore::settingsValidate()
{
    QFETCH(QString, host);
    QFETCH(int, users);
    QFETCH(double, rate);
    QFETCH(int, workers);
    QFETCH(bool, valid);
    LoadRunSettings s;
    s.host = host;
    s.users = users;
    s.spawnRate = rate;
    s.workers = workers;
    const Status st = s.validate();
    QCOMPARE(bool(st), valid);
    if (!valid)
        QVERIFY(!st.error().message.isEmpty());
}

void TstRunStore::writesOutputsWithLocustHeaders()
{
    QTemporaryDir tmp;
    RunFolder folder(tmp.filePath(u"run"_s));
    QVERIFY(folder.create());
    QVERIFY(folder.writeSettings(sampleSettings()));
    for (const LoadSample &s : samples(5))
        QVERIFY(folder.appendSample(s));
    const Result<QList<LoadSample>> history = folder.readHistory();
    QVERIFY(history);
    QCOMPARE(history.value().size(), 5);

    const StatsSnapshot final = parseStatsRequests(captured(u"failing"_s)).value();
    QVERIFY(folder.writeOutputs(sampleSettings(), history.value(), final, true));

    QCOMPARE(firstLine(folder.path(u"locust_stats.csv"_s)),
             QByteArray("Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response "
                        "Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,"
                        "99%,99.9%,99.99%,100%\r\n"));
    QCOMPARE(firstLine(folder.path(u"locust_stats_history.csv"_s)),
             QByteArray("Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,"
                        "99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average "
                        "Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size\r\n"));
    QCOMPARE(firstLine(folder.path(u"locust_failures.csv"_s)), QByteArray("Method,Name,Error,Occurrences\r\n"));

    const QList<QByteArray> statsRows = readFile(folder.path(u"locust_stats.csv"_s)).trimmed().split('\n');
    QCOMPARE(statsRows.size(), 1 + 4 + 1); // header, 4 endpoints, Aggregated
    QVERIFY(statsRows.last().startsWith(",Aggregated,5,5,"));
    const QList<QByteArray> historyRows = readFile(folder.path(u"locust_stats_history.csv"_s)).trimmed().split('\n');
    QCOMPARE(historyRows.size(), 6);
    QVERIFY(historyRows[1].startsWith("1764084600,20,,Aggregated,50,0,N/A,"));
    QVERIFY(historyRows[3].contains(",3,N/A,N/A,N/A,N/A,11,"));
    const QByteArray failures = readFile(folder.path(u"locust_failures.csv"_s));
    QVERIFY(failures.contains("GET,/,\"ConnectionRefusedError(111, 'Connection refused')\",2\r\n"));

    const QString html = QString::fromUtf8(readFile(folder.path(u"report.html"_s)));
    QVERIFY(html.startsWith(u"<!DOCTYPE html>"_s));
    QCOMPARE(html.count(u"<svg "_s), 3);
    QVERIFY(html.contains(u"<path d=\"M"_s));
    QVERIFY(html.contains(u"ConnectionRefusedError(111, &#x27;Connection refused&#x27;)"_s) ||
            html.contains(u"ConnectionRefusedError(111, 'Connection refused')"_s));
    QVERIFY(html.contains(u"ramp 100:750:50:1m"_s));
    QVERIFY(html.contains(u"/product/9SIQT8TOJO"_s));
    // Self-contained: no script, no external resource.
    QVERIFY(!html.contains(u"<script"_s));
    QVERIFY(!html.contains(u"src="_s));
    QVERIFY(!html.contains(u"href="_s));
    QVERIFY(!html.contains(u"url("_s));
    QVERIFY(QFile::exists(folder.path(u"history.json"_s)));
}

void TstRunStore::keepsDownloadedLocustCsv()
{
    QTemporaryDir tmp;
    RunFolder folder(tmp.path());
    const QByteArray downloaded = locust_csv::statsHeader() + "GET,/,1,0,0,0,0,0,3.0,1.0,0.0,0,0,0,0,0,0,0,0,0,0,0\r\n";
    QVERIFY(folder.writeFile(u"locust_stats.csv"_s, downloaded));
    QVERIFY(folder.writeOutputs(sampleSettings(), samples(2), std::nullopt, false));
    QCOMPARE(readFile(folder.path(u"locust_stats.csv"_s)), downloaded); // the master's own file wins
    QVERIFY(QString::fromUtf8(readFile(folder.path(u"report.html"_s))).contains(u"No final statistics"_s));
}

void TstRunStore::rebuildFromDisk()
{
    QTemporaryDir tmp;
    RunFolder writer(tmp.path());
    QVERIFY(writer.writeSettings(sampleSettings()));
    for (const LoadSample &s : samples(4))
        QVERIFY(writer.appendSample(s));
    QVERIFY(writer.writeFinalStats(captured(u"running"_s)));

    RunFolder folder(tmp.path());
    const Status st = folder.rebuild();
    QVERIFY2(st, qPrintable(st ? QString() : st.error().message));
    for (const QString &f : {u"report.html"_s, u"history.json"_s, u"locust_stats.csv"_s, u"locust_stats_history.csv"_s,
                             u"locust_failures.csv"_s})
        QVERIFY2(QFile::exists(folder.path(f)), qPrintable(f));
    QVERIFY(readFile(folder.path(u"locust_stats.csv"_s)).contains(",Aggregated,97,0,"));
}

void TstRunStore::rebuildRejectsNonRunFolder()
{
    QTemporaryDir tmp;
    const Status missing = RunFolder(tmp.filePath(u"nope"_s)).rebuild();
    QVERIFY(!missing);
    QCOMPARE(missing.error().kind, Error::Kind::NotFound);
    const Status notRun = RunFolder(tmp.path()).rebuild();
    QVERIFY(!notRun);
    QVERIFY(notRun.error().message.contains(u"not a load run folder"_s));
}

void TstRunStore::listsRunsNewestFirst()
{
    QVERIFY(RunStore().root().endsWith(u"/runs"_s));
    QTemporaryDir tmp;
    RunStore store(tmp.filePath(u"runs"_s));
    const QDateTime t(QDate(2026, 11, 25), QTime(15, 0), Qt::UTC);
    const Result<QString> a = store.createRunDir(t);
    const Result<QString> b = store.createRunDir(t); // same second: suffixed
    const Result<QString> c = store.createRunDir(t.addSecs(60));
    QVERIFY(a && b && c);
    QVERIFY(b.value().endsWith(u"20261125-150000-2"_s));
    for (const QString &d : {a.value(), b.value(), c.value()})
        QVERIFY(RunFolder(d).writeSettings(sampleSettings()));
    QDir(tmp.filePath(u"runs"_s)).mkdir(u"junk"_s); // no settings: skipped
    const QList<RunInfo> runs = store.list();
    QCOMPARE(runs.size(), 3);
    QCOMPARE(runs.first().id, u"20261125-150100"_s);
    QCOMPARE(runs.first().settings.users, 20);
}

void TstRunStore::csvQuoting()
{
    QCOMPARE(locust_csv::quoteField(u"plain"_s), QByteArray("plain"));
    QCOMPARE(locust_csv::quoteField(u"a,b"_s), QByteArray("\"a,b\""));
    QCOMPARE(locust_csv::quoteField(u"say \"hi\""_s), QByteArray("\"say \"\"hi\"\"\""));
}

void TstRunStore::historyMergesLocustOwnRows()
{
    const QByteArray own = locust_csv::historyHeader() +
                           "100,20,,Aggregated,150.000000,0.000000,0,0,0,1,2,4,10,14,39,84,84,1092,0,0,0.8,0,84,3.0\r\n"
                           "101,20,,Aggregated,160.000000,0.000000,0,0,0,1,2,4,10,14,39,84,84,1661,0,0,0.6,0,84,3.0\r\n"
                           "102,20,,Aggreg"; // torn: Locust never flushed the rest
    QList<LoadSample> ours = samples(3);
    ours[0].timestampMs = 100'500;
    ours[1].timestampMs = 102'000;
    ours[2].timestampMs = 104'000;
    const QList<QByteArray> rows = locust_csv::mergedHistory(own, ours).split('\n');
    QCOMPARE(rows.size(), 1 + 2 + 2 + 1); // header, Locust's 2, our 2 later ones, trailing empty
    QVERIFY(rows[1].startsWith("100,20,,Aggregated,150.000000,"));
    QVERIFY(rows[2].startsWith("101,"));
    QVERIFY(rows[3].startsWith("102,20,,Aggregated,51,"));
    QVERIFY(rows[4].startsWith("104,"));
    // Without a usable file of Locust's own, ours alone.
    QCOMPARE(locust_csv::mergedHistory("garbage", ours), locust_csv::history(ours));
    QCOMPARE(locust_csv::mergedHistory({}, ours), locust_csv::history(ours));
}

// A line at the highest value stays below the top of the frame (not under its stroke), and the x axis
// starts on a labelled tick although the first poll comes a moment after 0 s.
void TstRunStore::reportChartKeepsLinesInsideTheFrame()
{
    ChartSeries users{u"users"_s, u"#9467bd"_s, {{0.05, 0}, {2.1, 30}, {4.2, 50}, {59.8, 50}}};
    const QString svg = svgLineChart(u"Users"_s, QString(), {users}, 860, 260);
    const double top = 30, bottom = 260 - 40;
    const QRegularExpression path(u"<path d=\"([^\"]+)\""_s);
    const auto match = path.match(svg);
    QVERIFY(match.hasMatch());
    double highest = bottom;
    for (const QString &point : match.captured(1).split(u' ', Qt::SkipEmptyParts))
        highest = std::min(highest, point.mid(1).section(u',', 1, 1).toDouble());
    QVERIFY2(highest > top + 2 && highest < bottom, qPrintable(QString::number(highest)));
    QVERIFY2(svg.contains(u"text-anchor=\"middle\">0</text>"_s), "no 0 s tick");
    QVERIFY2(svg.contains(u"text-anchor=\"middle\">60</text>"_s), "no 60 s tick");
}

QTEST_GUILESS_MAIN(TstRunStore)
#include "tst_run_store.moc"
