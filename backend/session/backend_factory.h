#pragma once

#include "backend/cluster/cluster_profile.h"
#include "backend/cluster/profile_store.h"
#include "backend/kube/kube_target.h"

#include <QPointer>
#include <QString>

class QObject;

namespace bc {

class ClusterService;
class ClusterSession;
class CanaryController;
class CnpgController;
class DeployJob;
class EndpointStatsModel;
class FailureReasons;
class JourneyModel;
class KubeClient;
class KubeWatch;
class LoadSession;
class LoadgenResults;
class LoadgenService;
class LocustClient;
class MetricsPoller;
class OrdersModel;
class OrdersRepository;
class PasswordVault;
class PodSeriesRecorder;
class PodTopModel;
class ProfileListModel;
class PortForward;
class RunContext;
class SplitVerifier;
class SshTunnel;
class StorefrontAddress;
class WorkloadsModel;
struct DeployRequest;

// The one place that builds the backend objects the panels use, all bound to one RunContext: widgets/
// never `new` a backend class. Each call returns a fresh object owned by `parent`; nothing is started.
// ClusterSession owns one and adds its current target to the target-bound calls; a panel that may run
// without a session (the Load test panel) makes one from its RunContext.
class BackendFactory
{
public:
    explicit BackendFactory(RunContext *context);

    RunContext *context() const;

    // Creates/connects/deletes clusters of `kind` (Gke, K3s); nullptr for the sandbox and an existing
    // context, which need no provisioning.
    ClusterService *createClusterService(ClusterKind kind, QObject *parent) const;

    KubeClient *createClient(const KubeTarget &target, QObject *parent) const;
    KubeWatch *createWatch(const KubeTarget &target, const QString &resource, QObject *parent,
        const QString &selector = {}) const;
    DeployJob *createDeployJob(const KubeTarget &target, const DeployRequest &request, QObject *parent) const;
    StorefrontAddress *createStorefrontAddress(const KubeTarget &target, QObject *parent) const;
    MetricsPoller *createMetricsPoller(const KubeTarget &target, QObject *parent) const;
    CnpgController *createCnpgController(const KubeTarget &target, QObject *parent) const;
    PortForward *createPortForward(const KubeTarget &target, QObject *parent) const;
    // The canary of productcatalogservice (v1/v2) and the counter of the versions that answer.
    CanaryController *createCanaryController(const KubeTarget &target, QObject *parent) const;
    static SplitVerifier *createSplitVerifier(QObject *parent);

    // The window's session when the app hands it none (tests), and the lab's five steps it follows.
    ClusterSession *createClusterSession(QObject *parent) const;
    JourneyModel *createJourneyModel(ClusterSession *session, QObject *parent) const;

    // Locust on this machine (a master and its workers).
    LoadSession *createLoadSession(QObject *parent) const;
    // Locust on GCE VMs: the Terraform/Ansible service, the SSH tunnel to the master, the client of its
    // web API through the tunnel, and the fetcher of its results.
    struct Loadgen
    {
        LoadgenService *service;
        SshTunnel *tunnel;
        LocustClient *locust;
        LoadgenResults *results;
    };
    Loadgen createLoadgen(QObject *parent) const;
    // Records the pods' CPU and memory from `poller` while `session` runs, into the run's pods.csv;
    // the session owns the recorder.
    PodSeriesRecorder *recordPods(MetricsPoller *poller, LoadSession *session) const;

    // The order database's connection and the keyring entry of its password (need no RunContext).
    static OrdersRepository *createOrdersRepository(QObject *parent);
    static PasswordVault *createPasswordVault(QObject *parent);

    // The models behind the panels' views (fed by the objects above; they run nothing themselves).
    static ProfileListModel *createProfileListModel(ProfileStore store, QObject *parent);
    static WorkloadsModel *createPodsModel(QObject *parent);
    static WorkloadsModel *createDeploymentsModel(QObject *parent);
    static FailureReasons *createFailureReasons(QObject *parent);
    static PodTopModel *createPodTopModel(QObject *parent);
    static EndpointStatsModel *createEndpointStatsModel(QObject *parent);
    static OrdersModel *createOrdersModel(OrdersRepository *repository, QObject *parent);

private:
    QPointer<RunContext> m_context;
};

} // namespace bc
