#pragma once

#include "backend/kube/kube_objects.h"

#include <QHash>
#include <QList>
#include <QPointF>
#include <QStringList>

#include <limits>
#include <vector>

namespace bc {

// Per-pod rings of (time in ms since the epoch, value) for CPU millicores and memory bytes. A chart copies
// the rings of the pods it shows on a timer (STYLE.md "Live charts"). It runs for as long as the window is
// connected, so a sample is 12 bytes (time offset, CPU and memory as floats, one slot for both) and a
// pod's ring grows only up to its capacity: 2 h at 2 s for 500 pods is ~21 MB (bench/metrics-history).
class MetricsHistory
{
public:
    static constexpr qsizetype kTwoHoursAtTwoSeconds = 3600;

    explicit MetricsHistory(qsizetype capacity = kTwoHoursAtTwoSeconds)
        : m_capacity(qMax<qsizetype>(1, capacity))
    { }

    void add(const PodMetrics &metrics, const QDateTime &fallbackTime = QDateTime::currentDateTimeUtc());
    void add(const QList<PodMetrics> &metrics);
    void forget(const QString &pod);
    QStringList pods() const { return m_pods.keys(); }
    bool contains(const QString &pod) const { return m_pods.contains(pod); }
    QList<QPointF> cpu(const QString &pod) const; // oldest first
    QList<QPointF> memory(const QString &pod) const; // oldest first
    qsizetype capacity() const { return m_capacity; }
    qsizetype sampleCount(const QString &pod) const;

private:
    struct Sample
    {
        qint32 offsetMs; // since m_baseMs: 24 days of range
        float cpuMillicores;
        float memoryBytes;
    };
    struct Ring
    {
        std::vector<Sample> samples; // grows to the capacity, then wraps at `next`
        qsizetype next = 0;
        qint64 lastMs = -1;
    };
    QList<QPointF> series(const QString &pod, float Sample::*value) const;

    qsizetype m_capacity;
    qint64 m_baseMs = -1;
    QHash<QString, Ring> m_pods;
};

} // namespace bc
