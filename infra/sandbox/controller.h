#pragma once

// The one interface every simulated controller implements (as kwok's controllers each are one type
// behind one loop): ClusterSimulator calls reconcile() on each in turn from the shared ReconcileLoop,
// and a test calls it directly after advancing a ManualClock.

#include "infra/sandbox/sim_clock.h"

namespace bc::sandbox {

class Controller {
public:
    virtual ~Controller() = default;
    // One pass at `now` (the cluster's clock). The caller holds ClusterState::mutex.
    virtual void reconcile(SimClock::time_point now) = 0;
    // True while the controller waits on a timer, so a pass is due although no object changed.
    virtual bool waiting(SimClock::time_point now) const
    {
        (void)now;
        return false;
    }
};

} // namespace bc::sandbox
