// The Load test panel driving the real Locust (a master and two workers) against the storefront of the real
// sandbox with the Online Boutique deployed: a 60 s run of 50 users that ends by itself, whose charts are
// checked point by point against the master's own answers, then a run that loses a worker and is stopped
// with the Stop button. Saves loadtest-*.png into BC_SCREENSHOT_DIR when set.
#include "backend/load/endpoint_stats_model.h"
#include "backend/load/load_session.h"
#include "backend/load/locust_stats.h"
#include "backend/load/run_store.h"
#include "backend/process/run_context.h"
#include "tests/backend/load/tst_locust_nginx.h"
#include "tests/support/sandbox_demo.h"
#include "widgets/charts/live_chart.h"
#include "widgets/common/inline_banner.h"
#include "widgets/loadtest/load_test_panel.h"

#include <QChart>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QListWidget>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

QLineSeries *seriesOf(bc::LiveChart *chart, int index)
{
    return qobject_cast<QLineSeries *>(chart->chart()->series().value(index));
}

// With BC_SCREENSHOT_DIR set (tests/screenshot.sh does), keep a picture of the panel as it looks.
void saveScreenshot(QWidget &widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("BC_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(widget.grab().save(QDir(dir).filePath(name)));
}

QByteArray firstLine(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readLine() : QByteArray();
}

// The Aggregated "Request Count" of a Locust-format stats CSV, -1 if there is none.
qint64 aggregatedRequests(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QList<QStringList> rows = bc::parseCsvRows(f.readAll());
    for (const QStringList &row : rows)
        if (row.size() > 2 && row.at(1) == u"Aggregated")
            return row.at(2).toLongLong();
    return -1;
}

// What the master answered on GET /stats/requests, read by the test itself (not by the app's parser).
struct MasterAnswer
{
    QString state;
    int users = 0;
    int workers = 0; // not missing
    qint64 requests = 0; // Aggregated, cumulative
    qint64 failures = 0;
    double rps = 0; // Aggregated current_rps
    double failPerSec = 0;
    std::optional<double> p50; // current window, null before the first request
    std::optional<double> p95;
    qint64 receivedMs = 0; // when the tap got it, since the tap started
    QHash<QString, double> endpointAvgMs; // "GET /cart" -> avg_response_time, endpoints with requests
};

// Polls the master every 400 ms. The master memoizes /stats/requests for 2 s, so every answer the app's
// 2.1 s poll gets was also served to this tap.
class MasterTap : public QObject
{
public:
    explicit MasterTap(QUrl base) : m_base(std::move(base))
    {
        m_clock.start();
        m_timer.setInterval(400ms);
        connect(&m_timer, &QTimer::timeout, this, &MasterTap::poll);
        m_timer.start();
        poll();
    }
    void stop() { m_timer.stop(); }
    const QList<MasterAnswer> &answers() const { return m_answers; }

private:
    void poll()
    {
        QNetworkRequest request(m_base.resolved(QUrl(u"/stats/requests"_s)));
        request.setTransferTimeout(3000);
        QNetworkReply *reply = m_nam.get(request);
        connect(reply, &QNetworkReply::finished, this, [this, reply] {
            reply->deleteLater();
            if (reply->error() != QNetworkReply::NoError)
                return;
            const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
            const QJsonArray stats = o.value("stats"_L1).toArray();
            QJsonObject total;
            MasterAnswer a;
            for (const QJsonValue &value : stats) {
                const QJsonObject row = value.toObject();
                if (row.value("name"_L1).toString() == u"Aggregated")
                    total = row;
                else if (row.value("num_requests"_L1).toDouble() > 0)
                    a.endpointAvgMs.insert(row.value("method"_L1).toString() + u' ' + row.value("name"_L1).toString(),
                                           row.value("avg_response_time"_L1).toDouble());
            }
            if (total.isEmpty())
                return;
            a.state = o.value("state"_L1).toString();
            a.users = o.value("user_count"_L1).toInt();
            for (const QJsonValue &w : o.value("workers"_L1).toArray())
                a.workers += w.toObject().value("state"_L1).toString() != u"missing" ? 1 : 0;
            a.requests = qint64(total.value("num_requests"_L1).toDouble());
            a.failures = qint64(total.value("num_failures"_L1).toDouble());
            a.rps = total.value("current_rps"_L1).toDouble();
            a.failPerSec = total.value("current_fail_per_sec"_L1).toDouble();
            if (const QJsonValue v = o.value("current_response_time_percentile_50"_L1); v.isDouble())
                a.p50 = v.toDouble();
            if (const QJsonValue v = o.value("current_response_time_percentile_95"_L1); v.isDouble())
                a.p95 = v.toDouble();
            a.receivedMs = m_clock.elapsed();
            m_answers.append(a);
        });
    }

    QUrl m_base;
    QNetworkAccessManager m_nam;
    QTimer m_timer;
    QElapsedTimer m_clock;
    QList<MasterAnswer> m_answers;
};

bool sameAnswer(const MasterAnswer &a, const bc::LoadSample &s)
{
    const auto same = [](const std::optional<double> &m, double v) { return m ? *m == v : std::isnan(v); };
    return a.state == bc::locustStateName(s.state) && a.users == s.userCount && a.requests == s.totalRequests
        && a.failures == s.totalFailures && a.rps == s.rps && a.failPerSec == s.failPerSec && same(a.p50, s.currentP50Ms)
        && same(a.p95, s.currentP95Ms);
}

QString pidList(const QList<qint64> &pids)
{
    QStringList out;
    for (qint64 p : pids)
        out.append(QString::number(p));
    return out.join(u' ');
}

} // namespace

class TstLoadTestPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void rejectsBadDurationWithoutStarting()
    {
        bc::RunContext context;
        bc::LoadTestPanel panel(&context, nullptr);
        QTemporaryDir runs;
        panel.setRunsRoot(runs.path());
        panel.hostEdit()->setText(u"http://127.0.0.1:9"_s);
        panel.durationEdit()->setText(u"soon"_s);
        panel.startRun();
        QVERIFY(!panel.session());
        QVERIFY(panel.banner()->isVisibleTo(&panel));
        QVERIFY2(panel.banner()->message().startsWith(u"Duration"_s), qPrintable(panel.banner()->message()));
        QCOMPARE(QDir(runs.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 0);
    }

    void runsAMinuteOnTheStorefront()
    {
        QVERIFY2(QFile::exists(u"/usr/bin/locust"_s), "Locust is missing: install the Debian package python3-locust");
        startShop();
        if (QTest::currentTestFailed())
            return;
        bc::LoadTestPanel &panel = *m_panel;

        // As a user: the target is the shop's address from the cluster, 50 users, 2 workers, 60 s.
        QTRY_COMPARE_WITH_TIMEOUT(panel.hostEdit()->text(), m_shopUrl, 15000);
        panel.usersBox()->setValue(50);
        panel.workersBox()->setValue(2);
        panel.durationEdit()->setText(u"60s"_s);
        QVERIFY(panel.startButton()->isEnabled());
        QTest::mouseClick(panel.startButton(), Qt::LeftButton);
        QVERIFY2(panel.session(), qPrintable(panel.banner()->message()));
        QVERIFY(!panel.startButton()->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(panel.session()->phase(), bc::LoadSession::Phase::Running, 40000);
        bc::LoadSession *session = panel.session();
        MasterTap tap(session->runner()->webUrl());
        const QString ours = u"-port %1 "_s.arg(session->runner()->masterPort()); // master and workers
        QCOMPARE(bc::test::processesMentioning(ours).size(), 3);

        // 50 users on 2 workers, traffic on the shop.
        QTRY_VERIFY_WITH_TIMEOUT(!session->history().isEmpty() && session->history().samples().last().userCount == 50
                                     && session->history().samples().last().workersRunning == 2,
                                 30000);
        QTRY_VERIFY_WITH_TIMEOUT(session->history().samples().last().rps > 0, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(panel.endpoints()->rowCount() >= 5, 10000); // endpoints + Aggregated
        QTRY_VERIFY_WITH_TIMEOUT(seriesOf(panel.rpsChart(), 0)->count() >= 8, 30000);
        saveScreenshot(panel, u"loadtest-running.png"_s);

        // It ends by itself after 60 s.
        QSignalSpy finished(session, &bc::LoadSession::finished);
        QVERIFY(finished.wait(90000));
        const auto status = finished.first().first().value<bc::Status>();
        QVERIFY2(status, qPrintable(panel.banner()->message()));
        tap.stop();
        QVERIFY(panel.startButton()->isEnabled());
        const QList<bc::LoadSample> samples = session->history().samples();
        double sampleGap = 0;
        qint64 tapGap = 0;
        for (qsizetype i = 1; i < samples.size(); ++i)
            sampleGap = std::max(sampleGap, samples[i].elapsedS - samples[i - 1].elapsedS);
        for (qsizetype i = 1; i < tap.answers().size(); ++i)
            tapGap = std::max(tapGap, tap.answers()[i].receivedMs - tap.answers()[i - 1].receivedMs);
        qInfo("%lld samples (longest gap %.1f s), %lld answers tapped from the master (longest gap %lld ms)",
              qint64(samples.size()), sampleGap, qint64(tap.answers().size()), tapGap);
        // One poll every ~2.1 s; a long gap means the window froze (it did once: an axis built 25,000 ticks).
        QVERIFY2(samples.size() >= 20 && sampleGap < 10, qPrintable(QString::number(samples.size())));
        QVERIFY2(samples.last().elapsedS >= 59, qPrintable(QString::number(samples.last().elapsedS)));

        // Every sample is an answer the master gave (the tap saw it too), and the charts hold exactly those.
        QHash<double, MasterAnswer> byX;
        QStringList unmatched;
        for (const bc::LoadSample &s : samples) {
            const auto &answers = tap.answers();
            const auto it = std::find_if(answers.cbegin(), answers.cend(), [&s](const MasterAnswer &a) { return sameAnswer(a, s); });
            if (it == answers.cend())
                unmatched.append(u"%1 s: %2 req, %3 users, %4 req/s"_s.arg(s.elapsedS).arg(s.totalRequests).arg(s.userCount).arg(s.rps));
            else
                byX.insert(s.elapsedS, *it);
        }
        QVERIFY2(unmatched.isEmpty(), qPrintable(u"samples the master never answered: "_s + unmatched.join(u"; "_s)));
        for (bc::LiveChart *chart : {panel.rpsChart(), panel.latencyChart(), panel.usersChart()})
            chart->refreshNow();
        const QList<std::pair<QLineSeries *, std::function<std::optional<double>(const MasterAnswer &)>>> charted{
            {seriesOf(panel.rpsChart(), 0), [](const MasterAnswer &a) { return std::optional<double>(a.rps); }},
            {seriesOf(panel.rpsChart(), 1), [](const MasterAnswer &a) { return std::optional<double>(a.failPerSec); }},
            {seriesOf(panel.latencyChart(), 0), [](const MasterAnswer &a) { return a.p50; }},
            {seriesOf(panel.latencyChart(), 1), [](const MasterAnswer &a) { return a.p95; }},
            {seriesOf(panel.usersChart(), 0), [](const MasterAnswer &a) { return std::optional<double>(a.users); }},
            {seriesOf(panel.usersChart(), 1), [](const MasterAnswer &a) { return std::optional<double>(a.workers); }},
        };
        for (const auto &[series, field] : charted) {
            QVERIFY(series);
            qsizetype expected = 0;
            for (const bc::LoadSample &s : samples)
                expected += field(byX.value(s.elapsedS)).has_value() ? 1 : 0;
            QCOMPARE(series->count(), expected); // a point for every answer that had the value
            for (const QPointF &p : series->points()) {
                QVERIFY2(byX.contains(p.x()), qPrintable(series->name()));
                QCOMPARE(std::optional<double>(p.y()), field(byX.value(p.x())));
            }
        }
        QCOMPARE(seriesOf(panel.usersChart(), 0)->points().last().y(), 50.0);
        // The slowest endpoints' lines: each point is that endpoint's average in the master's answer.
        int endpointLines = 0;
        for (QAbstractSeries *line : panel.endpointChart()->chart()->series()) {
            if (!line->isVisible())
                continue;
            ++endpointLines;
            const auto *series = qobject_cast<QLineSeries *>(line);
            QVERIFY(series->count() >= 10);
            for (const QPointF &p : series->points()) {
                QVERIFY2(byX.value(p.x()).endpointAvgMs.contains(series->name()), qPrintable(series->name()));
                QCOMPARE(p.y(), byX.value(p.x()).endpointAvgMs.value(series->name()));
            }
        }
        QCOMPARE(endpointLines, bc::LoadTestPanel::kChartedEndpoints); // the shop's mix has more endpoints

        // Saved: settings, history, Locust's own CSVs (totals cross-checked with the master's --csv), report.
        const QString runDir = session->runDir();
        QCOMPARE(panel.runList()->count(), 1);
        bc::RunFolder folder(runDir);
        const auto settings = folder.readSettings();
        QVERIFY(settings);
        QCOMPARE(settings.value().host, m_shopUrl);
        QCOMPARE(settings.value().users, 50);
        QCOMPARE(settings.value().workers, 2);
        QCOMPARE(settings.value().duration, 60s);
        QCOMPARE(settings.value().outcome, u"completed"_s);
        QCOMPARE(folder.readHistory().value().size(), samples.size());
        QJsonParseError jsonError;
        QFile historyJson(folder.path(u"history.json"_s));
        QVERIFY(historyJson.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(historyJson.readAll(), &jsonError).array().size(), samples.size());
        QCOMPARE(firstLine(folder.path(u"locust_stats.csv"_s)).left(40), QByteArray("Type,Name,Request Count,Failure Count,Me"));
        QCOMPARE(firstLine(folder.path(u"locust_stats_history.csv"_s)).left(40), QByteArray("Timestamp,User Count,Type,Name,Requests/"));
        QCOMPARE(firstLine(folder.path(u"locust_failures.csv"_s)).trimmed(), QByteArray("Method,Name,Error,Occurrences"));
        const qint64 last = samples.last().totalRequests;
        const qint64 downloaded = aggregatedRequests(folder.path(u"locust_stats.csv"_s));
        const qint64 mastersOwn = aggregatedRequests(folder.path(u"locust/master_stats.csv"_s));
        qInfo("requests: last sample %lld, /stats/requests/csv %lld, master --csv %lld", last, downloaded, mastersOwn);
        QVERIFY(last > 100);
        // The last sample is the master's final answer (cached up to 2 s), the CSVs were read a moment later.
        QVERIFY2(downloaded >= last && downloaded <= last + last / 10, qPrintable(QString::number(downloaded)));
        QVERIFY2(mastersOwn >= last && mastersOwn <= last + last / 10, qPrintable(QString::number(mastersOwn)));
        QCOMPARE(samples.last().totalFailures, qint64(0));
        QFile report(folder.path(u"report.html"_s));
        QVERIFY(report.open(QIODevice::ReadOnly));
        const QByteArray html = report.readAll();
        QVERIFY(html.contains("<svg") && html.contains(m_shopUrl.toUtf8()) && html.contains("/cart/checkout"));

        // Nothing of this run is left running.
        QVERIFY2(bc::test::processesMentioning(ours).isEmpty(), qPrintable(pidList(bc::test::processesMentioning(ours))));

        saveScreenshot(panel, u"loadtest-finished.png"_s);
        panel.runList()->setCurrentRow(0);
        const auto buttons = panel.findChildren<QPushButton *>();
        const auto save = std::find_if(buttons.cbegin(), buttons.cend(),
                                       [](QPushButton *b) { return b->text() == u"Save chart images"; });
        QVERIFY(save != buttons.cend());
        (*save)->click();
        for (const QString &png : {u"chart-requests.png"_s, u"chart-response-time.png"_s, u"chart-users.png"_s, u"chart-endpoints.png"_s}) {
            const QImage image(QDir(runDir).filePath(png));
            QVERIFY2(!image.isNull() && image.width() > 200 && image.height() > 150, qPrintable(png));
        }
        if (const QString dir = qEnvironmentVariable("BC_SCREENSHOT_DIR"); !dir.isEmpty())
            QFile::copy(folder.path(u"report.html"_s), QDir(dir).filePath(u"loadtest-report.html"_s));
    }

    // A worker killed mid-run shows as missing in the panel within 10 s and the run goes on; Stop ends it
    // and leaves no Locust process.
    void showsAMissingWorkerAndStops()
    {
        startShop();
        if (QTest::currentTestFailed())
            return;
        bc::LoadTestPanel &panel = *m_panel;
        panel.usersBox()->setValue(10);
        panel.durationEdit()->setText(u"5m"_s);
        panel.hostEdit()->clear(); // no host: Start reads the cluster's shop address (kubectl) and runs on it
        const bc::LoadSession *previous = panel.session();
        QTest::mouseClick(panel.startButton(), Qt::LeftButton);
        QTRY_VERIFY2_WITH_TIMEOUT(panel.session() && panel.session() != previous, qPrintable(panel.banner()->message()),
                                  15000);
        QCOMPARE(panel.hostEdit()->text(), m_shopUrl);
        QTRY_COMPARE_WITH_TIMEOUT(panel.session()->phase(), bc::LoadSession::Phase::Running, 40000);
        bc::LoadSession *session = panel.session();
        const QString ours = u"-port %1 "_s.arg(session->runner()->masterPort());
        QTRY_VERIFY_WITH_TIMEOUT(!session->history().isEmpty() && session->history().samples().last().userCount == 10
                                     && session->history().samples().last().workersRunning == 2,
                                 30000);

        const qint64 victim = session->runner()->processIds().value(2);
        QVERIFY(victim > 0);
        QCOMPARE(::kill(pid_t(victim), SIGKILL), 0);
        auto *state = panel.findChild<QLabel *>(u"runState"_s);
        QTRY_VERIFY_WITH_TIMEOUT(state->text().contains(u"1 worker(s) missing"_s), 10000);
        QVERIFY(panel.banner()->isVisibleTo(&panel));
        QTest::qWait(300); // the charts catch up with the label on their next tick (250 ms)
        saveScreenshot(panel, u"loadtest-worker-missing.png"_s);
        // The run goes on with its users on the survivor.
        const qint64 before = session->history().samples().last().totalRequests;
        QTRY_VERIFY_WITH_TIMEOUT(session->history().samples().last().totalRequests > before
                                     && session->history().samples().last().userCount == 10,
                                 15000);
        QCOMPARE(session->phase(), bc::LoadSession::Phase::Running);

        QSignalSpy finished(session, &bc::LoadSession::finished);
        QVERIFY(panel.stopButton()->isEnabled());
        QTest::mouseClick(panel.stopButton(), Qt::LeftButton);
        QVERIFY(finished.wait(30000));
        QVERIFY(finished.first().first().value<bc::Status>());
        QVERIFY2(bc::test::processesMentioning(ours).isEmpty(), qPrintable(pidList(bc::test::processesMentioning(ours))));
        QCOMPARE(panel.runList()->count(), 2);
        QVERIFY(QFile::exists(session->runDir() + u"/report.html"_s));
    }

    void cleanupTestCase()
    {
        m_panel.reset();
        m_demo.reset();
    }

private:
    // The sandbox with the demo deployed and a panel on it, shared by the runs above.
    void startShop()
    {
        if (m_panel)
            return;
        m_demo = std::make_unique<bc::test::SandboxDemo>(&m_context);
        const QString why = m_demo->start(false);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        m_shopUrl = m_demo->frontendUrl();
        QVERIFY2(!m_shopUrl.isEmpty(), "the storefront did not answer at frontend-external's address");
        QVERIFY(m_runs.isValid());
        m_panel = std::make_unique<bc::LoadTestPanel>(&m_context, &m_demo->session());
        m_panel->setRunsRoot(m_runs.path());
        m_panel->resize(1280, 860);
        m_panel->show();
    }

    bc::RunContext m_context;
    QTemporaryDir m_runs;
    std::unique_ptr<bc::test::SandboxDemo> m_demo;
    std::unique_ptr<bc::LoadTestPanel> m_panel;
    QString m_shopUrl;
};

QTEST_MAIN(TstLoadTestPanel)
#include "tst_load_test_panel.moc"
