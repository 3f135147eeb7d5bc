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

// Moves traffic between v1 and v2 of a service without ever lowering capacity: whichever deployment grows
// is scaled first and waited for until its new pods are ready, only then the other one shrinks. When the
// service has an Istio VirtualService (the CRD exists and the object is there) the split is set by patching
// its weights instead, exactly. Promote moves all capacity to v2, roll back to v1; both drain the old
// version from the Service (selector narrowed by the version label) before deleting its pods. Every step is reported;
// cancel() stops before the next step (a step already sent to kubectl completes on the server).
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
    // wait: after the last step, also wait until both deployments have settled.
    void applyPercent(int percent, int budget, bool wait);
    void promote(bool wait);
    void rollback(bool wait);
    void cancel();
    bool isBusy() const { return m_busy; }
    Mode mode() const { return m_mode; }
    const CanaryState &state() const { return m_state; }
    const ReplicaPlan &lastPlan() const { return m_plan; }

    static QByteArray weightPatch(const QString &service, int v1Weight, int v2Weight);

Q_SIGNALS:
    void stateChanged(const bc::CanaryState &state);
    void detectFailed(const bc::Error &error);
    void modeChanged(bc::CanaryController::Mode mode);
    void progress(const QString &step, int done, int total);
    void finished(const bc::Status &status);

private:
    using Step = std::function<void()>;
    enum class Operation { Apply, Promote, Rollback };

    void setMode(Mode mode);
    void begin(Operation operation, int percent, int budget, bool wait);
    void planSteps();
    void addScale(const QString &deployment, int replicas, bool waitReady);
    void addWeights(int v1, int v2);
    void addSettle();
    void addDrain(const QString &keepVersion, const QString &drainVersion);
    void addRestoreSelector();
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
    ReplicaPlan m_plan;
    Operation m_operation = Operation::Apply;
    int m_percent = 0;
    int m_budget = 0;
    bool m_wait = false;
    bool m_busy = false;
    bool m_cancelled = false;
    QList<std::pair<QString, Step>> m_steps;
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
