#pragma once

#include "backend/canary/canary_detector.h"
#include "backend/canary/canary_planner.h"
#include "backend/core/result.h"
#include "backend/kube/kube_target.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>
#include <functional>

namespace bc {

class KubeClient;
class RunContext;

// Applies a CanaryPlan (backend/canary/canary_planner.h) step by step, as planned: whichever deployment
// grows is scaled first and waited for until its new pods are ready, only then the other one shrinks; with an
// Istio VirtualService (the CRD exists and the object is there) the split is its weights, exactly. Promote and
// roll back drain the old version from the Service (selector narrowed by the version label) before deleting
// its pods. prepare() reads the deployments and the mesh and schedules a plan against them; apply() runs a
// scheduled plan without planning again. Every step is reported; cancel() stops before the next step (a
// step already sent to kubectl completes on the server).
class CanaryController : public QObject
{
    Q_OBJECT
public:
    enum class Mode { Unknown, Replicas, Mesh };
    Q_ENUM(Mode)

    CanaryController(RunContext *context, KubeTarget target, QString service = QString::fromLatin1(
                                                                  CanaryDetector::kDefaultService),
                     QObject *parent = nullptr);
    ~CanaryController() override;

    void setTarget(const KubeTarget &target);
    const QString &service() const { return m_service; }
    void setWaitTimeout(std::chrono::milliseconds timeout) { m_waitTimeout = timeout; }
    void setPollInterval(std::chrono::milliseconds interval)
    {
        m_poll.setInterval(interval);
        m_drainPoll.setInterval(interval);
    }
    // Promote and roll back first narrow the Service to the version that stays and wait until its
    // endpoints no longer name a pod of the other one, plus this margin for kube-proxy, before scaling
    // that version down: requests in flight still reach running pods.
    void setDrainMargin(std::chrono::milliseconds margin) { m_drainMargin = margin; }

    // Reads the deployments (and the mesh); emits stateChanged or failed-less detectFailed.
    void refresh();
    // Reads the deployments and the mesh, then schedules `intent` (CanaryPlanner::share/promote/rollback)
    // against them; `done` gets the plan to show and apply (or why there is none). Changes nothing.
    void prepare(const CanaryPlan &intent, std::function<void(const Result<CanaryPlan> &)> done);
    // Runs the steps of a scheduled plan as they are.
    void apply(const CanaryPlan &plan);
    // prepare(), planned(), then apply(), as one operation (busy from the start, cancel() stops it).
    void start(const CanaryPlan &intent);
    // wait: after the last step, also wait until both deployments have settled.
    void applyPercent(int percent, int budget, bool wait);
    void promote(bool wait);
    void rollback(bool wait);
    void cancel();
    bool isBusy() const { return m_busy; }
    Mode mode() const { return m_mode; }
    const CanaryState &state() const { return m_state; }
    const CanaryPlan &lastPlan() const { return m_plan; }
    // Its kubectl client, for the reads around a canary (the frontend's address for a verification).
    KubeClient *client() const { return m_client; }

    static QByteArray weightPatch(const QString &service, int v1Weight, int v2Weight);

Q_SIGNALS:
    void stateChanged(const bc::CanaryState &state);
    void detectFailed(const bc::Error &error);
    void modeChanged(bc::CanaryController::Mode mode);
    void planned(const bc::CanaryPlan &plan); // start(): the plan it is about to apply
    void progress(const QString &step, int done, int total);
    void finished(const bc::Status &status);

private:
    void setMode(Mode mode);
    bool claim(); // false (and finished with an error) when a change is already running
    void run(const CanaryPlan &plan);
    void runStep(const CanaryStep &step);
    void scale(const CanaryStep &step);
    void setWeights(const CanaryStep &step);
    void drain(const CanaryStep &step);
    void restoreSelectorStep();
    void pollDrain();
    void restoreSelector();
    void next();
    void fail(const Error &error);
    void done();
    void detect(std::function<void(const Result<CanaryState> &)> then);
    void waitFor(const QString &deployment, int replicas, bool settle);
    void pollWait();

    QPointer<RunContext> m_context;
    QString m_service;
    KubeClient *m_client = nullptr;
    CanaryState m_state;
    Mode m_mode = Mode::Unknown;
    CanaryPlan m_plan; // the one being (or last) applied
    bool m_busy = false;
    bool m_cancelled = false;
    int m_stepIndex = 0;
    quint64 m_generation = 0; // callbacks of an older operation are ignored
    std::chrono::milliseconds m_waitTimeout{std::chrono::minutes(3)};
    QTimer m_poll;
    QString m_waitDeployment;
    int m_waitReplicas = 0;
    bool m_waitSettle = false;
    qint64 m_waitDeadline = 0;
    bool m_waitInFlight = false;
    bool m_selectorPatched = false;
    QString m_drainVersion;
    QTimer m_drainPoll;
    std::chrono::milliseconds m_drainMargin{std::chrono::seconds(2)};
};

} // namespace bc
