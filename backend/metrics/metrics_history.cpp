#include "backend/metrics/metrics_history.h"

namespace bc {

void MetricsHistory::add(const PodMetrics &metrics, const QDateTime &fallbackTime)
{
    const QDateTime when = metrics.timestamp.isValid() ? metrics.timestamp : fallbackTime;
    const qint64 ms = when.toMSecsSinceEpoch();
    if (m_baseMs < 0)
        m_baseMs = ms;
    Ring &ring = m_pods[metrics.name];
    if (ms <= ring.lastMs || ms < m_baseMs)
        return; // the same scrape answered twice: one point per scrape
    ring.lastMs = ms;
    const Sample sample {qint32(qMin<qint64>(ms - m_baseMs, std::numeric_limits<qint32>::max())),
        float(metrics.cpuMillicores()), float(metrics.memoryBytes())};
    if (qsizetype(ring.samples.size()) < m_capacity) {
        if (ring.samples.capacity() == ring.samples.size()) // grow in steps, never past the capacity
            ring.samples.reserve(
                size_t(qMin<qsizetype>(m_capacity, qMax<qsizetype>(16, 2 * ring.samples.size()))));
        ring.samples.push_back(sample);
        return;
    }
    ring.samples[size_t(ring.next)] = sample;
    ring.next = (ring.next + 1) % m_capacity;
}

void MetricsHistory::add(const QList<PodMetrics> &metrics)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const PodMetrics &m : metrics)
        add(m, now);
}

void MetricsHistory::forget(const QString &pod)
{
    m_pods.remove(pod);
}

qsizetype MetricsHistory::sampleCount(const QString &pod) const
{
    const auto it = m_pods.constFind(pod);
    return it == m_pods.cend() ? 0 : qsizetype(it->samples.size());
}

QList<QPointF> MetricsHistory::series(const QString &pod, float Sample::*value) const
{
    const auto it = m_pods.constFind(pod);
    if (it == m_pods.cend())
        return {};
    const Ring &ring = *it;
    const qsizetype n = qsizetype(ring.samples.size());
    QList<QPointF> points;
    points.reserve(n);
    const qsizetype first = n < m_capacity ? 0 : ring.next;
    for (qsizetype i = 0; i < n; ++i) {
        const Sample &s = ring.samples[size_t((first + i) % n)];
        points.append({double(m_baseMs + s.offsetMs), double(s.*value)});
    }
    return points;
}

QList<QPointF> MetricsHistory::cpu(const QString &pod) const
{
    return series(pod, &Sample::cpuMillicores);
}

QList<QPointF> MetricsHistory::memory(const QString &pod) const
{
    return series(pod, &Sample::memoryBytes);
}

} // namespace bc
