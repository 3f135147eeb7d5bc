#pragma once

// What the simulated cluster's controllers share: the object store, the options and clock, the per-pod
// simulation (node, phase timers, resource use, logs) and the Event recorder. One recursive mutex guards
// it; ClusterSimulator's public calls and the reconcile pass take it, controllers run under it.

#include "infra/sandbox/json.h"
#include "infra/sandbox/sim_clock.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace bc::sandbox {

class ObjectStore;
class PodRuntime;

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

// One container's log, bounded: `dropped` lines went off the front.
struct ContainerLog {
    std::deque<std::string> lines;
    std::size_t dropped = 0;
};

// The kubelet's and the resource model's view of one pod.
struct PodSim {
    std::string ns, name, node;
    SimClock::time_point scheduledAt{};
    SimClock::time_point deleteAt{};
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
    std::map<std::string, ContainerLog> logs;
    SimClock::time_point lastLog{};
    std::shared_ptr<PodRuntime> runtime; // containers that fail to pull, exit or fail probes
    std::map<std::string, std::string> eventSeries; // type + reason + message -> Event counting repeats
};

class ClusterState {
public:
    ClusterState(ObjectStore &store, SimulatorOptions options);
    ClusterState(const ClusterState &) = delete;
    ClusterState &operator=(const ClusterState &) = delete;

    ObjectStore &store() const { return m_store; }
    const SimulatorOptions &options() const { return m_options; }
    SimClock::time_point now() const { return m_clock->now(); }
    // Real time a simulated span takes (options().timeScale).
    SimClock::duration realDuration(double simSeconds) const;

    std::recursive_mutex &mutex() const { return m_mutex; }
    std::condition_variable_any &logChanged() const { return m_logChanged; }

    std::map<std::string, PodSim> &pods() { return m_pods; } // by uid
    const std::map<std::string, PodSim> &pods() const { return m_pods; }
    PodSim *simFor(const std::string &ns, const std::string &pod);
    const PodSim *simFor(const std::string &ns, const std::string &pod) const;
    PodSim *find(const std::string &uid);
    PodSim &add(const std::string &uid, PodSim sim); // indexed by sim.ns/sim.name too
    std::map<std::string, PodSim>::iterator forget(std::map<std::string, PodSim>::iterator it);

    std::string allocatePodIp();
    void reservePodIps(std::uint32_t count) { m_nextPodIp += count; }
    void log(PodSim &sim, const std::string &container, const std::string &line);

    // Creates an Event (dropping the oldest beyond options().maxEvents); returns its name, empty when
    // it could not be stored.
    std::string recordEvent(const Json &involved, const std::string &type, const std::string &reason,
                            const std::string &message, const std::string &component);

private:
    ObjectStore &m_store;
    SimulatorOptions m_options;
    std::shared_ptr<const SimClock> m_clock;
    mutable std::recursive_mutex m_mutex;
    mutable std::condition_variable_any m_logChanged;
    std::map<std::string, PodSim> m_pods;
    std::map<std::pair<std::string, std::string>, std::string> m_podUid; // (ns,name) -> uid
    std::deque<std::pair<std::string, std::string>> m_events;
    std::uint32_t m_nextPodIp = 0;
};

} // namespace bc::sandbox
