#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace bc::sandbox {
class ObjectStore;
class ClusterSimulator;
} // namespace bc::sandbox

namespace bc::sandbox::storefront {

// `--fault SERVICE:latency=MS,error=RATE`: extra latency per call and a share of calls that fail.
// `SERVICE@v2:...` applies to the calls its v2 pods serve (image tag or CANARY_VERSION v2*) only.
struct FaultSpec {
    double latencyMs = 0;
    double errorRate = 0; // 0..1
};
// Parses "SERVICE:latency=MS,error=RATE" (either key may be left out). Returns an error message or "".
std::string parseFault(const std::string &text, std::string &service, FaultSpec &spec);

// One ready pod behind a Service, as kube-proxy would pick it.
struct PodEndpoint {
    std::string name;
    double cpuLimit = 1.0; // cores; the queueing model's service rate
    bool v2 = false;       // image tag v2*, env CANARY_VERSION=v2*
    std::map<std::string, std::string> labels;
    std::map<std::string, std::string> env; // its first container's env entries with a literal value
};

// What the storefront needs of the cluster, rebuilt from the object store when it changes.
struct Topology {
    std::string ns;               // namespace of the frontend LoadBalancer Service
    std::string frontendService;  // its name ("frontend-external"); empty = none yet
    int frontendPort = 80;        // its first port
    std::map<std::string, std::vector<PodEndpoint>> ready; // Service name -> ready pods (Endpoints)
    struct Subset {
        int weight = 0;
        std::map<std::string, std::string> labels;
    };
    std::map<std::string, std::vector<Subset>> istioRoutes; // host -> weighted subsets (VirtualService)
    bool deployed(const std::string &service) const { return ready.count(service) != 0; }
};

// The simulated service graph: routes a call to a ready pod (uniformly, or by Istio weights),
// charges its CPU to the pod in the ClusterSimulator and computes its latency from a work-conserving
// queue per pod that drains at the pod's CPU limit. Thread safe.
class ServiceMesh {
public:
    ServiceMesh(ObjectStore &store, ClusterSimulator &simulator, double costScale);

    void setFault(const std::string &service, FaultSpec spec);
    void refresh(); // re-reads services, endpoints, pods and Istio routes
    std::shared_ptr<const Topology> topology() const;
    double costScale() const { return m_costScale; }

    // A request's virtual timeline (steady-clock seconds); calls run one after the other.
    struct Trace {
        double t = 0;
        std::shared_ptr<const Topology> topo;
    };
    Trace begin() const;
    // One RPC to `service` costing cpuSeconds (before costScale). Returns "" on success, otherwise the
    // error text the caller would get from gRPC. `picked` receives the pod that served it.
    std::string call(Trace &trace, const std::string &service, const std::string &method, double cpuSeconds,
                     const PodEndpoint **picked = nullptr);
    static void finish(const Trace &trace); // sleeps until the trace's end

    static constexpr double kMaxQueueSeconds = 10.0; // beyond this a call fails (DeadlineExceeded)

private:
    ObjectStore &m_store;
    ClusterSimulator &m_simulator;
    const double m_costScale;
    mutable std::mutex m_mutex;
    std::shared_ptr<const Topology> m_topology;
    std::uint64_t m_seenRv = 0;
    std::map<std::string, FaultSpec> m_faults;
    struct Backlog {
        double work = 0; // CPU seconds not yet served
        double at = 0;   // timeline seconds (steady clock) the backlog was last drained to
    };
    std::mutex m_queueMutex;
    std::unordered_map<std::string, Backlog> m_backlog; // by pod
};

double steadySeconds();

} // namespace bc::sandbox::storefront
