// BottleneckFlags rules, row building and aggregation, from real `kubectl get pod -o json` and
// metrics.k8s.io shapes.
#include "backend/kube/kube_objects.h"
#include "backend/metrics/bottleneck_flags.h"
#include "backend/metrics/metrics_history.h"
#include "backend/metrics/metrics_poller.h"
#include "backend/metrics/pod_top_model.h"
#include "backend/metrics/pod_usage.h"

#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QByteArray data(const char *name)
{
    QFile f(QStringLiteral(BC_SOURCE_DIR "/tests/backend/metrics/tst_metrics_data/") + QLatin1String(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", name);
    return f.readAll();
}

bc::Pod pod(const char *name)
{
    return bc::podFromJson(bc::parseJsonObject(data(name)).value());
}

bc::Pod podWith(std::optional<double> cpuLimit, std::optional<double> memLimit)
{
    bc::Pod p;
    p.meta.name = u"p"_s;
    bc::ContainerSpec c;
    c.name = u"server"_s;
    c.limits.cpuMillicores = cpuLimit;
    c.limits.memoryBytes = memLimit;
    c.requests.cpuMillicores = 100;
    p.containers = {c};
    bc::ContainerState state;
    state.name = u"server"_s;
    state.ready = true;
    state.state = u"running"_s;
    p.containerStates = {state};
    return p;
}

bc::PodMetrics usage(double cpu, double mem)
{
    return bc::PodMetrics{u"p"_s, u"default"_s, QDateTime::currentDateTimeUtc(), {{u"server"_s, cpu, mem}}};
}

QList<bc::BottleneckFlag::Kind> kinds(const QList<bc::BottleneckFlag> &flags)
{
    QList<bc::BottleneckFlag::Kind> k;
    for (const auto &f : flags)
        k.append(f.kind);
    return k;
}

} // namespace

class TstMetricsBottleneckFlags : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cpuThreshold_data()
    {
        QTest::addColumn<double>("cpu");
        QTest::addColumn<std::optional<double>>("limit");
        QTest::addColumn<bool>("throttled");
        QTest::newRow("idle") << 10.0 << std::optional<double>(200) << false;
        QTest::newRow("89%") << 178.0 << std::optional<double>(200) << false;
        QTest::newRow("exactly 90%") << 180.0 << std::optional<double>(200) << true;
        QTest::newRow("at limit") << 200.0 << std::optional<double>(200) << true;
        QTest::newRow("no limit") << 5000.0 << std::optional<double>() << false;
        QTest::newRow("zero limit") << 50.0 << std::optional<double>(0) << false;
    }
    void cpuThreshold()
    {
        QFETCH(double, cpu);
        QFETCH(std::optional<double>, limit);
        QFETCH(bool, throttled);
        const auto flags = bc::BottleneckFlags::evaluate(podWith(limit, std::nullopt), usage(cpu, 0));
        QCOMPARE(kinds(flags).contains(bc::BottleneckFlag::Kind::CpuThrottled), throttled);
        if (throttled)
            QVERIFY2(flags.first().text.startsWith(u"CPU at "_s), qPrintable(flags.first().text));
    }

    void memoryThreshold()
    {
        const double limit = 128.0 * 1024 * 1024;
        QVERIFY(bc::BottleneckFlags::evaluate(podWith(std::nullopt, limit), usage(1, limit * 0.89)).isEmpty());
        const auto flags = bc::BottleneckFlags::evaluate(podWith(std::nullopt, limit), usage(1, limit * 0.95));
        QCOMPARE(kinds(flags), QList{bc::BottleneckFlag::Kind::MemoryNearLimit});
        QCOMPARE(flags.first().text, u"memory at 95% of limit (server)"_s);
        QCOMPARE(flags.first().container, u"server"_s);
    }

    void noMetricsNoUsageFlags()
    {
        QVERIFY(bc::BottleneckFlags::evaluate(podWith(200, 1000), std::nullopt).isEmpty());
    }

    void podLevelWhenContainerNamesDiffer()
    {
        // metrics name a container the spec does not (sidecar injected later): the pod total still counts.
        bc::PodMetrics m = usage(195, 0);
        m.containers.first().name = u"other"_s;
        const auto flags = bc::BottleneckFlags::evaluate(podWith(200, std::nullopt), m);
        QCOMPARE(kinds(flags), QList{bc::BottleneckFlag::Kind::CpuThrottled});
        QVERIFY(flags.first().container.isEmpty());
    }

    void oomKilledFromRealPodJsonWithTime()
    {
        const bc::Pod p = pod("oomkilled_pod.json");
        const auto flags = bc::BottleneckFlags::evaluate(p, std::nullopt);
        QCOMPARE(kinds(flags), (QList{bc::BottleneckFlag::Kind::Restarted, bc::BottleneckFlag::Kind::OomKilled}));
        const bc::BottleneckFlag &oom = flags.at(1);
        QVERIFY(oom.at.has_value());
        QCOMPARE(*oom.at, QDateTime(QDate(2026, 11, 25), QTime(10, 42, 7), Qt::UTC));
        QCOMPARE(oom.text, u"OOMKilled at 2026-11-25 10:42:07 UTC (server)"_s);
        QCOMPARE(flags.at(0).text, u"2 restart(s) (server)"_s);
    }

    void rowsSharesAndAggregation()
    {
        const auto metrics = bc::parsePodMetricsList(data("saturated_metrics.json"));
        QVERIFY(metrics);
        const QList<bc::Pod> pods{pod("currency_pod.json"), pod("oomkilled_pod.json")};
        const auto rows = bc::buildPodUsage(pods, metrics.value());
        QCOMPARE(rows.size(), 2);
        const bc::PodUsage &cart = rows.at(0);
        const bc::PodUsage &currency = rows.at(1);
        QCOMPARE(cart.deployment, u"cartservice"_s);
        QCOMPARE(currency.deployment, u"currencyservice"_s);
        QVERIFY(currency.hasMetrics);
        QCOMPARE(qRound(currency.cpuMillicores), 199);
        QCOMPARE(qRound(*currency.cpuOfLimit() * 100), 100);
        QCOMPARE(qRound(*currency.cpuOfRequest() * 100), 199);
        QCOMPARE(qRound(*currency.memoryOfLimit() * 1000), 938); // 120Mi of 128Mi
        QCOMPARE(kinds(currency.flags),
                 (QList{bc::BottleneckFlag::Kind::CpuThrottled, bc::BottleneckFlag::Kind::MemoryNearLimit}));
        QCOMPARE(kinds(cart.flags), (QList{bc::BottleneckFlag::Kind::Restarted, bc::BottleneckFlag::Kind::OomKilled}));

        const auto byDeployment = bc::aggregateByDeployment(rows);
        QCOMPARE(byDeployment.size(), 2);
        QCOMPARE(byDeployment.at(1).deployment, u"currencyservice"_s);
        QCOMPARE(qRound(*byDeployment.at(1).cpuOfLimit() * 100), 100);
        QCOMPARE(byDeployment.at(0).restarts, 2);
        QCOMPARE(byDeployment.at(0).flaggedPods, 1);

        const QString table = bc::formatPodTable(rows);
        QVERIFY2(table.startsWith(u"POD"_s), qPrintable(table));
        QVERIFY2(table.contains(u"OOMKilled at 2026-11-25 10:42:07 UTC"_s), qPrintable(table));
        QVERIFY2(table.contains(u"CPU at 100% of limit (server)"_s), qPrintable(table));
    }

    void podWithoutMetricsShowsDashes()
    {
        const auto rows = bc::buildPodUsage({pod("currency_pod.json")}, {});
        QCOMPARE(rows.size(), 1);
        QVERIFY(!rows.first().hasMetrics);
        QVERIFY(!rows.first().cpuOfLimit());
        QVERIFY(rows.first().flags.isEmpty());
        bc::PodTopModel model;
        model.setRows(rows);
        QCOMPARE(model.data(model.index(0, bc::PodTopModel::CpuOfLimit)).toString(), u"-"_s);
        QCOMPARE(model.data(model.index(0, bc::PodTopModel::CpuOfLimit), bc::PodTopModel::SortRole).toDouble(), -1.0);
    }

    void modelSortRoleIsNumeric()
    {
        const auto metrics = bc::parsePodMetricsList(data("saturated_metrics.json")).value();
        bc::PodTopModel model;
        model.setRows(bc::buildPodUsage({pod("currency_pod.json"), pod("oomkilled_pod.json")}, metrics));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.columnCount(), int(bc::PodTopModel::ColumnCount));
        const int currency = model.rowOf(u"currencyservice-7d9c8-abcde"_s);
        QVERIFY(currency >= 0);
        QVERIFY(model.data(model.index(currency, 0), bc::PodTopModel::FlaggedRole).toBool());
        QCOMPARE(model.data(model.index(currency, bc::PodTopModel::Cpu)).toString(), u"199m"_s);
        QVERIFY(model.data(model.index(currency, bc::PodTopModel::Cpu), bc::PodTopModel::SortRole).toDouble() > 198);
    }

    void historyKeepsOnePointPerScrapeInARing()
    {
        bc::MetricsHistory history(3);
        bc::PodMetrics m{u"a"_s, u"default"_s, QDateTime::fromMSecsSinceEpoch(1000, Qt::UTC), {{u"c"_s, 10, 100}}};
        history.add(m);
        history.add(m); // same scrape again
        QCOMPARE(history.cpu(u"a"_s).size(), 1);
        for (int i = 2; i <= 5; ++i) {
            m.timestamp = QDateTime::fromMSecsSinceEpoch(1000 * i, Qt::UTC);
            m.containers.first().cpuMillicores = 10 * i;
            history.add(m);
        }
        const auto cpu = history.cpu(u"a"_s);
        QCOMPARE(cpu.size(), 3);
        QCOMPARE(cpu.first(), QPointF(3000, 30));
        QCOMPARE(cpu.last(), QPointF(5000, 50));
        QCOMPARE(history.memory(u"a"_s).last().y(), 100.0);
        history.forget(u"a"_s);
        QVERIFY(history.cpu(u"a"_s).isEmpty());
    }

    void metricsApiMissingOrNotReadyHasAFix()
    {
        const auto missing = bc::MetricsPoller::classify(
            bc::Error{bc::Error::Kind::Failed, u"kubectl failed"_s,
                      u"Error from server (NotFound): the server could not find the requested resource"_s});
        QCOMPARE(missing.first, bc::MetricsPoller::State::MetricsMissing);
        QVERIFY(missing.second.startsWith(u"metrics-server is not installed: "_s));
        QVERIFY(missing.second.contains(u"components.yaml"_s));
        const auto notReady = bc::MetricsPoller::classify(
            bc::Error{bc::Error::Kind::Failed, u"kubectl failed"_s,
                      u"Error from server (ServiceUnavailable): the server is currently unable to handle the request"_s});
        QCOMPARE(notReady.first, bc::MetricsPoller::State::MetricsNotReady);
        const auto other = bc::MetricsPoller::classify(bc::Error{bc::Error::Kind::Timeout, u"timed out"_s});
        QCOMPARE(other.first, bc::MetricsPoller::State::Failed);
    }
};

QTEST_GUILESS_MAIN(TstMetricsBottleneckFlags)
#include "tst_metrics_bottleneck_flags.moc"
