#pragma once

// The kubelet: a scheduled pod turns Running and Ready after SimulatorOptions::podStartDelay (or follows
// container_runtime.cpp's model when its containers fail to pull, exit or fail probes), restarts after an
// OOM kill, and goes after its graceful termination.

#include "infra/sandbox/controller.h"
#include "infra/sandbox/json.h"

#include <map>
#include <set>
#include <string>

namespace bc::sandbox {

class ClusterState;
struct PodSim;

class PodLifecycle final : public Controller {
public:
    explicit PodLifecycle(ClusterState &state);

    // Pod defaults on create (container fields, restart policy, qosClass, phase Pending).
    static void admit(Json &pod);

    void reconcile(SimClock::time_point now) override;
    bool waiting(SimClock::time_point now) const override;

    // Graceful deletion; gracePeriod < 0 means the pod's own terminationGracePeriodSeconds. A pod that
    // never ran goes at once.
    Json deletePod(const std::string &ns, const std::string &name, long long gracePeriod);

    static Json containerStatuses(const Json &pod, const PodSim &sim, bool running);

private:
    void startContainers(PodSim &sim, SimClock::time_point now);
    void restartAfterOom(PodSim &sim);
    void runPodRuntime(PodSim &sim, SimClock::time_point now);
    void finishTermination(std::map<std::string, PodSim>::iterator it);
    void forgetVanished(const std::set<std::string> &alive);

    ClusterState &m_state;
};

} // namespace bc::sandbox
