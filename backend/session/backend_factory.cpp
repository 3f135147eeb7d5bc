#include "backend/session/backend_factory.h"

#include "backend/canary/canary_controller.h"
#include "backend/canary/canary_detector.h"
#include "backend/canary/split_verifier.h"
#include "backend/cluster/gke_cluster_service.h"
#include "backend/cluster/k3s_cluster_service.h"
#include "backend/cluster/profile_list_model.h"
#include "backend/deploy/deploy_job.h"
#include "backend/deploy/failure_reasons.h"
#include "backend/deploy/storefront_address.h"
#include "backend/deploy/workloads_model.h"
#include "backend/journey/journey_model.h"
#include "backend/kube/kube_client.h"
#include "backend/kube/kube_watch.h"
#include "backend/load/endpoint_stats_model.h"
#include "backend/load/load_session.h"
#include "backend/load/locust_client.h"
#include "backend/loadgen/loadgen_results.h"
#include "backend/loadgen/loadgen_service.h"
#include "backend/loadgen/ssh_tunnel.h"
#include "backend/metrics/metrics_poller.h"
#include "backend/metrics/pod_top_model.h"
#include "backend/orders/cnpg_controller.h"
#include "backend/orders/orders_model.h"
#include "backend/orders/orders_repository.h"
#include "backend/orders/password_vault.h"
#include "backend/orders/port_forward.h"
#include "backend/process/run_context.h"
#include "backend/session/cluster_session.h"
#include "backend/timeline/pod_series_recorder.h"

namespace bc {

BackendFactory::BackendFactory(RunContext *context) : m_context(context) {}

RunContext *BackendFactory::context() const
{
    return m_context;
}

ClusterService *BackendFactory::createClusterService(ClusterKind kind, QObject *parent) const
{
    switch (kind) {
    case ClusterKind::Gke: return new GkeClusterService(m_context, parent);
    case ClusterKind::K3s: return new K3sClusterService(m_context, parent);
    case ClusterKind::Sandbox:
    case ClusterKind::ExistingContext: break;
    }
    return nullptr;
}

KubeClient *BackendFactory::createClient(const KubeTarget &target, QObject *parent) const
{
    return new KubeClient(m_context, target, parent);
}

KubeWatch *BackendFactory::createWatch(
    const KubeTarget &target, const QString &resource, QObject *parent, const QString &selector) const
{
    return new KubeWatch(m_context, target, resource, selector, parent);
}

DeployJob *BackendFactory::createDeployJob(const KubeTarget &target, const DeployRequest &request, QObject *parent) const
{
    return new DeployJob(m_context, target, request, parent);
}

StorefrontAddress *BackendFactory::createStorefrontAddress(const KubeTarget &target, QObject *parent) const
{
    return new StorefrontAddress(m_context, target, parent);
}

MetricsPoller *BackendFactory::createMetricsPoller(const KubeTarget &target, QObject *parent) const
{
    return new MetricsPoller(m_context, target, parent);
}

CanaryController *BackendFactory::createCanaryController(const KubeTarget &target, QObject *parent) const
{
    return new CanaryController(m_context, target, QString::fromLatin1(CanaryDetector::kDefaultService), parent);
}

SplitVerifier *BackendFactory::createSplitVerifier(QObject *parent)
{
    return new SplitVerifier(parent);
}

CnpgController *BackendFactory::createCnpgController(const KubeTarget &target, QObject *parent) const
{
    return new CnpgController(m_context, target, parent);
}

PortForward *BackendFactory::createPortForward(const KubeTarget &target, QObject *parent) const
{
    return new PortForward(m_context, target, parent);
}

ClusterSession *BackendFactory::createClusterSession(QObject *parent) const
{
    return new ClusterSession(m_context, parent);
}

JourneyModel *BackendFactory::createJourneyModel(ClusterSession *session, QObject *parent) const
{
    return new JourneyModel(m_context, session, parent);
}

LoadSession *BackendFactory::createLoadSession(QObject *parent) const
{
    return new LoadSession(m_context, parent);
}

BackendFactory::Loadgen BackendFactory::createLoadgen(QObject *parent) const
{
    return Loadgen {
        .service = new LoadgenService(m_context, parent),
        .tunnel = new SshTunnel(m_context, parent),
        .locust = new LocustClient(parent),
        .results = new LoadgenResults(m_context, parent),
    };
}

PodSeriesRecorder *BackendFactory::recordPods(MetricsPoller *poller, LoadSession *session) const
{
    return new PodSeriesRecorder(poller, session);
}

OrdersRepository *BackendFactory::createOrdersRepository(QObject *parent)
{
    return new OrdersRepository(parent);
}

PasswordVault *BackendFactory::createPasswordVault(QObject *parent)
{
    return new PasswordVault(parent);
}

ProfileListModel *BackendFactory::createProfileListModel(ProfileStore store, QObject *parent)
{
    return new ProfileListModel(std::move(store), parent);
}

WorkloadsModel *BackendFactory::createPodsModel(QObject *parent)
{
    return new WorkloadsModel(WorkloadsModel::Kind::Pods, parent);
}

WorkloadsModel *BackendFactory::createDeploymentsModel(QObject *parent)
{
    return new WorkloadsModel(WorkloadsModel::Kind::Deployments, parent);
}

FailureReasons *BackendFactory::createFailureReasons(QObject *parent)
{
    return new FailureReasons(parent);
}

PodTopModel *BackendFactory::createPodTopModel(QObject *parent)
{
    return new PodTopModel(parent);
}

EndpointStatsModel *BackendFactory::createEndpointStatsModel(QObject *parent)
{
    return new EndpointStatsModel(parent);
}

OrdersModel *BackendFactory::createOrdersModel(OrdersRepository *repository, QObject *parent)
{
    return new OrdersModel(repository, parent);
}

} // namespace bc
