#pragma once

#include "backend/core/result.h"
#include "backend/kube/kube_objects.h"
#include "backend/kube/kube_target.h"
#include "backend/process/run_context.h"

#include <QDateTime>
#include <QHash>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>

namespace bc {

class KubeWatch;
struct WatchEvent;

struct DeploymentProgress
{
    QString name;
    int desired = 0;
    int ready = 0;
    int available = 0;
    bool seen = false;   // the deployment exists on the cluster
    bool done = false;   // available, as `kubectl rollout status` judges it
    QString problem;     // why it is not progressing: "ImagePullBackOff: ...", "Unschedulable: ..."
    bool operator==(const DeploymentProgress &) const = default;
};

// Follows deployments until every one is available, from watches (never a polling loop of full lists),
// and fails with the reason from the pod status when one cannot become ready: image pull errors, crash
// loops and unschedulable pods that persist for the grace period, or a progress deadline exceeded.
class RolloutTracker : public QObject
{
    Q_OBJECT
public:
    RolloutTracker(RunContext *context, KubeTarget target, QStringList deployments, QObject *parent = nullptr);
    ~RolloutTracker() override;

    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }
    void setProblemGrace(std::chrono::milliseconds grace) { m_problemGrace = grace; }
    void start();
    void cancel();
    QList<DeploymentProgress> progress() const;
    // What its watches deliver (public so recorded `kubectl get -o json` items can be replayed).
    void onDeploymentEvents(const QList<WatchEvent> &events);
    void onPodEvents(const QList<WatchEvent> &events);

Q_SIGNALS:
    void progressChanged(const QList<bc::DeploymentProgress> &progress);
    void finished(const bc::Status &status);

private:
    void evaluate();
    void finish(const Status &status);
    QString podProblem(const Pod &pod) const;

    QPointer<RunContext> m_context;
    KubeTarget m_target;
    QStringList m_names;
    QHash<QString, Deployment> m_deployments;
    QHash<QString, Pod> m_pods; // by uid
    QHash<QString, QDateTime> m_problemSince; // deployment -> first time its current problem was seen
    KubeWatch *m_deploymentWatch = nullptr;
    KubeWatch *m_podWatch = nullptr;
    QTimer m_deadline;
    QTimer m_recheck;
    std::chrono::milliseconds m_timeout = std::chrono::minutes(10);
    std::chrono::milliseconds m_problemGrace = std::chrono::seconds(45);
    bool m_finished = false;
};

} // namespace bc

Q_DECLARE_METATYPE(bc::DeploymentProgress)
