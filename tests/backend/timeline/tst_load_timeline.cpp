// LoadTimeline joins a load run's samples with the pods' metrics on one wall clock. The recorded data
// (tst_load_timeline_data/) is a real run: Locust's users rising 5 to 40 against the sandbox's shop while
// its metrics API was scraped every second (history.csv and pods.csv of that run folder, as saved by
// tst_load_pods_timeline). Also: pods.csv itself, and the report's "Load and pods" section taken apart.
#include "backend/load/load_report.h"
#include "backend/load/run_store.h"
#include "backend/timeline/load_timeline.h"
#include "backend/timeline/pod_sample.h"
#include "backend/timeline/timeline_report.h"

#include <QFile>
#include <QHash>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

QByteArray data(const QString &name)
{
    QFile f(QStringLiteral(BC_SOURCE_DIR "/tests/backend/timeline/tst_load_timeline_data/") + name);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

struct Recorded
{
    QList<bc::LoadSample> load;
    QList<bc::PodSample> pods;
};

Recorded recorded()
{
    Recorded r;
    auto load = bc::LoadHistory::parseCsv(data(u"history.csv"_s));
    auto pods = bc::pod_csv::parse(data(u"pods.csv"_s));
    if (load)
        r.load = load.value();
    if (pods)
        r.pods = pods.value();
    return r;
}

// The newest sample of `pod` at or before `ms`, no older than the timeline's limit: by scanning everything.
std::optional<bc::PodSample> scan(const QList<bc::PodSample> &all, const QString &pod, qint64 ms)
{
    std::optional<bc::PodSample> best;
    for (const bc::PodSample &s : all)
        if (s.pod == pod && s.timestampMs <= ms && ms - s.timestampMs <= bc::LoadTimeline::kMaxAgeMs
            && (!best || s.timestampMs > best->timestampMs))
            best = s;
    return best;
}

QString podOf(const QList<bc::PodSample> &all, const QString &deployment)
{
    for (const bc::PodSample &s : all)
        if (s.deployment == deployment)
            return s.pod;
    return {};
}

} // namespace

class TstLoadTimeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void podCsvRoundTrip()
    {
        bc::PodSample a{1764780000123, u"currencyservice-7d9c-x1"_s, u"currencyservice"_s, 198.5, 41943040, {}, {}};
        a.requests.cpuMillicores = 100;
        a.limits.cpuMillicores = 200;
        a.limits.memoryBytes = 134217728;
        const bc::PodSample b{1764780001123, u"redis-cart-0"_s, u"redis-cart"_s, 3, 1048576, {}, {}}; // no requests
        const QByteArray csv = bc::pod_csv::header() + bc::pod_csv::row(a) + bc::pod_csv::row(b);
        const auto back = bc::pod_csv::parse(csv);
        QVERIFY(back);
        QCOMPARE(back.value(), (QList<bc::PodSample>{a, b}));
        QCOMPARE(a.cpuOfLimit().value(), 198.5 / 200);
        QVERIFY(!b.cpuOfLimit());
        // A torn last line (the app stopped mid-write) is dropped; a damaged line before it is an error.
        const auto torn = bc::pod_csv::parse(csv + "1764780002123,redis-cart-0,redis");
        QVERIFY(torn);
        QCOMPARE(torn.value().size(), 2);
        const auto damaged = bc::pod_csv::parse(bc::pod_csv::header() + "12,x,y,NaN?,1,,,,\n" + bc::pod_csv::row(b));
        QVERIFY(!damaged);
        QVERIFY(damaged.error().message.contains(u"line 2"_s));
        QVERIFY(!bc::pod_csv::parse("timestamp,pod\n1,x\n"));
        // A separator in a name cannot shift the columns.
        bc::PodSample odd = b;
        odd.deployment = u"a,b\"c"_s;
        const auto oddBack = bc::pod_csv::parse(bc::pod_csv::header() + bc::pod_csv::row(odd));
        QVERIFY(oddBack);
        QCOMPARE(oddBack.value().first().deployment, u"a_b_c"_s);
    }

    void joinsTheRecordedRun()
    {
        const Recorded r = recorded();
        QVERIFY(r.load.size() >= 10 && r.pods.size() >= 100);
        const bc::LoadTimeline timeline(r.load, r.pods);
        const QString currency = podOf(r.pods, u"currencyservice"_s);
        const QString frontend = podOf(r.pods, u"frontend"_s);
        QVERIFY(!currency.isEmpty() && !frontend.isEmpty());
        const QList<bc::LoadTimeline::Row> rows = timeline.join({currency, frontend});
        QCOMPARE(rows.size(), r.load.size());
        int joined = 0;
        for (const bc::LoadTimeline::Row &row : rows) {
            QCOMPARE(row.cpu.size(), 2);
            for (int i = 0; i < 2; ++i) {
                const auto expected = scan(r.pods, i == 0 ? currency : frontend, row.load.timestampMs);
                QCOMPARE(row.cpu[i].has_value(), expected.has_value());
                if (expected)
                    QCOMPARE(*row.cpu[i], expected->cpuMillicores);
            }
            joined += row.cpu[0] ? 1 : 0;
        }
        // Scraped every second while the run went on: every load sample has currencyservice's CPU then.
        QCOMPARE(joined, rows.size());
        // Out of the run's reach there is nothing to join.
        QVERIFY(!timeline.podAt(currency, r.load.first().timestampMs - 3600000));
        QVERIFY(!timeline.podAt(u"no-such-pod"_s, r.load.last().timestampMs));
    }

    void busiestMomentOfEachPod()
    {
        const Recorded r = recorded();
        const bc::LoadTimeline timeline(r.load, r.pods);
        const QList<bc::LoadTimeline::Peak> peaks = timeline.peaks();
        QCOMPARE(peaks.size(), timeline.pods().size());
        for (qsizetype i = 1; i < peaks.size(); ++i)
            QVERIFY(peaks[i - 1].peakOfLimit.value_or(-1) >= peaks[i].peakOfLimit.value_or(-1));
        // The highest share of its CPU limit in the whole file, by scanning it.
        QHash<QString, double> highest;
        for (const bc::PodSample &s : r.pods)
            highest[s.pod] = std::max(highest.value(s.pod, -1), s.cpuOfLimit().value_or(0));
        for (const bc::LoadTimeline::Peak &p : peaks)
            QCOMPARE(p.peakOfLimit.value_or(0), highest.value(p.pod));
        // The lab's bottleneck: as users rise, currencyservice is the pod at its CPU limit.
        const bc::LoadTimeline::Peak &top = peaks.first();
        QCOMPARE(top.deployment, u"currencyservice"_s);
        QVERIFY2(top.peakOfLimit.value_or(0) >= 0.9, qPrintable(QString::number(top.peakOfLimit.value_or(0))));
        QVERIFY(top.loadThen);
        QVERIFY(std::llabs(top.loadThen->timestampMs - top.atMs) <= bc::LoadTimeline::kMaxAgeMs);
        QVERIFY(top.loadThen->userCount > r.load.first().userCount); // after users rose
        QCOMPARE(timeline.busiest(2), (QStringList{peaks[0].pod, peaks[1].pod}));
    }

    void deploymentsAndElapsedSeconds()
    {
        const Recorded r = recorded();
        const bc::LoadTimeline timeline(r.load, r.pods);
        const QString currency = podOf(r.pods, u"currencyservice"_s);
        QCOMPARE(timeline.podsOf(u"currencyservice"_s), QStringList{currency});
        QCOMPARE(timeline.deploymentCpu(u"currencyservice"_s), timeline.cpu(currency)); // one replica
        // Two pods of one deployment add up, each as of its own last scrape.
        bc::PodSample a{1000, u"web-a"_s, u"web"_s, 100, 0, {}, {}}, b{1500, u"web-b"_s, u"web"_s, 40, 0, {}, {}};
        bc::PodSample a2 = a;
        a2.timestampMs = 2000;
        a2.cpuMillicores = 120;
        const bc::LoadTimeline two({}, {a2, b, a}); // any order in
        QCOMPARE(two.deploymentCpu(u"web"_s), (QList<QPointF>{{1000, 100}, {1500, 140}, {2000, 160}}));
        QCOMPARE(two.cpu(u"web-a"_s), (QList<QPointF>{{1000, 100}, {2000, 120}}));
        QCOMPARE(two.span(), (std::pair<qint64, qint64>{1000, 2000}));
        QCOMPARE(two.originMs(), qint64(-1));
        // The run's clock: elapsed 0 s is the first sample's time minus its elapsed seconds.
        const qint64 origin = timeline.originMs();
        QCOMPARE(origin, r.load.first().timestampMs - qint64(std::llround(r.load.first().elapsedS * 1000)));
        const QList<QPointF> rps = bc::LoadTimeline::elapsed(timeline.rps(), origin);
        QCOMPARE(rps.size(), r.load.size());
        for (qsizetype i = 0; i < rps.size(); ++i)
            QVERIFY(std::abs(rps[i].x() - r.load[i].elapsedS) < 0.002);
    }

    void reportSectionHoldsBoth()
    {
        const Recorded r = recorded();
        const bc::LoadTimeline timeline(r.load, r.pods);
        const QString html = bc::renderPodsSection(timeline, 3);
        const qsizetype start = html.indexOf(u"<svg"_s), end = html.indexOf(u"</svg>"_s);
        QVERIFY(start >= 0 && end > start);
        QXmlStreamReader xml(html.mid(start, end + 6 - start));
        QHash<QString, int> points;
        QStringList right;
        static const QRegularExpression point(u"[ML]-?[\\d.]+,-?[\\d.]+"_s);
        while (!xml.atEnd()) {
            if (xml.readNext() == QXmlStreamReader::StartElement && xml.name() == u"path") {
                const QString name = xml.attributes().value(u"data-series"_s).toString();
                int n = 0;
                for (auto it = point.globalMatch(xml.attributes().value(u"d"_s).toString()); it.hasNext(); it.next())
                    ++n;
                points[name] = n;
                if (xml.attributes().value(u"data-axis"_s) == u"right")
                    right.append(name);
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QCOMPARE(points.value(u"requests/s"_s), int(r.load.size()));
        QCOMPARE(right, timeline.busiest(3));
        for (const QString &pod : right)
            QCOMPARE(points.value(pod), int(timeline.cpu(pod).size()));
        QVERIFY(html.contains(u"<table id=\"pod-peaks\">"_s));
        QVERIFY(bc::renderPodsSection(bc::LoadTimeline(r.load, {})).isEmpty()); // no pods, no section
    }

    void runFolderKeepsThePodSeries()
    {
        const Recorded r = recorded();
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        bc::RunFolder folder(dir.path());
        QVERIFY(!folder.readPodSamples());
        QCOMPARE(folder.readPodSamples().error().kind, bc::Error::Kind::NotFound);
        // Appended in two polls' worth, read back whole.
        const qsizetype half = r.pods.size() / 2;
        QVERIFY(folder.appendPodSamples(r.pods.mid(0, half)));
        QVERIFY(folder.appendPodSamples(r.pods.mid(half)));
        const auto back = folder.readPodSamples();
        QVERIFY(back);
        QCOMPARE(back.value(), r.pods);
        bc::LoadRunSettings settings;
        settings.host = u"http://127.0.0.1:1"_s;
        QVERIFY(folder.writeOutputs(settings, r.load, std::nullopt, true));
        QFile report(folder.path(u"report.html"_s));
        QVERIFY(report.open(QIODevice::ReadOnly));
        const QByteArray html = report.readAll();
        QVERIFY(html.contains("id=\"load-and-pods\""));
        QVERIFY(html.contains("data-series=\"" + podOf(r.pods, u"currencyservice"_s).toUtf8() + "\" data-axis=\"right\""));
    }
};

QTEST_GUILESS_MAIN(TstLoadTimeline)
#include "tst_load_timeline.moc"
