#include "backend/metrics/metrics_history.h"

namespace bc {

void MetricsHistory::add(const PodMetrics &metrics, const QDateTime &fallbackTime)
{
    auto it = m_pods.find(metrics.name);
    if (it == m_pods.end())
        it = m_pods.insert(metrics.name, Rings{SampleRing(m_capacity), SampleRing(m_capacity), -1});
    const QDateTime when = metrics.timestamp.isValid() ? metrics.timestamp : fallbackTime;
    const double t = double(when.toMSecsSinceEpoch());
    if (t <= it->lastTime)
        return; // the same scrape answered twice: one point per scrape
    it->lastTime = t;
    it->cpu.push({t, metrics.cpuMillicores()});
    it->memory.push({t, metrics.memoryBytes()});
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

QList<QPointF> MetricsHistory::cpu(const QString &pod) const
{
    const auto it = m_pods.constFind(pod);
    return it == m_pods.cend() ? QList<QPointF>{} : it->cpu.ordered();
}

QList<QPointF> MetricsHistory::memory(const QString &pod) const
{
    const auto it = m_pods.constFind(pod);
    return it == m_pods.cend() ? QList<QPointF>{} : it->memory.ordered();
}

} // namespace bc
