// Issue 20 points 7 and 14: saved runs in the Load test panel. "Show this run" draws one saved run alone
// on the charts; "Save chart images" writes the PNGs into the folder of the run the charts show, not the
// one selected in the list (before, a live chart could land in any selected run); "Compare on charts"
// draws the selected run's own samples beside the shown one. The runs are folders as RunFolder writes
// them at the end of a real run (settings.json + history.csv).

#include "backend/load/load_history.h"
#include "backend/load/run_store.h"
#include "backend/process/run_context.h"
#include "widgets/charts/live_chart.h"
#include "widgets/common/inline_banner.h"
#include "widgets/loadtest/load_test_panel.h"

#include <QApplication>
#include <QChart>
#include <QDir>
#include <QImage>
#include <QLabel>
#include <QLineSeries>
#include <QListWidget>
#include <QPushButton>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

QString makeRun(const QString &root, const QString &id, double rps, int users)
{
    bc::RunFolder folder(QDir(root).filePath(id));
    if (!folder.create())
        return {};
    bc::LoadRunSettings settings;
    settings.host = u"http://127.0.0.1:8080"_s;
    settings.users = users;
    settings.startedAt = QDateTime::currentDateTimeUtc().addSecs(-60);
    settings.finishedAt = settings.startedAt.addSecs(20);
    settings.outcome = u"completed"_s;
    if (!folder.writeSettings(settings))
        return {};
    for (int i = 0; i < 10; ++i) {
        bc::LoadSample s;
        s.elapsedS = 2.0 * i;
        s.timestampMs = settings.startedAt.toMSecsSinceEpoch() + 2000 * i;
        s.state = bc::LocustState::Running;
        s.userCount = users;
        s.targetUsers = users;
        s.rps = rps;
        s.currentP50Ms = 10;
        s.currentP95Ms = rps / 10;
        s.totalRequests = qint64(rps * 2 * (i + 1));
        if (!folder.appendSample(s))
            return {};
    }
    return folder.dir();
}

QPushButton *button(QWidget *panel, const QString &objectName)
{
    return panel->findChild<QPushButton *>(objectName);
}

QPushButton *buttonWithText(QWidget *panel, const QString &text)
{
    for (QPushButton *b : panel->findChildren<QPushButton *>())
        if (b->text() == text)
            return b;
    return nullptr;
}

QLineSeries *series(bc::LiveChart *chart, const QString &name)
{
    for (QAbstractSeries *s : chart->chart()->series())
        if (s->name() == name)
            return qobject_cast<QLineSeries *>(s);
    return nullptr;
}

// The y values of a series, one per distinct value.
QSet<double> yValues(QLineSeries *line)
{
    QSet<double> out;
    for (const QPointF &p : line->points())
        out.insert(p.y());
    return out;
}

void select(QListWidget *runs, const QString &dir)
{
    for (int i = 0; i < runs->count(); ++i)
        if (runs->item(i)->data(Qt::UserRole).toString() == dir)
            runs->setCurrentRow(i);
}

QStringList pngsIn(const QString &dir)
{
    return QDir(dir).entryList({u"*.png"_s}, QDir::Files, QDir::Name);
}

} // namespace

class TestLoadTestPanelRuns : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void chartImagesGoToTheRunTheChartsShow()
    {
        QTemporaryDir root;
        QVERIFY(root.isValid());
        const QString a = makeRun(root.path(), u"20261201-100000"_s, 12, 5);
        const QString b = makeRun(root.path(), u"20261201-110000"_s, 480, 50);
        QVERIFY(!a.isEmpty() && !b.isEmpty());
        bc::RunContext context;
        bc::LoadTestPanel panel(&context, nullptr);
        panel.resize(1280, 800);
        panel.show();
        panel.setRunsRoot(root.path());
        QCOMPARE(panel.runList()->count(), 2);
        auto *source = panel.findChild<QLabel *>(u"chartsSource"_s);
        QVERIFY(source);
        QCOMPARE(source->text(), u"Charts show the live run (none yet)."_s);

        // Nothing shown yet: nothing saved, even with a run selected.
        select(panel.runList(), b);
        buttonWithText(&panel, u"Save chart images"_s)->click();
        QVERIFY2(panel.banner()->message().contains(u"The charts show no saved run"_s), qPrintable(panel.banner()->message()));
        QVERIFY(pngsIn(a).isEmpty() && pngsIn(b).isEmpty());

        // Run A alone on the charts, run B selected: the images are A's, in A's folder.
        select(panel.runList(), a);
        button(&panel, u"showRun"_s)->click();
        QCOMPARE(panel.shownRunDir(), a);
        QCOMPARE(source->text(), u"Charts show the saved run 20261201-100000."_s);
        QLineSeries *rps = series(panel.rpsChart(), u"requests/s"_s);
        QVERIFY(rps);
        QTRY_COMPARE(yValues(rps), QSet<double> {12.0});
        QCOMPARE(yValues(series(panel.usersChart(), u"users"_s)), QSet<double> {5.0});
        select(panel.runList(), b);
        buttonWithText(&panel, u"Save chart images"_s)->click();
        QCOMPARE(pngsIn(a), (QStringList {u"chart-endpoints.png"_s, u"chart-requests.png"_s,
                                u"chart-response-time.png"_s, u"chart-users.png"_s}));
        QVERIFY2(pngsIn(b).isEmpty(), qPrintable(pngsIn(b).join(u", "_s)));
        QVERIFY2(panel.banner()->message().contains(a), qPrintable(panel.banner()->message()));
        const QImage image(QDir(a).filePath(u"chart-requests.png"_s));
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), panel.rpsChart()->size() * panel.rpsChart()->devicePixelRatio());

        // B shown now: its images go to B, A's stay as they were.
        const QDateTime aWritten = QFileInfo(QDir(a).filePath(u"chart-requests.png"_s)).lastModified();
        button(&panel, u"showRun"_s)->click();
        QTRY_COMPARE(yValues(series(panel.rpsChart(), u"requests/s"_s)), QSet<double> {480.0});
        buttonWithText(&panel, u"Save chart images"_s)->click();
        QCOMPARE(pngsIn(b).size(), 4);
        QCOMPARE(QFileInfo(QDir(a).filePath(u"chart-requests.png"_s)).lastModified(), aWritten);
        if (const QByteArray out = qgetenv("BC_SCREENSHOT_DIR"); !out.isEmpty()) {
            if (auto *tabs = panel.runList()->parentWidget()->parentWidget()->parentWidget())
                if (auto *tabWidget = qobject_cast<QTabWidget *>(tabs))
                    tabWidget->setCurrentIndex(tabWidget->count() - 1);
            QVERIFY(panel.grab().save(QString::fromLocal8Bit(out) + u"/loadtest-saved-run.png"_s));
        }

        // Back to the live run: there is none, so nothing to save and the charts are empty.
        button(&panel, u"showLive"_s)->click();
        QVERIFY(panel.shownRunDir().isEmpty());
        QTRY_VERIFY(series(panel.rpsChart(), u"requests/s"_s)->points().isEmpty());
    }

    // Point 14: "Compare on charts" draws the selected run's own samples as a dashed line beside the
    // run shown; comparing another run replaces them.
    void compareDrawsTheSelectedRun()
    {
        QTemporaryDir root;
        QVERIFY(root.isValid());
        const QString a = makeRun(root.path(), u"20261202-100000"_s, 30, 5);
        const QString b = makeRun(root.path(), u"20261202-110000"_s, 300, 50);
        const QString c = makeRun(root.path(), u"20261202-120000"_s, 900, 90);
        bc::RunContext context;
        bc::LoadTestPanel panel(&context, nullptr);
        panel.resize(1280, 800);
        panel.show();
        panel.setRunsRoot(root.path());
        select(panel.runList(), a);
        button(&panel, u"showRun"_s)->click();
        select(panel.runList(), b);
        buttonWithText(&panel, u"Compare on charts"_s)->click();
        QLineSeries *compared = series(panel.rpsChart(), u"compared run req/s"_s);
        QVERIFY(compared);
        QCOMPARE(compared->pen().style(), Qt::DashLine);
        QTRY_COMPARE(yValues(compared), QSet<double> {300.0});
        QCOMPARE(compared->points().size(), 10);
        QCOMPARE(yValues(series(panel.rpsChart(), u"requests/s"_s)), QSet<double> {30.0});
        QCOMPARE(yValues(series(panel.latencyChart(), u"compared run p95"_s)), QSet<double> {30.0}); // 300/10

        select(panel.runList(), c);
        buttonWithText(&panel, u"Compare on charts"_s)->click();
        QTRY_COMPARE(yValues(series(panel.rpsChart(), u"compared run req/s"_s)), QSet<double> {900.0});
        QCOMPARE(panel.rpsChart()->seriesCount(), 3); // requests/s, failures/s, one compared line
    }
};

QTEST_MAIN(TestLoadTestPanelRuns)
#include "tst_load_test_panel_runs.moc"
