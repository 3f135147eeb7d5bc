// Per-version load statistics (issue #15.3) on the real sandbox with a 25 % canary and real Locust:
// infra/locust reports v1 and v2 of productcatalogservice as separate entries, the Aggregated row
// counts each request once, and the Load test panel, the Canary panel, the HTML report and the saved
// run's versions.csv show v1 and v2 side by side (requests, failures, median, p95).
#include "backend/canary/canary_controller.h"
#include "backend/canary/split_verifier.h"
#include "backend/load/load_session.h"
#include "backend/load/locust_client.h"
#include "backend/load/locust_stats.h"
#include "backend/load/run_store.h"
#include "backend/load/version_stats.h"
#include "backend/process/run_context.h"
#include "tests/support/sandbox_demo.h"
#include "widgets/canary/canary_panel.h"
#include "widgets/common/inline_banner.h"
#include "widgets/loadtest/load_test_panel.h"
#include "widgets/loadtest/version_stats_view.h"

#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void saveScreenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("BC_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    QVERIFY(widget->grab().save(dir + u'/' + name));
}

} // namespace

class TstLoadVersions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void versionsSideBySideWithoutDoubleCounting()
    {
        QVERIFY2(QFile::exists(u"/usr/bin/locust"_s),
            "Locust is missing: install the Debian package python3-locust");
        // Short think times (tests only): enough canary pages in 25 s to tell the versions apart.
        qputenv("BC_WAIT_TIME", "0.1,0.4");
        bc::RunContext context;
        bc::test::SandboxDemo demo(&context);
        const QString why = demo.start(true);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QVERIFY(!demo.frontendUrl().isEmpty());

        // The canary at 25 %: 3 v1 pods and 1 v2 pod, through the Canary panel's own action.
        bc::CanaryPanel canary(&context, &demo.session());
        canary.setConfirm(false);
        canary.resize(1100, 900);
        canary.show();
        QTRY_VERIFY_WITH_TIMEOUT(canary.controller() && canary.controller()->state().complete(), 30000);
        QSignalSpy applied(canary.controller(), &bc::CanaryController::finished);
        canary.applyShare(25);
        QVERIFY(applied.wait(120000));
        QVERIFY2(applied.first().first().value<bc::Status>(), "the 25 % canary was not applied");
        QTRY_COMPARE_WITH_TIMEOUT(qRound(canary.controller()->state().readyV2Percent()), 25, 60000);

        QTemporaryDir runs;
        QVERIFY(runs.isValid());
        bc::LoadTestPanel load(&context, &demo.session());
        load.setRunsRoot(runs.path());
        load.resize(1280, 900);
        load.show();
        QObject::connect(&load, &bc::LoadTestPanel::runStarted, &canary, &bc::CanaryPanel::followLoadSession);
        QTRY_VERIFY_WITH_TIMEOUT(!load.hostEdit()->text().isEmpty(), 15000);
        load.usersBox()->setValue(20);
        load.workersBox()->setValue(2); // master + workers: the master's total comes from the workers' totals
        load.durationEdit()->setText(u"25s"_s);
        QTest::mouseClick(load.startButton(), Qt::LeftButton);
        QVERIFY2(load.session(), qPrintable(load.banner()->message()));
        bc::LoadSession *session = load.session();

        // Live: both panels show v1 and v2 side by side while the run goes on.
        QTRY_VERIFY_WITH_TIMEOUT(
            load.versionStats()->figures().size() >= 2 && load.versionStats()->figures().at(1).requests > 0,
            60000);
        QCOMPARE(load.versionStats()->cellText(1, 0), u"v1"_s);
        QCOMPARE(load.versionStats()->cellText(2, 0), u"v2"_s);
        QTRY_VERIFY_WITH_TIMEOUT(canary.loadVersions()->figures().size() >= 2, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(canary.loadVersions()->figures(), load.versionStats()->figures(), 10000);
        QCOMPARE(canary.loadVersions()->cellText(2, 0), u"v2"_s);
        QVERIFY(canary.loadVersions()->cellText(2, 1).toLongLong() > 0);
        if (auto *tabs = qobject_cast<QTabWidget *>(load.versionStats()->parentWidget()->parentWidget()))
            tabs->setCurrentWidget(load.versionStats());
        saveScreenshot(&load, u"loadtest-versions.png"_s);
        saveScreenshot(&canary, u"canary-load-versions.png"_s);

        QSignalSpy finished(session, &bc::LoadSession::finished);
        QVERIFY(finished.wait(90000));
        QVERIFY2(finished.first().first().value<bc::Status>(), qPrintable(load.banner()->message()));

        // The master's last answer: the versions apart from the endpoints, nothing counted twice.
        auto parsed = bc::parseStatsRequests(session->client()->lastBody());
        QVERIFY(parsed);
        const bc::StatsSnapshot &last = parsed.value();
        qint64 endpointSum = 0;
        qint64 canaryPage = -1;
        for (const bc::EndpointStats &e : last.endpoints) {
            QVERIFY2(e.method != u"VERSION"_s, qPrintable(e.name));
            endpointSum += e.numRequests;
            if (e.name == QLatin1StringView(bc::SplitVerifier::kProductPath))
                canaryPage = e.numRequests;
        }
        QCOMPARE(last.total.numRequests, endpointSum); // the Aggregated row did not double
        const QList<bc::VersionFigures> versions = bc::versionFigures(last);
        QVERIFY(versions.size() >= 2);
        const bc::VersionFigures &v1 = versions.at(0);
        const bc::VersionFigures &v2 = versions.at(1);
        qint64 versionSum = 0;
        for (const bc::VersionFigures &v : versions)
            versionSum += v.requests;
        QCOMPARE(versionSum, canaryPage); // each canary page once, by the version that answered
        QVERIFY2(v1.requests > 0 && v2.requests > 0,
            qPrintable(u"v1 %1, v2 %2"_s.arg(v1.requests).arg(v2.requests)));
        // v2's share of the attributed pages is the canary's 25 % (99.9 % interval: a random split).
        bc::SplitStats share;
        share.v1 = int(v1.requests);
        share.v2 = int(v2.requests);
        share.expectedPercent = 25;
        QVERIFY2(share.expectedWithin(3.29), qPrintable(share.summary()));
        qInfo().noquote() << u"v1 %1 requests (median %2 ms), v2 %3 requests (median %4 ms), %5 in all"_s
                                 .arg(v1.requests)
                                 .arg(v1.medianMs)
                                 .arg(v2.requests)
                                 .arg(v2.medianMs)
                                 .arg(last.total.numRequests);

        // The saved run: versions.csv, the HTML report's table, Locust's own stats CSV.
        const QString dir = session->runDir();
        const QList<QStringList> csv = bc::parseCsvRows(readFile(dir + u"/versions.csv"_s));
        QVERIFY2(csv.size() >= 3, qPrintable(dir));
        QCOMPARE(csv.at(0),
            (QStringList {u"Version"_s, u"Requests"_s, u"Failures"_s, u"Median Response Time"_s, u"95%"_s}));
        QCOMPARE(csv.at(1).value(0), u"v1"_s);
        QCOMPARE(csv.at(2).value(0), u"v2"_s);
        QVERIFY(csv.at(1).value(1).toLongLong() > 0 && csv.at(2).value(1).toLongLong() > 0);
        QVERIFY2(csv.at(2).value(4) != u"N/A"_s, "v2 has no p95 in versions.csv");
        const QByteArray report = readFile(dir + u"/report.html"_s);
        QVERIFY(report.contains("id=\"versions\""));
        QVERIFY(report.contains("<td class=\"l\">v1</td>") && report.contains("<td class=\"l\">v2</td>"));
        const QList<QStringList> stats = bc::parseCsvRows(readFile(dir + u"/locust_stats.csv"_s));
        qint64 statsSum = 0, statsTotal = -1;
        for (qsizetype i = 1; i < stats.size(); ++i) {
            if (stats[i].value(1) == u"Aggregated")
                statsTotal = stats[i].value(2).toLongLong();
            else if (stats[i].value(0) != u"VERSION")
                statsSum += stats[i].value(2).toLongLong();
        }
        QCOMPARE(statsTotal, statsSum);
    }
};

QTEST_MAIN(TstLoadVersions)
#include "tst_load_versions.moc"
