#pragma once

// The replicaset controller: creates pods from the template up to spec.replicas, deletes the surplus
// (unscheduled first, then not ready, then the newest) and reports replicas and readiness in status.

#include "infra/sandbox/controller.h"
#include "infra/sandbox/json.h"

#include <string>
#include <vector>

namespace bc::sandbox {

class ClusterState;
class PodLifecycle;

class ReplicaSetController final : public Controller {
public:
    ReplicaSetController(ClusterState &state, PodLifecycle &kubelet);

    void reconcile(SimClock::time_point now) override;

private:
    void reconcileOne(const Json &rs, const std::vector<const Json *> &pods);
    void createPod(const Json &rs);
    void deleteSurplus(const Json &rs, std::vector<const Json *> active, long long surplus);
    void updateStatus(const Json &rs, const std::vector<const Json *> &active);

    ClusterState &m_state;
    PodLifecycle &m_kubelet;
};

} // namespace bc::sandbox
