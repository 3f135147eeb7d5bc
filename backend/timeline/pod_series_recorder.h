#pragma once

#include "backend/timeline/pod_sample.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <memory>

namespace bc {

class LoadSession;
class MetricsPoller;
class RunFolder;

// Keeps the pod series of one load run: at each answer of the metrics poller (which runs for as long
// as the cluster is connected) while the session starts, runs and finishes, appends the new samples of
// every pod to the run folder's pods.csv, so that the saved run and its report have load and pods on
// one clock. The samples of the last kLeadInMs before the run come along as its baseline.
class PodSeriesRecorder : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 kLeadInMs = 10000;

    // Parented to the session: it lives as long as the run it records.
    PodSeriesRecorder(MetricsPoller *poller, LoadSession *session);
    ~PodSeriesRecorder() override;

    const QList<PodSample> &samples() const { return m_samples; }

    // The poller's history as pod samples newer than `fromMs` (and than the pod's entry in `afterMs`),
    // of the pods in `only` (all when empty), with each pod's deployment, requests and limits now.
    static QList<PodSample> collect(const MetricsPoller &poller, qint64 fromMs, const QHash<QString, qint64> &afterMs = {},
        const QStringList &only = {});

Q_SIGNALS:
    void recorded(int count); // rows appended by the last poll

private:
    void record();

    QPointer<MetricsPoller> m_poller;
    QPointer<LoadSession> m_session;
    std::unique_ptr<RunFolder> m_folder;
    QHash<QString, qint64> m_lastMs; // per pod, the newest sample written
    QList<PodSample> m_samples;
    qint64 m_fromMs;
    bool m_failed = false;
};

} // namespace bc
