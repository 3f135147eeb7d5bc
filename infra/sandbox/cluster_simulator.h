#pragma once

#include "infra/sandbox/json.h"
#include "infra/sandbox/reconcile_loop.h"
#include "infra/sandbox/resource_registry.h"
#include "infra/sandbox/sim_clock.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace bc::sandbox {

class JobController;
class ObjectStore;
class PodRuntime;
struct Snapshot;

struct SimulatorOptions {
    int nodeCount = 3;
    std::string machineType = "e2-standard-2";
    double nodeCpu = 2.0;                         // cores of capacity per node
    double nodeMemory = 8.0 * 1024 * 1024 * 1024; // bytes of capacity per node
    int maxPodsPerNode = 110;
    double podStartDelay = 2.0;     // simulated seconds from scheduling to Running/Ready
    double loadBalancerDelay = 3.0; // simulated seconds a LoadBalancer stays <pending>
    double timeScale = 1.0;         // real seconds per simulated second (0.1 = ten times faster)
    std::size_t maxEvents = 2000;   // oldest Event objects are dropped beyond this
    int tickMilliseconds = 100;
    std::shared_ptr<const SimClock> clock; // null: real time (steadyClock())
};

// Usage of one pod as the metrics API reports it.
struct PodUsage {
    double cpuCores = 0;       // current, capped at the limit
    double memoryBytes = 0;    // working set
    double throttledSeconds = 0; // CPU work that had to wait because of the limit (cumulative)
    int restarts = 0;
};

// The "cluster": controllers (deployment -> replicaset -> pods, garbage collection, endpoints,
// load balancers), a scheduler on node capacity, a kubelet (pod phases, logs, graceful termination)
// and the resource simulation behind metrics.k8s.io. It works on the ObjectStore like real
// controllers work on the API server. Thread safe.
class ClusterSimulator {
public:
    ClusterSimulator(ObjectStore &store, ResourceRegistry &registry, SimulatorOptions options);
    ~ClusterSimulator();
    ClusterSimulator(const ClusterSimulator &) = delete;
    ClusterSimulator &operator=(const ClusterSimulator &) = delete;

    void start(); // background reconcile loop
    void stop();
    void reconcile(); // one pass of every controller
    const SimulatorOptions &options() const { return m_options; }

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
    struct Container {
        std::deque<std::string> lines;
        std::size_t dropped = 0;
    };
    struct PodSim {
        std::string ns, name, node;
        std::chrono::steady_clock::time_point scheduledAt{};
        std::chrono::steady_clock::time_point deleteAt{};
        bool running = false;
        bool terminating = false;
        bool failedSchedulingReported = false;
        double cpuBaseline = 0.002, cpuLimit = 0, cpuUsage = 0, pendingWork = 0, throttled = 0;
        double memBaseline = 16 * 1048576.0, memExtra = 0, memLimit = 0;
        double memHeld = 0; // by calls whose work is still pending
        double workingSet() const { return memBaseline + memExtra + memHeld; }
        double requestsServed = 0;
        int restarts = 0;
        bool oomPending = false;
        std::map<std::string, Container> logs;
        std::chrono::steady_clock::time_point lastLog{};
        std::shared_ptr<PodRuntime> runtime; // containers that fail to pull, exit or fail probes
        std::map<std::string, std::string> eventSeries; // type + reason + message -> Event counting repeats
    };

    void reconcileControllers();
    std::chrono::steady_clock::duration realDuration(double simSeconds) const;
    void reconcileDeployments(const std::vector<Json> &deployments, std::vector<Json> &replicasets);
    using Pods = std::vector<std::shared_ptr<const Snapshot>>; // shared, never copied per pass
    void reconcileReplicaSets(const std::vector<Json> &replicasets, const Pods &pods);
    void schedule(Pods &pods, const std::vector<Json> &nodes);
    void runKubelet(const Pods &pods);
    void runPodRuntime(PodSim &sim); // container_runtime.cpp's model: status and events
    void reconcileServices(const std::vector<Json> &services, const Pods &pods);
    void collectGarbage();
    void updateMetrics(double dtSeconds);
    void log(PodSim &sim, const std::string &container, const std::string &line);
    PodSim *simFor(const std::string &ns, const std::string &pod);
    const PodSim *simFor(const std::string &ns, const std::string &pod) const;
    std::string allocatePodIp();
    Json containerStatuses(const Json &pod, const PodSim &sim, bool running) const;
    void createPodFor(const Json &rs);

    ObjectStore &m_store;
    ResourceRegistry &m_registry;
    std::unique_ptr<JobController> m_jobs;
    SimulatorOptions m_options;
    std::shared_ptr<const SimClock> m_clock;

    mutable std::recursive_mutex m_mutex; // controllers call the public helpers while holding it
    mutable std::condition_variable_any m_logChanged;
    std::map<std::string, PodSim> m_pods; // by uid
    std::map<std::pair<std::string, std::string>, std::string> m_podUid; // (ns,name) -> uid
    std::map<std::string, std::chrono::steady_clock::time_point> m_lbSeen; // service uid
    std::map<std::string, std::string> m_lbOverride; // ns/name -> ip
    std::set<std::pair<std::string, std::string>> m_managedEndpoints;
    std::deque<std::pair<std::string, std::string>> m_events;
    std::uint32_t m_nextPodIp = 0;
    std::uint32_t m_nextClusterIp = 10;
    std::uint32_t m_nextLbIp = 2;
    std::uint32_t m_nextNodePort = 30000;
    std::chrono::steady_clock::time_point m_lastMetrics;
    std::uint64_t m_lastPassRv = 0; // store resourceVersion the last full pass started from
    bool m_lbPending = false;

    ReconcileLoop m_loop; // last: stopped before the members its passes use go
};

} // namespace bc::sandbox
