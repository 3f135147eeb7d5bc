#pragma once

#include "infra/sandbox/cluster_state.h"
#include "infra/sandbox/deployment_controller.h"
#include "infra/sandbox/endpoints_controller.h"
#include "infra/sandbox/garbage_collector.h"
#include "infra/sandbox/json.h"
#include "infra/sandbox/pod_lifecycle.h"
#include "infra/sandbox/reconcile_loop.h"
#include "infra/sandbox/replicaset_controller.h"
#include "infra/sandbox/resource_model.h"
#include "infra/sandbox/resource_registry.h"
#include "infra/sandbox/scheduler.h"
#include "infra/sandbox/service_account_controller.h"
#include "infra/sandbox/service_controller.h"
#include "infra/sandbox/sim_clock.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bc::sandbox {

class JobController;
class ObjectStore;

// The "cluster": controllers (deployment -> replicaset -> pods, garbage collection, endpoints,
// load balancers), a scheduler on node capacity, a kubelet (pod phases, logs, graceful termination)
// and the resource simulation behind metrics.k8s.io. It works on the ObjectStore like real
// controllers work on the API server. Each controller is its own class (one file each, behind
// controller.h); this class owns and wires them, runs them in one pass on the shared ReconcileLoop
// and keeps the API the rest of the sandbox uses. Thread safe.
class ClusterSimulator {
public:
    ClusterSimulator(ObjectStore &store, ResourceRegistry &registry, SimulatorOptions options);
    ~ClusterSimulator();
    ClusterSimulator(const ClusterSimulator &) = delete;
    ClusterSimulator &operator=(const ClusterSimulator &) = delete;

    void start(); // background reconcile loop
    void stop();
    void reconcile(); // one pass of every controller
    const SimulatorOptions &options() const { return m_state.options(); }

    // Bootstraps namespaces, nodes and the kubernetes service (no-op for what exists).
    void bootstrap();

    // Defaults an object gets on create (pod status Pending, service clusterIP, ...).
    void admit(const ResourceType &type, Json &obj);
    // Throws ApiError(422) when an update would leave an object the controllers cannot read.
    static void validate(const ResourceType &type, const Json &obj);
    // Graceful pod deletion; gracePeriod < 0 means the pod's own terminationGracePeriodSeconds.
    Json deletePod(const std::string &ns, const std::string &name, long long gracePeriod);

    // ---- hooks for a traffic simulation (part 2) ----
    // heldBytes: memory the call holds until its CPU work is served (request buffers, parsed data), so a
    // pod whose queue grows beyond its CPU limit grows in memory too, and past its memory limit is
    // OOMKilled, as a saturated service on a real cluster can be.
    bool addCpuWork(const std::string &ns, const std::string &pod, double cpuSeconds, double heldBytes = 0);
    bool addMemory(const std::string &ns, const std::string &pod, double bytes);
    bool setMemory(const std::string &ns, const std::string &pod, double bytes);
    bool appendLog(const std::string &ns, const std::string &pod, const std::string &container,
                   const std::string &line);
    std::optional<PodUsage> usage(const std::string &ns, const std::string &pod) const;
    // Overrides the address a LoadBalancer service reports (e.g. where a simulated frontend listens).
    bool setLoadBalancerIngress(const std::string &ns, const std::string &service, const std::string &ip);
    void recordEvent(const Json &involved, const std::string &type, const std::string &reason,
                     const std::string &message, const std::string &component);

    // ---- served by the HTTP layer ----
    Json podMetricsList(const std::string &ns) const;
    Json podMetrics(const std::string &ns, const std::string &name) const; // null when unknown
    Json nodeMetricsList() const;
    Json nodeMetrics(const std::string &name) const;
    // Lines [from, ...) of a container log. `ended` = the container is gone. Returns the next index.
    std::size_t readLog(const std::string &ns, const std::string &pod, const std::string &container,
                        std::size_t from, std::vector<std::string> &lines, bool &ended, bool &known) const;
    std::size_t logSize(const std::string &ns, const std::string &pod, const std::string &container) const;
    void waitLog(std::chrono::milliseconds timeout) const;

private:
    class JobPass;

    ObjectStore &m_store;
    ResourceRegistry &m_registry;
    ClusterState m_state; // its mutex guards what follows; controllers run under it
    PodLifecycle m_kubelet;
    GarbageCollector m_garbage;
    DeploymentController m_deployments;
    ReplicaSetController m_replicaSets;
    std::unique_ptr<JobController> m_jobs;
    std::unique_ptr<Controller> m_jobPass;
    Scheduler m_scheduler;
    ServiceController m_services;
    EndpointsController m_endpoints;
    ServiceAccountController m_serviceAccounts;
    ResourceModel m_resources;
    std::vector<Controller *> m_controllers; // in pass order
    std::uint64_t m_lastPassRv = 0;          // store resourceVersion the last full pass started from

    ReconcileLoop m_loop; // last: stopped before the members its passes use go
};

} // namespace bc::sandbox
