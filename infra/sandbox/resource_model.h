#pragma once

// The resource and metrics model: CPU work queues on each running pod and is served up to its limit
// (the rest is throttled, and dropped past 10 s of backlog), memory is baseline + extra + what queued
// calls hold, a pod past its memory limit is marked for an OOM kill (the kubelet restarts it), and
// metrics.k8s.io reads the smoothed usage. reconcile() advances it by the time since its last step.

#include "infra/sandbox/controller.h"
#include "infra/sandbox/json.h"

#include <optional>
#include <string>

namespace bc::sandbox {

class ClusterState;

// Usage of one pod as the metrics API reports it.
struct PodUsage {
    double cpuCores = 0;         // current, capped at the limit
    double memoryBytes = 0;      // working set
    double throttledSeconds = 0; // CPU work that had to wait because of the limit (cumulative)
    int restarts = 0;
};

class ResourceModel final : public Controller {
public:
    explicit ResourceModel(ClusterState &state);

    void reconcile(SimClock::time_point now) override; // a step when >= 50 ms passed

    bool addCpuWork(const std::string &ns, const std::string &pod, double cpuSeconds, double heldBytes);
    bool addMemory(const std::string &ns, const std::string &pod, double bytes);
    bool setMemory(const std::string &ns, const std::string &pod, double bytes);
    std::optional<PodUsage> usage(const std::string &ns, const std::string &pod) const;

    Json podMetricsList(const std::string &ns) const;
    Json podMetrics(const std::string &ns, const std::string &name) const; // null when unknown
    Json nodeMetricsList() const;
    Json nodeMetrics(const std::string &name) const;

private:
    void step(double dtSeconds, SimClock::time_point now);

    ClusterState &m_state;
    SimClock::time_point m_lastStep;
};

} // namespace bc::sandbox
