#pragma once

#include "backend/cluster/cluster_profile.h"
#include "backend/core/result.h"
#include "backend/kube/kube_target.h"
#include "backend/session/backend_factory.h"
#include "backend/process/run_context.h"
#include "backend/sandbox/sandbox_controller.h"

#include <QObject>
#include <QPointer>

namespace bc {

class CanaryController;
class SplitVerifier;

// The cluster the window works with right now. The Cluster panel chooses it (local sandbox, a GKE
// cluster after get-credentials, k3s, or any kubeconfig context); every other panel follows
// targetChanged() and asks the session for the backend objects of that target (createWatch(),
// createDeployJob(), ...): panels never build a backend object themselves.
class ClusterSession : public QObject
{
    Q_OBJECT
public:
    explicit ClusterSession(RunContext *context, QObject *parent = nullptr);

    RunContext *context() const { return m_context; }
    SandboxController *sandbox() const { return m_sandbox; }

    bool hasTarget() const { return m_hasTarget; }
    const KubeTarget &target() const { return m_target; }
    const QString &environmentName() const { return m_name; } // "Local sandbox", "GKE lab-cluster", ...

    void useSandbox(const SandboxOptions &options = {});
    void useTarget(const KubeTarget &target, const QString &displayName);
    void disconnect(); // also stops a sandbox this session started

    // --- Canary panel: its backend objects, for the current target (it follows targetChanged itself).
    CanaryController *createCanaryController(QObject *parent) const;
    SplitVerifier *createSplitVerifier(QObject *parent) const;
    // --- end Canary panel
    // --- Backend objects for the panels, from factory() with the current target(): a panel asks for
    // them when the target changes. The caller owns each through `parent`; nothing is started.
    const BackendFactory &factory() const { return m_factory; }
    ClusterService *createClusterService(ClusterKind kind, QObject *parent) const
    {
        return m_factory.createClusterService(kind, parent);
    }
    KubeClient *createClient(QObject *parent) const { return m_factory.createClient(m_target, parent); }
    // A watch on `resource` ("pods", "deployments", ...).
    KubeWatch *createWatch(const QString &resource, QObject *parent, const QString &selector = {}) const
    {
        return m_factory.createWatch(m_target, resource, parent, selector);
    }
    DeployJob *createDeployJob(const DeployRequest &request, QObject *parent) const
    {
        return m_factory.createDeployJob(m_target, request, parent);
    }
    // --- end of the panels' backend objects

Q_SIGNALS:
    void targetChanged(const bc::KubeTarget &target);
    void environmentChanged(const QString &displayName);
    void connectingChanged(bool connecting);
    void disconnected();
    void failed(const bc::Error &error);

private:
    QPointer<RunContext> m_context;
    BackendFactory m_factory;
    SandboxController *m_sandbox;
    KubeTarget m_target;
    QString m_name;
    bool m_hasTarget = false;
};

} // namespace bc
