#pragma once

#include "backend/core/result.h"
#include "backend/deploy/manifest_set.h"
#include "backend/deploy/rollout_tracker.h"
#include "backend/kube/kube_target.h"
#include "backend/process/run_context.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

namespace bc {

class KubeClient;
class StorefrontAddress;

struct DeployRequest
{
    QStringList files;      // manifests to apply, in order
    bool serverSide = false;
    bool wait = true;       // follow the rollout until every deployment is available
    std::chrono::milliseconds timeout = std::chrono::minutes(10);
    // How long a pod may show a blocking reason (image pull, crash loop, unschedulable) before the
    // deploy fails: on a real cluster such states are sometimes brief.
    std::chrono::milliseconds problemGrace = std::chrono::seconds(45);
};

// Deploy = read the manifests (a malformed one stops here, before kubectl runs), kubectl apply, with
// the order log point the frontend at its checkout tap (ManifestSet::wiresCheckoutTap), then
// follow the rollout of every deployment they declare and, when they declare the storefront's
// LoadBalancer, wait for its external address too. The Deploy panel and `boutique-control deploy`
// both run this.
class DeployJob : public QObject
{
    Q_OBJECT
public:
    enum class Phase { Checking, Applying, WaitingForRollout, WaitingForAddress, Done, Failed };
    Q_ENUM(Phase)

    DeployJob(RunContext *context, KubeTarget target, DeployRequest request, QObject *parent = nullptr);

    void start();
    void cancel();
    Phase phase() const { return m_phase; }
    QStringList deployments() const { return m_deployments; }
    // "http://ADDRESS" of Service frontend-external once the wait saw it; empty when the manifests
    // declare no such service or the job did not wait.
    QString storefrontUrl() const { return m_storefrontUrl; }

Q_SIGNALS:
    void phaseChanged(bc::DeployJob::Phase phase);
    void applied(const QString &kubectlOutput);
    void progressChanged(const QList<bc::DeploymentProgress> &progress);
    void finished(const bc::Status &status);

private:
    void setPhase(Phase phase);
    void fail(const Error &error);
    void wireCheckoutTap();
    void followRollout();
    void waitForStorefront();

    QPointer<RunContext> m_context;
    KubeTarget m_target;
    DeployRequest m_request;
    KubeClient *m_client;
    RolloutTracker *m_tracker = nullptr;
    StorefrontAddress *m_address = nullptr;
    QElapsedTimer m_waiting;
    bool m_hasStorefront = false; // the manifests declare Service frontend-external
    bool m_wiresCheckoutTap = false;
    QString m_storefrontUrl;
    QStringList m_deployments;
    Phase m_phase = Phase::Checking;
    bool m_cancelled = false;
};

} // namespace bc
