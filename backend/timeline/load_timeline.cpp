#include "backend/timeline/load_timeline.h"

#include <QSet>

#include <algorithm>
#include <cmath>

namespace bc {

LoadTimeline::LoadTimeline(QList<LoadSample> load, const QList<PodSample> &pods) : m_load(std::move(load))
{
    addPods(pods);
}

void LoadTimeline::addPods(const QList<PodSample> &pods)
{
    QSet<QString> touched;
    for (const PodSample &s : pods) {
        m_pods[s.pod].append(s);
        touched.insert(s.pod);
    }
    for (const QString &pod : touched) {
        QList<PodSample> &list = m_pods[pod];
        std::stable_sort(list.begin(), list.end(),
            [](const PodSample &a, const PodSample &b) { return a.timestampMs < b.timestampMs; });
        list.erase(std::unique(list.begin(), list.end(),
                       [](const PodSample &a, const PodSample &b) { return a.timestampMs == b.timestampMs; }),
            list.end());
    }
}

qint64 LoadTimeline::originMs() const
{
    if (m_load.isEmpty())
        return -1;
    return m_load.first().timestampMs - qint64(std::llround(m_load.first().elapsedS * 1000.0));
}

std::pair<qint64, qint64> LoadTimeline::span() const
{
    qint64 from = -1, to = -1;
    const auto take = [&from, &to](qint64 ms) {
        from = from < 0 ? ms : std::min(from, ms);
        to = std::max(to, ms);
    };
    if (!m_load.isEmpty()) {
        take(m_load.first().timestampMs);
        take(m_load.last().timestampMs);
    }
    for (const QList<PodSample> &list : m_pods) {
        if (!list.isEmpty()) {
            take(list.first().timestampMs);
            take(list.last().timestampMs);
        }
    }
    return {from, to};
}

namespace {

QList<QPointF> loadSeries(const QList<LoadSample> &load, double (*value)(const LoadSample &))
{
    QList<QPointF> out;
    out.reserve(load.size());
    for (const LoadSample &s : load) {
        const double v = value(s);
        if (!std::isnan(v))
            out.append({double(s.timestampMs), v});
    }
    return out;
}

} // namespace

QList<QPointF> LoadTimeline::rps() const
{
    return loadSeries(m_load, [](const LoadSample &s) { return s.rps; });
}

QList<QPointF> LoadTimeline::p95() const
{
    return loadSeries(m_load, [](const LoadSample &s) { return s.currentP95Ms; });
}

QList<QPointF> LoadTimeline::users() const
{
    return loadSeries(m_load, [](const LoadSample &s) { return double(s.userCount); });
}

QStringList LoadTimeline::pods() const
{
    QStringList names = m_pods.keys();
    names.sort();
    return names;
}

QString LoadTimeline::deploymentOf(const QString &pod) const
{
    const QList<PodSample> list = m_pods.value(pod);
    return list.isEmpty() ? QString() : list.last().deployment;
}

QList<PodSample> LoadTimeline::samples(const QString &pod) const
{
    return m_pods.value(pod);
}

QList<QPointF> LoadTimeline::cpu(const QString &pod) const
{
    QList<QPointF> out;
    for (const PodSample &s : m_pods.value(pod))
        out.append({double(s.timestampMs), s.cpuMillicores});
    return out;
}

QList<QPointF> LoadTimeline::memory(const QString &pod) const
{
    QList<QPointF> out;
    for (const PodSample &s : m_pods.value(pod))
        out.append({double(s.timestampMs), s.memoryBytes});
    return out;
}

QStringList LoadTimeline::podsOf(const QString &deployment) const
{
    QStringList names;
    for (const QString &pod : pods())
        if (deploymentOf(pod) == deployment)
            names.append(pod);
    return names;
}

QList<QPointF> LoadTimeline::deploymentCpu(const QString &deployment) const
{
    const QStringList names = podsOf(deployment);
    QList<qint64> times;
    for (const QString &pod : names)
        for (const PodSample &s : m_pods.value(pod))
            times.append(s.timestampMs);
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    QList<QPointF> out;
    out.reserve(times.size());
    for (const qint64 t : times) {
        double sum = 0;
        for (const QString &pod : names)
            if (const std::optional<PodSample> s = podAt(pod, t))
                sum += s->cpuMillicores;
        out.append({double(t), sum});
    }
    return out;
}

std::optional<PodSample> LoadTimeline::podAt(const QString &pod, qint64 ms) const
{
    const auto it = m_pods.constFind(pod);
    if (it == m_pods.cend())
        return std::nullopt;
    const QList<PodSample> &list = *it;
    auto after = std::upper_bound(list.cbegin(), list.cend(), ms,
        [](qint64 t, const PodSample &s) { return t < s.timestampMs; });
    if (after == list.cbegin())
        return std::nullopt;
    const PodSample &s = *(after - 1);
    if (ms - s.timestampMs > kMaxAgeMs)
        return std::nullopt;
    return s;
}

QList<LoadTimeline::Row> LoadTimeline::join(const QStringList &pods) const
{
    QList<Row> rows;
    rows.reserve(m_load.size());
    for (const LoadSample &s : m_load) {
        Row row{s, {}};
        for (const QString &pod : pods) {
            const std::optional<PodSample> then = podAt(pod, s.timestampMs);
            row.cpu.append(then ? std::optional<double>(then->cpuMillicores) : std::nullopt);
        }
        rows.append(row);
    }
    return rows;
}

std::optional<LoadSample> LoadTimeline::loadNear(qint64 ms) const
{
    if (m_load.isEmpty() || ms < m_load.first().timestampMs - kMaxAgeMs || ms > m_load.last().timestampMs + kMaxAgeMs)
        return std::nullopt;
    const auto it = std::min_element(m_load.cbegin(), m_load.cend(), [ms](const LoadSample &a, const LoadSample &b) {
        return std::llabs(a.timestampMs - ms) < std::llabs(b.timestampMs - ms);
    });
    return *it;
}

QList<LoadTimeline::Peak> LoadTimeline::peaks() const
{
    QList<Peak> out;
    for (auto it = m_pods.cbegin(); it != m_pods.cend(); ++it) {
        const QList<PodSample> &list = *it;
        if (list.isEmpty())
            continue;
        Peak p;
        p.pod = it.key();
        p.deployment = list.last().deployment;
        double sum = 0;
        const PodSample *best = nullptr;
        for (const PodSample &s : list) {
            sum += s.cpuMillicores;
            p.peakMemoryBytes = std::max(p.peakMemoryBytes, s.memoryBytes);
            const double score = s.cpuOfLimit().value_or(0);
            const double bestScore = best ? best->cpuOfLimit().value_or(0) : -1;
            if (!best || score > bestScore || (score == bestScore && s.cpuMillicores > best->cpuMillicores))
                best = &s;
        }
        p.meanCpu = sum / double(list.size());
        p.peakCpu = best->cpuMillicores;
        p.cpuLimit = best->limits.cpuMillicores;
        p.peakOfLimit = best->cpuOfLimit();
        p.atMs = best->timestampMs;
        p.loadThen = loadNear(best->timestampMs);
        out.append(p);
    }
    std::sort(out.begin(), out.end(), [](const Peak &a, const Peak &b) {
        const double sa = a.peakOfLimit.value_or(-1), sb = b.peakOfLimit.value_or(-1);
        if (sa != sb)
            return sa > sb;
        if (a.peakCpu != b.peakCpu)
            return a.peakCpu > b.peakCpu;
        return a.pod < b.pod;
    });
    return out;
}

QStringList LoadTimeline::busiest(int count) const
{
    QStringList names;
    for (const Peak &p : peaks()) {
        if (names.size() >= count)
            break;
        names.append(p.pod);
    }
    return names;
}

QList<QPointF> LoadTimeline::elapsed(QList<QPointF> points, qint64 originMs)
{
    for (QPointF &p : points)
        p.setX((p.x() - double(originMs)) / 1000.0);
    return points;
}

} // namespace bc
