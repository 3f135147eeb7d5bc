// The Pods panel on the real sandbox: a deployed demo shows up in the table with usage and shares, the
// charts get points for the busiest pods, a saturated pod is flagged and sorts first, then is flagged
// OOMKilled with the time it happened. Saves
// pods-panel.png into BC_SCREENSHOT_DIR when set.
#include "backend/canary/split_verifier.h"
#include "backend/metrics/metrics_poller.h"
#include "backend/metrics/pod_top_model.h"
#include "backend/process/command_log.h"
#include "backend/process/run_context.h"
#include "tests/support/sandbox_demo.h"
#include "widgets/common/inline_banner.h"
#include "widgets/pods/pods_panel.h"

#include <QAbstractItemModel>
#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QPointF>
#include <QDateTime>
#include <QRegularExpression>
#include <QTableView>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

class TstPodsPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void showsPodsWithUsageAndCharts()
    {
        bc::RunContext context;
        bc::test::SandboxDemo demo(&context);
        const QString why = demo.start();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        bc::ClusterSession &session = demo.session();

        QStringList console;
        connect(context.log(), &bc::CommandLog::commandOutput, this,
                [&console](quint64, const QString &line, bool) { console.append(line); });
        bc::PodsPanel panel(&context, &session);
        panel.resize(1200, 800);
        panel.show();
        QVERIFY(panel.poller());
        panel.poller()->setInterval(500ms);
        QTRY_COMPARE_WITH_TIMEOUT(panel.poller()->state(), bc::MetricsPoller::State::Ok, 30000);
        // Each poll's answer is for the table and charts; the console says it was read, once per poll.
        QVERIFY(console.contains(u"(output not shown: the Pods panel reads the metrics answer)"_s));
        QVERIFY2(!console.join(u'\n').contains(u"PodMetricsList"_s), "the console printed a metrics answer");
        QTRY_VERIFY_WITH_TIMEOUT(panel.model()->rowCount() >= 8, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(panel.model()->rows().first().hasMetrics, 30000);
        QVERIFY(!panel.banner()->isVisible());
        // The table is sorted by CPU % of limit, busiest first.
        QAbstractItemModel *view = panel.table()->model();
        const double first = view->index(0, bc::PodTopModel::CpuOfLimit).data(bc::PodTopModel::SortRole).toDouble();
        const double last = view->index(view->rowCount() - 1, bc::PodTopModel::CpuOfLimit)
                                .data(bc::PodTopModel::SortRole)
                                .toDouble();
        QVERIFY(first >= last);
        QCOMPARE(panel.chartedPods().size(), 3);
        // Two scrapes later the CPU chart has lines with points.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                auto *chart = panel.findChild<QChartView *>(u"podsCpuChart"_s)->chart();
                if (chart->series().size() != 3)
                    return false;
                return static_cast<QLineSeries *>(chart->series().first())->count() >= 2;
            }(),
            30000);
        // Issue #20.3: history goes on while the panel is hidden (another panel shown), without a gap.
        const QString pod = panel.chartedPods().first();
        panel.hide();
        QVERIFY(panel.poller()->isRunning());
        const qsizetype before = panel.poller()->history().sampleCount(pod);
        QTRY_VERIFY_WITH_TIMEOUT(panel.poller()->history().sampleCount(pod) >= before + 3, 30000);
        panel.show();
        // The charts also offer each pod's share of its limit and of its request, in percent. Each switch
        // redraws from the history at once, so the three readings below see the same samples.
        const auto lastOf = [&panel] {
            auto *series = static_cast<QLineSeries *>(panel.cpuChart()->series().value(0));
            return series && series->count() > 0 ? series->at(series->count() - 1) : QPointF(-1, -1);
        };
        const QString shown = panel.chartedPods().first(); // the busiest three are chosen again at each poll
        std::optional<bc::ResourceAmounts> limits, requests;
        for (const bc::PodUsage &row : panel.model()->rows())
            if (row.pod == shown) {
                limits = row.limits;
                requests = row.requests;
            }
        QVERIFY(limits && limits->cpuMillicores && requests && requests->cpuMillicores);
        QCOMPARE(panel.chartScale(), bc::PodsPanel::ChartScale::Absolute);
        panel.setChartScale(bc::PodsPanel::ChartScale::Absolute);
        const QPointF absolute = lastOf();
        panel.setChartScale(bc::PodsPanel::ChartScale::OfLimit);
        const QPointF ofLimit = lastOf();
        panel.setChartScale(bc::PodsPanel::ChartScale::OfRequest);
        const QPointF ofRequest = lastOf();
        QVERIFY(absolute.y() >= 0);
        QCOMPARE(ofLimit.x(), absolute.x());
        QCOMPARE(ofLimit.y(), 100.0 * absolute.y() / *limits->cpuMillicores);
        QCOMPARE(ofRequest.y(), 100.0 * absolute.y() / *requests->cpuMillicores);
        panel.setChartScale(bc::PodsPanel::ChartScale::Absolute);

        // Choosing rows charts them.
        panel.table()->selectRow(view->rowCount() - 1);
        QCOMPARE(panel.chartedPods(),
                 QStringList{view->index(view->rowCount() - 1, bc::PodTopModel::Pod).data().toString()});

        // A ramp of home pages (currency converts every price) saturates currencyservice: the panel flags
        // it and, sorted by CPU % of limit, shows it first.
        auto url = bc::SplitVerifier::productUrl(demo.frontendUrl());
        QVERIFY(url);
        QUrl home = url.value();
        home.setPath(u"/"_s);
        bc::SplitVerifier load;
        QVERIFY(load.start(home, 100000, 32));
        QTRY_VERIFY_WITH_TIMEOUT(view->index(0, bc::PodTopModel::Flags).data().toString().contains(u"CPU at "_s),
                                 60000);
        // Its queue keeps growing, and with it the memory its waiting calls hold, until the OOM
        // killer ends it: the panel flags the restart with the time it happened.
        const auto oomFlagOf = [&](const QString &deployment) {
            for (int row = 0; row < view->rowCount(); ++row)
                if (view->index(row, bc::PodTopModel::Deployment).data().toString() == deployment) {
                    const QString flags = view->index(row, bc::PodTopModel::Flags).data().toString();
                    if (flags.contains(u"OOMKilled at "_s))
                        return flags;
                }
            return QString();
        };
        QTRY_VERIFY_WITH_TIMEOUT(!oomFlagOf(u"currencyservice"_s).isEmpty(), 60000);
        const QString oom = oomFlagOf(u"currencyservice"_s);
        const auto when = QRegularExpression(u"OOMKilled at (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d) UTC"_s).match(oom);
        QVERIFY2(when.hasMatch(), qPrintable(oom));
        QDateTime killedAt = QDateTime::fromString(when.captured(1), u"yyyy-MM-dd HH:mm:ss"_s);
        killedAt.setTimeSpec(Qt::UTC);
        QVERIFY2(qAbs(killedAt.secsTo(QDateTime::currentDateTimeUtc())) < 180, qPrintable(oom));
        load.cancel();
        QVERIFY2(view->index(0, bc::PodTopModel::Deployment).data().toString() == u"currencyservice"_s
                     || view->index(0, bc::PodTopModel::Deployment).data().toString() == u"frontend"_s,
                 qPrintable(view->index(0, bc::PodTopModel::Pod).data().toString()));
        QVERIFY(view->index(0, 0).data(bc::PodTopModel::FlaggedRole).toBool());

        if (const QByteArray out = qgetenv("BC_SCREENSHOT_DIR"); !out.isEmpty()) {
            panel.table()->clearSelection();
            QTest::qWait(0);
            QTRY_VERIFY_WITH_TIMEOUT(static_cast<QLineSeries *>(panel.findChild<QChartView *>(u"podsCpuChart"_s)
                                                                     ->chart()->series().value(0))
                                         && static_cast<QLineSeries *>(
                                                panel.findChild<QChartView *>(u"podsCpuChart"_s)->chart()->series().value(0))
                                                    ->count() >= 4,
                                     30000);
            QVERIFY(panel.grab().save(QString::fromLocal8Bit(out) + u"/pods-panel.png"_s));
        }
    }
};

QTEST_MAIN(TstPodsPanel)
#include "tst_pods_panel.moc"
