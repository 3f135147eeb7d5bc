#pragma once

#include "backend/load/load_history.h"
#include "backend/timeline/pod_sample.h"

#include <QHash>
#include <QList>
#include <QPointF>
#include <QStringList>

#include <optional>

namespace bc {

// A load run and the pods' metrics on one clock: wall time in ms since the epoch, which LoadSample and
// the metrics API both carry. Every series here has x in epoch ms (elapsed() turns them into seconds of
// the run); join() puts each pod's CPU next to each load sample, as it was at that moment.
class LoadTimeline
{
public:
    // A pod's sample stands for the time after it up to this long (a few scrapes); older is no value.
    static constexpr qint64 kMaxAgeMs = 15000;

    LoadTimeline() = default;
    LoadTimeline(QList<LoadSample> load, const QList<PodSample> &pods);

    void setLoad(QList<LoadSample> load) { m_load = std::move(load); }
    void addPods(const QList<PodSample> &pods); // any order; one point per pod and timestamp
    const QList<LoadSample> &load() const { return m_load; }
    bool hasPods() const { return !m_pods.isEmpty(); }

    // Epoch ms at the run's elapsed 0 s, and of its first and last samples; -1 without load samples.
    qint64 originMs() const;
    qint64 startMs() const { return m_load.isEmpty() ? -1 : m_load.first().timestampMs; }
    qint64 endMs() const { return m_load.isEmpty() ? -1 : m_load.last().timestampMs; }
    // The first and last time of any sample, load or pod; {-1, -1} when empty.
    std::pair<qint64, qint64> span() const;

    QList<QPointF> rps() const;
    QList<QPointF> p95() const; // only where Locust had a current p95
    QList<QPointF> users() const;

    QStringList pods() const; // sorted
    QString deploymentOf(const QString &pod) const;
    QList<QPointF> cpu(const QString &pod) const;
    QList<QPointF> memory(const QString &pod) const;
    QStringList podsOf(const QString &deployment) const;
    // The sum of the deployment's pods at each of their scrapes (each pod as of podAt()).
    QList<QPointF> deploymentCpu(const QString &deployment) const;
    QList<PodSample> samples(const QString &pod) const; // oldest first
    // The pod's newest sample at or before `ms`, no older than kMaxAgeMs.
    std::optional<PodSample> podAt(const QString &pod, qint64 ms) const;

    struct Row
    {
        LoadSample load;
        QList<std::optional<double>> cpu; // millicores of each asked pod, in the order asked
    };
    QList<Row> join(const QStringList &pods) const;

    // Each pod's busiest moment of the run (highest share of its CPU limit, else highest millicores),
    // with the load at that moment; busiest first.
    struct Peak
    {
        QString pod;
        QString deployment;
        double peakCpu = 0;
        std::optional<double> cpuLimit;
        std::optional<double> peakOfLimit;
        double meanCpu = 0;
        double peakMemoryBytes = 0;
        qint64 atMs = 0;
        std::optional<LoadSample> loadThen; // the load sample nearest the peak, if any
    };
    QList<Peak> peaks() const;
    QStringList busiest(int count) const;

    // x from epoch ms to seconds since `originMs`.
    static QList<QPointF> elapsed(QList<QPointF> points, qint64 originMs);

private:
    std::optional<LoadSample> loadNear(qint64 ms) const;

    QList<LoadSample> m_load;
    QHash<QString, QList<PodSample>> m_pods; // each sorted by time
};

} // namespace bc
