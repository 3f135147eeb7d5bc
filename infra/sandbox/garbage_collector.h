#pragma once

// The garbage collector: ReplicaSets and pods whose every owner is gone are deleted (background
// propagation; pods with their grace period).

#include "infra/sandbox/controller.h"

namespace bc::sandbox {

class ClusterState;
class PodLifecycle;

class GarbageCollector final : public Controller {
public:
    GarbageCollector(ClusterState &state, PodLifecycle &kubelet);

    void reconcile(SimClock::time_point now) override;

private:
    ClusterState &m_state;
    PodLifecycle &m_kubelet;
};

} // namespace bc::sandbox
