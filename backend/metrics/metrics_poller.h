#pragma once

#include "backend/core/result.h"
#include "backend/kube/kube_objects.h"
#include "backend/kube/kube_target.h"
#include "backend/metrics/metrics_history.h"
#include "backend/metrics/pod_usage.h"

#include <QMap>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>

namespace bc {

class KubeClient;
class KubeWatch;
class RunContext;
struct WatchEvent;

// Pod specs from a pod watch, usage from metrics.k8s.io every few seconds; each answer becomes rows (with
// flags) and points in the history. A missing or unready metrics API is a state with a fix, and polling
// goes on until it answers.
class MetricsPoller : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, Waiting, Ok, MetricsMissing, MetricsNotReady, Failed };
    Q_ENUM(State)

    MetricsPoller(RunContext *context, KubeTarget target, QObject *parent = nullptr);
    ~MetricsPoller() override;

    void setInterval(std::chrono::milliseconds interval);
    void setTarget(const KubeTarget &target); // restarts when running
    void start();
    void stop();
    bool isRunning() const { return m_running; }

    State state() const { return m_state; }
    QString stateMessage() const { return m_message; }
    const QList<PodUsage> &rows() const { return m_rows; }
    const MetricsHistory &history() const { return m_history; }
    QList<Pod> pods() const { return m_pods.values(); }

    // "metrics-server is not installed: ..." and the like, from a failed `get --raw` of metrics.k8s.io.
    static std::pair<State, QString> classify(const Error &error);

Q_SIGNALS:
    void updated(const QList<bc::PodUsage> &rows);
    void stateChanged(bc::MetricsPoller::State state, const QString &message);

private:
    void poll();
    void onPodEvents(const QList<WatchEvent> &events);
    void setState(State state, const QString &message);
    void rebuild();

    QPointer<RunContext> m_context;
    KubeTarget m_target;
    KubeClient *m_client = nullptr;
    KubeWatch *m_watch = nullptr;
    QTimer m_timer;
    QMap<QString, Pod> m_pods;
    QList<PodMetrics> m_lastMetrics;
    QList<PodUsage> m_rows;
    MetricsHistory m_history;
    State m_state = State::Idle;
    QString m_message;
    bool m_running = false;
    bool m_inFlight = false;
};

} // namespace bc
