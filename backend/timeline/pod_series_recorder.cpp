#include "backend/timeline/pod_series_recorder.h"

#include "backend/load/load_session.h"
#include "backend/load/run_store.h"
#include "backend/metrics/metrics_poller.h"

#include <QDateTime>

namespace bc {

PodSeriesRecorder::PodSeriesRecorder(MetricsPoller *poller, LoadSession *session)
    : QObject(session), m_poller(poller), m_session(session),
      m_fromMs(QDateTime::currentMSecsSinceEpoch() - kLeadInMs)
{
    if (m_poller)
        connect(m_poller, &MetricsPoller::updated, this, &PodSeriesRecorder::record);
    // The last poll before the report is written: the session finishes on the event after Finishing.
    connect(session, &LoadSession::phaseChanged, this, [this](LoadSession::Phase phase) {
        if (phase == LoadSession::Phase::Finishing)
            record();
    });
}

PodSeriesRecorder::~PodSeriesRecorder() = default;

void PodSeriesRecorder::record()
{
    if (!m_poller || !m_session || m_failed)
        return;
    const LoadSession::Phase phase = m_session->phase();
    if (phase != LoadSession::Phase::Starting && phase != LoadSession::Phase::Running
        && phase != LoadSession::Phase::Finishing)
        return;
    if (m_session->runDir().isEmpty())
        return;
    if (!m_folder || m_folder->dir() != m_session->runDir())
        m_folder = std::make_unique<RunFolder>(m_session->runDir());
    const QList<PodSample> fresh = collect(*m_poller, m_fromMs, m_lastMs);
    for (const PodSample &sample : fresh)
        m_lastMs[sample.pod] = std::max(m_lastMs.value(sample.pod, -1), sample.timestampMs);
    if (fresh.isEmpty())
        return;
    if (const Status s = m_folder->appendPodSamples(fresh); !s) {
        m_failed = true; // one warning, not one per poll
        Q_EMIT m_session->problem(s.error());
        return;
    }
    m_samples.append(fresh);
    Q_EMIT recorded(int(fresh.size()));
}


QList<PodSample> PodSeriesRecorder::collect(const MetricsPoller &poller, qint64 fromMs,
    const QHash<QString, qint64> &afterMs, const QStringList &only)
{
    const MetricsHistory &history = poller.history();
    QList<PodSample> out;
    for (const PodUsage &row : poller.rows()) {
        if (!only.isEmpty() && !only.contains(row.pod))
            continue;
        const QList<QPointF> cpu = history.cpu(row.pod);
        const QList<QPointF> memory = history.memory(row.pod);
        const qint64 after = std::max(afterMs.value(row.pod, -1), fromMs - 1);
        for (qsizetype i = 0; i < cpu.size() && i < memory.size(); ++i) {
            const qint64 ms = qint64(cpu[i].x());
            if (ms > after)
                out.append(PodSample{ms, row.pod, row.deployment, cpu[i].y(), memory[i].y(), row.requests, row.limits});
        }
    }
    return out;
}

} // namespace bc
