#pragma once

// The default scheduler: binds each unscheduled pod to the ready node with the most free CPU that fits
// its requests (CPU, memory, pod count), or marks it Unschedulable with a FailedScheduling event.

#include "infra/sandbox/controller.h"
#include "infra/sandbox/json.h"

#include <string>
#include <vector>

namespace bc::sandbox {

class ClusterState;
struct PodSim;

class Scheduler final : public Controller {
public:
    explicit Scheduler(ClusterState &state);

    void reconcile(SimClock::time_point now) override;

private:
    struct NodeFree {
        std::string name, ip;
        double cpu, mem;
        long long pods;
    };
    static std::vector<NodeFree> readyNodes(const std::vector<Json> &nodes);
    PodSim &simFor(const Json &pod);
    void reportUnschedulable(PodSim &sim, const Json &pod, const std::string &message);
    void bind(PodSim &sim, const Json &pod, const NodeFree &node, SimClock::time_point now);

    ClusterState &m_state;
};

} // namespace bc::sandbox
