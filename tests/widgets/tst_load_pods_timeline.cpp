// Load and pods on one time axis (issue #15.8), in the app's own window on the real sandbox with real
// kubectl, the sandbox's metrics API and real Locust: users rise in steps while the Pods panel draws
// requests/s and p95 beside the pods' CPU on the same clock, the Load test panel adds currencyservice's
// CPU to its requests chart, the saved run keeps the pod series (pods.csv) and its HTML report holds both
// the load and the pod CPU (taken apart here, not grepped), and the Pods panel shows the saved run again.
// With BC_SCREENSHOT_DIR set it saves pods-during-load.png, loadtest-pod-cpu.png and pods-saved-run.png
// there, with the run's history.csv and pods.csv.
#include "backend/load/load_session.h"
#include "backend/load/run_store.h"
#include "backend/metrics/metrics_poller.h"
#include "backend/process/run_context.h"
#include "backend/timeline/load_timeline.h"
#include "tests/support/sandbox_demo.h"
#include "widgets/charts/live_chart.h"
#include "widgets/common/inline_banner.h"
#include "widgets/loadtest/load_test_panel.h"
#include "widgets/loadtest/pod_cpu_picker.h"
#include "widgets/main_window.h"
#include "widgets/pods/load_overlay.h"
#include "widgets/pods/pods_panel.h"

#include <QChart>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QLineSeries>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QValueAxis>
#include <QTest>
#include <QXmlStreamReader>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

template <typename P> P *panelOf(bc::MainWindow &window)
{
    for (bc::Panel *panel : window.panels())
        if (auto *p = qobject_cast<P *>(panel))
            return p;
    return nullptr;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void keep(QWidget &widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("BC_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    QVERIFY(widget.grab().save(QDir(dir).filePath(name)));
}

QList<QPointF> pointsOf(const QAbstractSeries *series)
{
    const auto *line = qobject_cast<const QLineSeries *>(series);
    return line ? line->points() : QList<QPointF>{};
}

// Points of `points` whose x lies within the x range of `reference`.
qsizetype within(const QList<QPointF> &points, const QList<QPointF> &reference)
{
    if (reference.isEmpty())
        return 0;
    const auto [lo, hi] = std::minmax_element(reference.cbegin(), reference.cend(),
        [](const QPointF &a, const QPointF &b) { return a.x() < b.x(); });
    return std::count_if(points.cbegin(), points.cend(),
        [lo = lo->x(), hi = hi->x()](const QPointF &p) { return p.x() >= lo && p.x() <= hi; });
}

// The lines of one <svg id="ID"> of the report, by their data-series, as (x, y) pixels.
QHash<QString, QList<QPointF>> svgLines(const QByteArray &html, const QString &id)
{
    const qsizetype start = html.indexOf("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"" + id.toUtf8() + '"');
    const qsizetype end = html.indexOf("</svg>", start);
    QHash<QString, QList<QPointF>> lines;
    if (start < 0 || end < 0)
        return lines;
    QXmlStreamReader xml(html.mid(start, end + 6 - start));
    static const QRegularExpression point(u"[ML](-?[\\d.]+),(-?[\\d.]+)"_s);
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement || xml.name() != u"path")
            continue;
        const QString name = xml.attributes().value(u"data-series"_s).toString();
        QList<QPointF> &out = lines[name + u'|' + xml.attributes().value(u"data-axis"_s).toString()];
        for (const QRegularExpressionMatch &m : point.globalMatch(xml.attributes().value(u"d"_s).toString()))
            out.append({m.captured(1).toDouble(), m.captured(2).toDouble()});
    }
    if (xml.hasError())
        lines.insert(u"xml error: "_s + xml.errorString(), {});
    return lines;
}

// The rows of <table id="ID">, cell texts.
QList<QStringList> tableRows(const QByteArray &html, const QString &id)
{
    const qsizetype start = html.indexOf("<table id=\"" + id.toUtf8() + '"');
    const qsizetype end = html.indexOf("</table>", start);
    QList<QStringList> rows;
    if (start < 0 || end < 0)
        return rows;
    QXmlStreamReader xml(html.mid(start, end + 8 - start));
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement() && xml.name() == u"tr")
            rows.append(QStringList{});
        else if (xml.isStartElement() && (xml.name() == u"td" || xml.name() == u"th") && !rows.isEmpty())
            rows.last().append(xml.readElementText());
    }
    return rows;
}

} // namespace

class TstLoadPodsTimeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void loadAndPodsOnOneClock()
    {
        QVERIFY2(QFile::exists(u"/usr/bin/locust"_s), "Locust is missing: install the Debian package python3-locust");
        qputenv("BC_WAIT_TIME", "0.1,0.4"); // short think times (tests only): the users load the shop at once
        bc::RunContext context;
        bc::test::SandboxDemo demo(&context);
        const QString why = demo.start(false);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        const QString shop = demo.frontendUrl();
        QVERIFY(!shop.isEmpty());

        bc::MainWindow window(&context, nullptr, &demo.session());
        window.resize(1400, 900);
        window.show();
        auto *load = panelOf<bc::LoadTestPanel>(window);
        auto *pods = panelOf<bc::PodsPanel>(window);
        QVERIFY(load && pods);
        QTemporaryDir runs;
        QVERIFY(runs.isValid());
        load->setRunsRoot(runs.path());
        pods->setRunsRoot(runs.path());
        pods->poller()->setInterval(1s);
        QTRY_COMPARE_WITH_TIMEOUT(pods->poller()->state(), bc::MetricsPoller::State::Ok, 30000);

        // The Load test panel's picker offers the deployments the poller sees; add currencyservice's CPU.
        QVERIFY(window.showPanel(bc::LoadTestPanel::describe().key));
        QComboBox *choice = load->podCpuPicker()->choice();
        QTRY_VERIFY_WITH_TIMEOUT(choice->findData(u"currencyservice"_s) >= 0, 30000);
        choice->setCurrentIndex(choice->findData(u"currencyservice"_s));
        QTest::mouseClick(load->podCpuPicker()->addButton(), Qt::LeftButton);
        QCOMPARE(load->podCpuSeries(), QStringList{u"currencyservice CPU"_s});

        // Users rise in steps, 5 to 40, while the pods are scraped every second.
        load->hostEdit()->setText(shop);
        load->usersBox()->setValue(40);
        load->workersBox()->setValue(1);
        load->rampEdit()->setText(u"5:40:7:6s"_s);
        load->durationEdit()->setText(u"40s"_s);
        QTest::mouseClick(load->startButton(), Qt::LeftButton);
        QVERIFY2(load->session(), qPrintable(load->banner()->message()));
        bc::LoadSession *session = load->session();
        QSignalSpy finished(session, &bc::LoadSession::finished);

        // The Pods panel draws the running test's requests/s on its CPU chart, on the pods' clock.
        QVERIFY(window.showPanel(bc::PodsPanel::describe().key));
        bc::LoadOverlay *overlay = pods->loadOverlay();
        const auto podLinesInRun = [&] {
            qsizetype best = 0;
            for (QAbstractSeries *s : pods->cpuChart()->series())
                if (s != overlay->rpsSeries() && s != overlay->p95Series())
                    best = std::max(best, within(pointsOf(s), pointsOf(overlay->rpsSeries())));
            return best;
        };
        QTRY_VERIFY_WITH_TIMEOUT(overlay->isShown() && overlay->rpsSeries()->count() >= 8 && podLinesInRun() >= 8, 60000);
        QCOMPARE(overlay->rpsSeries()->name(), u"requests/s"_s);
        QVERIFY(pods->cpuChart()->series().contains(overlay->rpsSeries()));
        QTRY_VERIFY_WITH_TIMEOUT(overlay->p95Series()->count() >= 3, 30000);
        // Same clock: the load's x is the wall time of its samples, as the pods' x is of their scrapes.
        const qint64 firstSampleMs = session->history().samples().first().timestampMs;
        QCOMPARE(qint64(overlay->rpsSeries()->at(0).x()), firstSampleMs);
        keep(window, u"pods-during-load.png"_s);

        // The Load test panel's requests chart: currencyservice's CPU on the right axis, over the same seconds.
        QVERIFY(window.showPanel(bc::LoadTestPanel::describe().key));
        bc::LiveChart *rps = load->rpsChart();
        QLineSeries *requests = nullptr, *cpu = nullptr;
        for (QAbstractSeries *s : rps->chart()->series()) {
            if (s->name() == u"requests/s")
                requests = qobject_cast<QLineSeries *>(s);
            if (s->name() == u"currencyservice CPU")
                cpu = qobject_cast<QLineSeries *>(s);
        }
        QVERIFY(requests && cpu);
        QVERIFY(cpu->attachedAxes().contains(static_cast<QAbstractAxis *>(rps->rightAxis())));
        QVERIFY(rps->rightAxis()->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(within(cpu->points(), requests->points()) >= 8, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(rps->rightAxis()->max() > 0, 10000);
        keep(window, u"loadtest-pod-cpu.png"_s);

        QVERIFY(finished.wait(120000));
        QVERIFY2(finished.first().first().value<bc::Status>(), qPrintable(load->banner()->message()));

        // The saved run keeps the pod series, on the load's clock.
        const QString dir = session->runDir();
        const bc::RunFolder folder(dir);
        const auto history = folder.readHistory();
        QVERIFY(history && history.value().size() >= 10);
        const auto kept = folder.readPodSamples();
        QVERIFY2(kept, qPrintable(kept ? QString() : kept.error().message));
        const qint64 runStart = history.value().first().timestampMs, runEnd = history.value().last().timestampMs;
        QSet<QString> podsKept;
        int currencyInRun = 0;
        for (const bc::PodSample &s : kept.value()) {
            podsKept.insert(s.pod);
            QVERIFY(s.timestampMs >= runStart - 15000 && s.timestampMs <= runEnd + 15000);
            if (s.deployment == u"currencyservice" && s.timestampMs >= runStart && s.timestampMs <= runEnd) {
                ++currencyInRun;
                QVERIFY(s.limits.cpuMillicores.has_value());
            }
        }
        QVERIFY2(podsKept.size() >= 8, qPrintable(QString::number(podsKept.size())));
        QVERIFY2(currencyInRun >= 10, qPrintable(QString::number(currencyInRun)));
        const bc::LoadTimeline timeline(history.value(), kept.value());
        const QList<bc::LoadTimeline::Peak> peaks = timeline.peaks();
        QVERIFY(!peaks.isEmpty());

        // Its HTML report: the load and the pod CPU on one chart, and each pod's busiest moment with the load.
        const QByteArray report = readFile(folder.path(u"report.html"_s));
        const QHash<QString, QList<QPointF>> lines = svgLines(report, u"load-and-pods"_s);
        const QList<QPointF> rpsLine = lines.value(u"requests/s|left"_s);
        QVERIFY2(rpsLine.size() == history.value().size(), qPrintable(QStringList(lines.keys()).join(u", "_s)));
        QString currencyPod;
        for (auto it = lines.cbegin(); it != lines.cend(); ++it)
            if (it.key().startsWith(u"currencyservice-"_s) && it.key().endsWith(u"|right"_s))
                currencyPod = it.key();
        QVERIFY2(!currencyPod.isEmpty(), qPrintable(QStringList(lines.keys()).join(u", "_s)));
        QVERIFY(within(lines.value(currencyPod), rpsLine) >= 10);
        const QList<QStringList> peakRows = tableRows(report, u"pod-peaks"_s);
        QCOMPARE(peakRows.size(), peaks.size() + 1);
        QCOMPARE(peakRows.at(1).value(0), peaks.first().pod);
        const bc::LoadTimeline::Peak *currency = nullptr;
        for (const bc::LoadTimeline::Peak &p : peaks)
            if (p.deployment == u"currencyservice")
                currency = &p;
        QVERIFY(currency && currency->loadThen);
        qInfo().noquote() << u"busiest pod %1 at %2 % of its CPU limit; currencyservice peak %3 m of %4 m at %5 users, "
                             "%6 req/s, p95 %7 ms; %8 load samples, %9 pod samples"_s
                                 .arg(peaks.first().pod)
                                 .arg(100 * peaks.first().peakOfLimit.value_or(0), 0, 'f', 0)
                                 .arg(currency->peakCpu, 0, 'f', 0)
                                 .arg(currency->cpuLimit.value_or(0), 0, 'f', 0)
                                 .arg(currency->loadThen->userCount)
                                 .arg(currency->loadThen->rps, 0, 'f', 1)
                                 .arg(currency->loadThen->currentP95Ms, 0, 'f', 0)
                                 .arg(history.value().size())
                                 .arg(kept.value().size());

        // The Pods panel lists the saved run and shows it: its load and the pods it kept, on one clock.
        QVERIFY(window.showPanel(bc::PodsPanel::describe().key));
        QTRY_VERIFY_WITH_TIMEOUT(pods->loadChoice()->findData(dir) >= 0, 5000);
        const bc::Status shown = pods->showSavedRun(dir);
        QVERIFY2(shown, qPrintable(shown ? QString() : shown.error().message));
        QCOMPARE(overlay->rpsSeries()->count(), history.value().size());
        QCOMPARE(qint64(overlay->rpsSeries()->at(0).x()), runStart);
        QCOMPARE(pods->chartedPods(), timeline.busiest(3));
        for (QAbstractSeries *s : pods->cpuChart()->series()) {
            if (s == overlay->rpsSeries() || s == overlay->p95Series())
                continue;
            const QList<QPointF> drawn = pointsOf(s);
            QCOMPARE(drawn, timeline.cpu(s->name())); // the kept series, all of it inside the run's window
        }
        keep(window, u"pods-saved-run.png"_s);
        if (const QString out = qEnvironmentVariable("BC_SCREENSHOT_DIR"); !out.isEmpty()) {
            QFile::remove(out + u"/history.csv"_s);
            QFile::remove(out + u"/pods.csv"_s);
            QVERIFY(QFile::copy(folder.path(u"history.csv"_s), out + u"/history.csv"_s));
            QVERIFY(QFile::copy(folder.path(u"pods.csv"_s), out + u"/pods.csv"_s));
        }
        // Back to the live pods: the last run followed stays beside them.
        pods->showLive();
        QCOMPARE(overlay->rpsSeries()->count(), session->history().samples().size());
    }
};

QTEST_MAIN(TstLoadPodsTimeline)
#include "tst_load_pods_timeline.moc"
