// Metrics history while connected (issue 20.3): 500 pods polled every 2 s for 2 hours go through the real
// metrics.k8s.io parser into MetricsHistory, and the heap it holds is measured (glibc mallinfo2, so the
// figure is the history's, not the process's). Baseline in the same run: the same 500 pods for 1 minute.
// One line per figure, the ratio last; bench/metrics-history runs it.
#include "backend/kube/kube_objects.h"
#include "backend/metrics/metrics_history.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

#include <malloc.h>

using namespace Qt::StringLiterals;

namespace {

constexpr int kPods = 500;
constexpr int kIntervalSeconds = 2;

QByteArray metricsList(int poll, const QDateTime &start)
{
    const QString when = start.addSecs(qint64(poll) * kIntervalSeconds).toString(Qt::ISODate);
    QJsonArray items;
    for (int p = 0; p < kPods; ++p) {
        const QJsonObject usage {{u"cpu"_s, u"%1m"_s.arg(5 + (p * 7 + poll) % 200)},
            {u"memory"_s, u"%1Ki"_s.arg(20000 + (p * 13 + poll) % 5000)}};
        items.append(QJsonObject {
            {u"metadata"_s, QJsonObject {{u"name"_s, u"svc-%1-7d9c8b5f4-x%2"_s.arg(p % 12).arg(p)},
                                {u"namespace"_s, u"default"_s}}},
            {u"timestamp"_s, when},
            {u"window"_s, u"10s"_s},
            {u"containers"_s, QJsonArray {QJsonObject {{u"name"_s, u"server"_s}, {u"usage"_s, usage}}}},
        });
    }
    return QJsonDocument(QJsonObject {{u"kind"_s, u"PodMetricsList"_s}, {u"items"_s, items}}).toJson();
}

size_t heapInUse()
{
    malloc_trim(0);
    const struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

// Heap held by a history of `polls` answers for kPods pods, and the samples it keeps.
std::pair<double, qsizetype> historyBytes(int polls)
{
    const QDateTime start = QDateTime::currentDateTimeUtc();
    const size_t before = heapInUse();
    auto history = std::make_unique<bc::MetricsHistory>();
    for (int poll = 0; poll < polls; ++poll) {
        auto parsed = bc::parsePodMetricsList(metricsList(poll, start));
        if (!parsed) {
            QTextStream(stderr) << "bench_metrics_history: " << parsed.error().message << '\n';
            std::exit(1);
        }
        history->add(parsed.value());
    }
    const size_t after = heapInUse();
    qsizetype samples = 0;
    for (const QString &pod : history->pods())
        samples += history->sampleCount(pod);
    if (history->pods().size() != kPods || samples != qsizetype(kPods) * qMin<qsizetype>(polls, history->capacity())) {
        QTextStream(stderr) << "bench_metrics_history: the history kept " << samples << " samples of "
                            << history->pods().size() << " pods\n";
        std::exit(1);
    }
    return {double(after > before ? after - before : 0), samples};
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const int twoHours = 2 * 3600 / kIntervalSeconds;
    const int oneMinute = 60 / kIntervalSeconds;
    const auto [baseline, baselineSamples] = historyBytes(oneMinute);
    const auto [full, fullSamples] = historyBytes(twoHours);
    // One poll past the capacity: the rings wrap, so the history holds still.
    const auto [wrapped, wrappedSamples] = historyBytes(twoHours + 600);
    const auto mb = [](double bytes) { return QString::number(bytes / (1024.0 * 1024.0), 'f', 1); };
    out << "pods: " << kPods << ", one poll every " << kIntervalSeconds << " s\n";
    out << "history, 1 min (baseline): " << mb(baseline) << " MB, " << baselineSamples << " samples\n";
    out << "history, 2 h: " << mb(full) << " MB, " << fullSamples << " samples, "
        << QString::number(full / double(fullSamples), 'f', 1) << " bytes per sample\n";
    out << "history, 2 h 20 min (rings wrapped): " << mb(wrapped) << " MB\n";
    out << "wrapped / 2 h: " << QString::number(wrapped / full, 'f', 2) << '\n';
    out << "ratio (2 h / 1 min): " << QString::number(full / qMax(1.0, baseline), 'f', 1) << '\n';
    return 0;
}
