#pragma once

#include "backend/kube/kube_objects.h"
#include "backend/load/sample_ring.h"

#include <QHash>
#include <QStringList>

namespace bc {

// Per-pod rings of (time in ms since the epoch, value) for CPU millicores and memory bytes. A chart copies
// the rings of the pods it shows on a timer (STYLE.md "Live charts").
class MetricsHistory
{
public:
    explicit MetricsHistory(qsizetype capacity = 360) : m_capacity(capacity) {}

    void add(const PodMetrics &metrics, const QDateTime &fallbackTime = QDateTime::currentDateTimeUtc());
    void add(const QList<PodMetrics> &metrics);
    void forget(const QString &pod);
    QStringList pods() const { return m_pods.keys(); }
    bool contains(const QString &pod) const { return m_pods.contains(pod); }
    QList<QPointF> cpu(const QString &pod) const;    // oldest first
    QList<QPointF> memory(const QString &pod) const; // oldest first
    qsizetype capacity() const { return m_capacity; }

private:
    struct Rings
    {
        SampleRing cpu;
        SampleRing memory;
        double lastTime = -1;
    };
    qsizetype m_capacity;
    QHash<QString, Rings> m_pods;
};

} // namespace bc
