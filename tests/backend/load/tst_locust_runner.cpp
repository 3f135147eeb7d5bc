// Real Locust (Debian 2.12.1): master + 2 workers against a loopback nginx, driven through
// LoadSession exactly as the panel and `boutique-control load run` drive it.
#include "tst_locust_nginx.h"

#include "backend/load/load_session.h"
#include "backend/load/locust_client.h"
#include "backend/load/locust_runner.h"
#include "backend/load/run_store.h"
#include "backend/process/run_context.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>
#include <sys/types.h>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace bc;

namespace {

const QString kLocustDir = QStringLiteral(BC_SOURCE_DIR "/infra/locust");

QByteArray firstLine(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readLine();
}

// A GET of the master's API by other means than LocustClient, parsed without our parser.
QJsonObject directStats(const QUrl &base)
{
    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy::NoProxy);
    QUrl url = base;
    url.setPath(u"/stats/requests"_s);
    QNetworkReply *reply = nam.get(QNetworkRequest(url));
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!done.wait(5000))
        return {};
    const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return o;
}

} // namespace

class TstLocustRunner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void runsSavesAndSurvivesAWorkerKill();
    void detectsRejectedWorkersWithoutVersionFix();
    void dryRunOnlyAnnounces();
    void headlessRunEndsByItself();
    void destroyingTheRunnerLeavesNothing();
};

void TstLocustRunner::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY2(QFile::exists(u"/usr/bin/locust"_s), "Locust is missing: install the Debian package python3-locust");
    QVERIFY2(QFile::exists(kLocustDir + u"/locustfile.py"_s), "infra/locust/locustfile.py is missing");
}

void TstLocustRunner::runsSavesAndSurvivesAWorkerKill()
{
    test::NginxTarget target;
    const QString nginxError = target.start();
    QVERIFY2(nginxError.isEmpty(), qPrintable(nginxError));
    QTRY_VERIFY2_WITH_TIMEOUT(target.isServing(), qPrintable(target.errorLog()), 10000);

    QTemporaryDir out;
    RunContext context;
    LoadSession session(&context);
    QSignalSpy finished(&session, &LoadSession::finished);
    QSignalSpy samples(&session, &LoadSession::sampleAdded);
    QSignalSpy problems(&session, &LoadSession::problem);
    QSignalSpy workerExited(session.runner(), &LocustRunner::workerExited);
    QSignalSpy missing(session.client(), &LocustClient::workersMissing);
    QSignalSpy markedMissing(session.runner(), &LocustRunner::workerMarkedMissing);
    QSignalSpy ready(session.runner(), &LocustRunner::ready);

    LoadRunSettings settings;
    settings.host = target.url();
    settings.users = 20;
    settings.spawnRate = 50;
    settings.duration = 22s;
    settings.workers = 2;
    LocustRunnerConfig cfg;
    cfg.locustfiles = {kLocustDir + u"/version_fix.py"_s, kLocustDir + u"/locustfile.py"_s};
    cfg.environment.insert(u"BC_WAIT_TIME"_s, u"0.05,0.2"_s); // fast shoppers; the mix stays upstream's
    const QString runDir = out.filePath(u"run"_s);
    const Status started = session.start(settings, runDir, cfg);
    QVERIFY2(started, qPrintable(started ? QString() : started.error().message));
    QVERIFY2(ready.wait(30000), qPrintable(session.runner()->masterLogTail().join(u'\n')));
    QCOMPARE(session.runner()->workersConnected(), 2);
    const QString webPort = QString::number(session.runner()->webPort());
    const QUrl web = session.runner()->webUrl();
    QCOMPARE(web.host(), u"127.0.0.1"_s);
    QCOMPARE(test::processesMentioning(u"--master-port %1"_s.arg(session.runner()->masterPort())).size(), 2);

    // All 20 users up, then the history matches what the master itself reports.
    QTRY_VERIFY_WITH_TIMEOUT(!samples.isEmpty() && samples.last().first().value<LoadSample>().userCount == 20 &&
                                 samples.last().first().value<LoadSample>().totalRequests > 0,
                             15000);
    bool matched = false;
    for (int attempt = 0; attempt < 3 && !matched; ++attempt) {
        QVERIFY(samples.wait(5000));
        const QJsonObject direct = directStats(web); // within the master's 2 s cache of the client's poll
        const LoadSample s = session.history().samples().last();
        const QJsonObject aggregated = direct.value("stats"_L1).toArray().last().toObject();
        matched = qint64(aggregated.value("num_requests"_L1).toDouble()) == s.totalRequests &&
                  direct.value("user_count"_L1).toInt() == s.userCount &&
                  direct.value("total_rps"_L1).toDouble() == s.rps &&
                  aggregated.value("avg_response_time"_L1).toDouble() == s.avgMs;
        if (matched) {
            const StatsSnapshot &snap = *session.client()->lastSnapshot();
            QCOMPARE(direct.value("workers"_L1).toArray().size(), snap.workers.size());
            QCOMPARE(direct.value("stats"_L1).toArray().size(), snap.endpoints.size() + snap.versions.size() + 1);
            QCOMPARE(session.history().rps().last().y(), s.rps);
            QVERIFY(snap.total.p95Ms.has_value()); // from Locust's CSV, fetched with each poll
            QVERIFY(*snap.total.p95Ms >= snap.total.medianMs && *snap.total.p95Ms <= snap.total.maxMs);
        }
    }
    QVERIFY2(matched, "no sample matched a direct GET of /stats/requests");

    // kill -9 one worker: the runner sees its process die, the master marks it missing (<10 s), the run
    // goes on with all 20 users on the survivor (rebalancing).
    const qint64 before = session.history().samples().last().totalRequests;
    const qint64 victim = session.runner()->processIds().at(2);
    QVERIFY(victim > 0);
    QElapsedTimer sinceKill;
    sinceKill.start();
    QCOMPARE(::kill(pid_t(victim), SIGKILL), 0);
    QVERIFY(workerExited.wait(5000));
    QCOMPARE(workerExited.first().first().toInt(), 1);
    QVERIFY(markedMissing.wait(10000 - int(sinceKill.elapsed())));
    const qint64 markedAfter = sinceKill.elapsed();
    QVERIFY(markedAfter < 10000);
    QVERIFY(missing.wait(15000 - int(sinceKill.elapsed()))); // the web API shows it too, after its cache
    qInfo("worker died: process exit seen at once; master marked it missing after %lld ms (log), "
          "/stats/requests showed it after %lld ms",
          markedAfter, qint64(sinceKill.elapsed()));
    QCOMPARE(markedMissing.first().first().toString(), missing.first().first().toStringList().value(0));
    QTRY_VERIFY_WITH_TIMEOUT(session.history().samples().last().workersMissing == 1 &&
                                 session.history().samples().last().userCount == 20 &&
                                 session.history().samples().last().state == LocustState::Running,
                             8000);
    QVERIFY(session.phase() == LoadSession::Phase::Running);

    // The dead worker can be restarted; it registers and the master spreads the users again.
    QVERIFY(session.runner()->restartWorker(1));
    QTRY_COMPARE_WITH_TIMEOUT(session.runner()->workersConnected(), 2, 8000);
    QCOMPARE(session.runner()->workerProcessesRunning(), 2);

    QVERIFY(finished.wait(30000));
    const Status result = finished.first().first().value<Status>();
    QVERIFY2(result, qPrintable(result ? QString() : result.error().message));
    const LoadSample last = session.history().samples().last();
    QVERIFY(last.totalRequests > before);
    double peak = 0;
    for (const LoadSample &s : session.history().samples())
        peak = std::max(peak, s.rps);
    qInfo("%lld requests, %lld failures, peak %.1f req/s, %lld samples", last.totalRequests, last.totalFailures, peak,
          qint64(session.history().samples().size()));
    QCOMPARE(last.totalFailures, qint64(0));
    QVERIFY(problems.size() >= 2); // the dead worker, the missing report

    // Saved: settings, history, Locust's own CSVs, report. Nothing left running.
    RunFolder folder(runDir);
    QVERIFY(folder.readSettings());
    QCOMPARE(folder.readSettings().value().outcome, u"completed"_s);
    QCOMPARE(folder.readHistory().value().size(), session.history().samples().size());
    QCOMPARE(firstLine(folder.path(u"locust_stats.csv"_s)),
             QByteArray("Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response "
                        "Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,"
                        "99%,99.9%,99.99%,100%\r\n"));
    QCOMPARE(firstLine(folder.path(u"locust_stats_history.csv"_s)).left(40),
             QByteArray("Timestamp,User Count,Type,Name,Requests/"));
    QCOMPARE(firstLine(folder.path(u"locust_failures.csv"_s)), QByteArray("Method,Name,Error,Occurrences\r\n"));
    QFile stats(folder.path(u"locust_stats.csv"_s));
    QVERIFY(stats.open(QIODevice::ReadOnly));
    const QByteArray statsCsv = stats.readAll();
    for (const char *route : {"GET,/,", "POST,/setCurrency,", "POST,/cart,", "GET,/cart,", "POST,/cart/checkout,"})
        QVERIFY2(statsCsv.contains(route), route);
    QVERIFY(QFile::exists(folder.path(u"report.html"_s)));
    QVERIFY(QFile::exists(folder.path(u"final_stats.json"_s)));
    QVERIFY(QFile(folder.path(u"report.html"_s)).size() > 5000);
    QCOMPARE(session.runner()->state(), LocustRunner::State::Idle);
    QCOMPARE(test::processesMentioning(webPort).size(), 0);
    QVERIFY(target.isRunning());
}

void TstLocustRunner::detectsRejectedWorkersWithoutVersionFix()
{
    RunContext context;
    LocustRunner runner(&context);
    QSignalSpy failed(&runner, &LocustRunner::failed);
    QSignalSpy stopped(&runner, &LocustRunner::stopped);
    LocustRunnerConfig cfg;
    cfg.locustfiles = {kLocustDir + u"/locustfile.py"_s}; // without version_fix.py
    cfg.workers = 1;
    cfg.host = u"http://127.0.0.1:9"_s;
    QVERIFY(runner.start(cfg));
    const QString port = QString::number(runner.webPort());
    QVERIFY(failed.wait(20000));
    const Error e = failed.first().first().value<Error>();
    QVERIFY2(e.message.contains(u"pre-2.0"_s) && e.message.contains(u"version_fix.py"_s), qPrintable(e.message));
    QVERIFY(stopped.wait(10000));
    QCOMPARE(test::processesMentioning(port).size(), 0);
}

void TstLocustRunner::dryRunOnlyAnnounces()
{
    RunContext context;
    context.setDryRun(true);
    LocustRunner runner(&context);
    QSignalSpy stopped(&runner, &LocustRunner::stopped);
    LocustRunnerConfig cfg;
    cfg.locustfiles = {kLocustDir + u"/version_fix.py"_s, kLocustDir + u"/locustfile.py"_s};
    cfg.workers = 3;
    QVERIFY(runner.start(cfg));
    QVERIFY(stopped.wait(2000));
    const QString master = runner.masterCommand().displayLine();
    QVERIFY2(master.contains(u"--master --master-bind-host 127.0.0.1"_s), qPrintable(master));
    QVERIFY(master.contains(u"--web-host 127.0.0.1"_s));
    QVERIFY(master.contains(u"--enable-rebalancing"_s));
    QVERIFY(master.contains(u"version_fix.py,"_s));
    QVERIFY(runner.workerCommand().displayLine().contains(u"--worker --master-host 127.0.0.1"_s));
}

void TstLocustRunner::headlessRunEndsByItself()
{
    bc::test::NginxTarget target;
    const QString nginxError = target.start();
    QVERIFY2(nginxError.isEmpty(), qPrintable(nginxError));
    QTRY_VERIFY_WITH_TIMEOUT(target.isServing(), 10000);

    QTemporaryDir out;
    RunContext context;
    LocustRunner runner(&context);
    QSignalSpy ready(&runner, &LocustRunner::ready);
    QSignalSpy stopped(&runner, &LocustRunner::stopped);
    QSignalSpy failed(&runner, &LocustRunner::failed);
    LocustRunnerConfig cfg;
    cfg.locustfiles = {kLocustDir + u"/version_fix.py"_s, kLocustDir + u"/locustfile.py"_s};
    cfg.workers = 1;
    cfg.headless = true;
    cfg.users = 5;
    cfg.spawnRate = 5;
    cfg.runTime = 4s;
    cfg.host = target.url();
    cfg.csvPrefix = out.filePath(u"headless"_s);
    cfg.environment.insert(u"BC_WAIT_TIME"_s, u"0.05,0.2"_s);
    QVERIFY(runner.start(cfg));
    QVERIFY(runner.webUrl().isEmpty()); // no web API in headless mode
    QVERIFY2(ready.wait(20000), qPrintable(runner.masterLogTail().join(u'\n')));
    QVERIFY(stopped.wait(20000)); // -t reached: the master exits 0, the runner stops the rest
    QCOMPARE(failed.size(), 0);
    QCOMPARE(runner.state(), LocustRunner::State::Idle);
    QCOMPARE(firstLine(out.filePath(u"headless_stats.csv"_s)).left(25), QByteArray("Type,Name,Request Count,F"));
    QCOMPARE(test::processesMentioning(u"--master-port %1"_s.arg(runner.masterPort())).size(), 0);
}

// What happens when the app quits mid-run: the runner goes with its parent, and so do the processes.
void TstLocustRunner::destroyingTheRunnerLeavesNothing()
{
    RunContext context;
    auto runner = std::make_unique<LocustRunner>(&context);
    QSignalSpy ready(runner.get(), &LocustRunner::ready);
    LocustRunnerConfig cfg;
    cfg.locustfiles = {kLocustDir + u"/version_fix.py"_s, kLocustDir + u"/locustfile.py"_s};
    cfg.workers = 2;
    cfg.host = u"http://127.0.0.1:9"_s;
    QVERIFY(runner->start(cfg));
    QVERIFY2(ready.wait(30000), qPrintable(runner->masterLogTail().join(u'\n')));
    const QString port = QString::number(runner->masterPort());
    QCOMPARE(test::processesMentioning(port).size(), 3);
    runner.reset(); // synchronous: terminate, grace, kill, per process group
    QCOMPARE(test::processesMentioning(port).size(), 0);
}

QTEST_GUILESS_MAIN(TstLocustRunner)
#include "tst_locust_runner.moc"
