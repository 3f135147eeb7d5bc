// The Load test panel driving real Locust (a master and two workers) against a loopback nginx.
#include "backend/load/endpoint_stats_model.h"
#include "backend/load/load_session.h"
#include "backend/process/run_context.h"
#include "tests/backend/tst_locust_nginx.h"
#include "widgets/charts/live_chart.h"
#include "widgets/common/inline_banner.h"
#include "widgets/loadtest/load_test_panel.h"

#include <QChart>
#include <QDir>
#include <QLineEdit>
#include <QLineSeries>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
qsizetype pointsIn(bc::LiveChart *chart, int series)
{
    const auto all = chart->chart()->series();
    return series < all.size() ? qobject_cast<QLineSeries *>(all.at(series))->count() : 0;
}
// With BC_SCREENSHOT_DIR set (tests/screenshot.sh does), keep a picture of the panel as it looks.
void saveScreenshot(QWidget &widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("BC_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        widget.grab().save(QDir(dir).filePath(name));
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

    void runsLocustAndChartsWhatTheMasterReports()
    {
        bc::test::NginxTarget nginx;
        const QString why = nginx.start();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QTRY_VERIFY_WITH_TIMEOUT(nginx.isServing(), 10000);

        bc::RunContext context;
        bc::LoadTestPanel panel(&context, nullptr);
        panel.resize(1200, 800);
        panel.show();
        QTemporaryDir runs;
        panel.setRunsRoot(runs.path());
        panel.hostEdit()->setText(nginx.url());
        panel.usersBox()->setValue(10);
        panel.durationEdit()->setText(u"20s"_s);
        panel.workersBox()->setValue(2);
        QVERIFY(panel.startButton()->isEnabled());
        panel.startRun();
        QVERIFY(panel.session());
        QVERIFY(!panel.startButton()->isEnabled());

        QTRY_VERIFY_WITH_TIMEOUT(pointsIn(panel.rpsChart(), 0) >= 2, 45000);
        QTRY_VERIFY_WITH_TIMEOUT(panel.endpoints()->rowCount() >= 2, 20000); // endpoints + Aggregated
        QTRY_VERIFY_WITH_TIMEOUT(pointsIn(panel.usersChart(), 0) >= 2, 20000);
        // The chart shows what the history (the master's answers) holds.
        // The chart's points are the history's, which holds what the master answered.
        const auto hasTraffic = [&panel] {
            const auto &samples = panel.session()->history().samples();
            return std::any_of(samples.cbegin(), samples.cend(), [](const bc::LoadSample &s) { return s.rps > 0; });
        };
        QTRY_VERIFY_WITH_TIMEOUT(hasTraffic(), 30000);
        panel.rpsChart()->refreshNow();
        const auto series = qobject_cast<QLineSeries *>(panel.rpsChart()->chart()->series().first());
        const QList<QPointF> ring = panel.session()->history().rps().ordered();
        QCOMPARE(series->points(), ring);

        saveScreenshot(panel, u"loadtest-running.png"_s);
        QSignalSpy finished(panel.session(), &bc::LoadSession::finished);
        QVERIFY(finished.wait(90000));
        const auto status = finished.first().first().value<bc::Status>();
        QVERIFY2(status, qPrintable(panel.banner()->message()));
        QVERIFY(panel.startButton()->isEnabled());
        QCOMPARE(panel.runList()->count(), 1);
        const QString runDir = panel.session()->runDir();
        QVERIFY(QFile::exists(runDir + u"/report.html"_s));

        saveScreenshot(panel, u"loadtest-finished.png"_s);
        panel.runList()->setCurrentRow(0);
        panel.exportChartImages();
        for (const QString &png : {u"chart-requests.png"_s, u"chart-response-time.png"_s, u"chart-users.png"_s})
            QVERIFY2(QFileInfo(runDir + u"/"_s + png).size() > 1000, qPrintable(png));
    }
};

QTEST_MAIN(TstLoadTestPanel)
#include "tst_load_test_panel.moc"
