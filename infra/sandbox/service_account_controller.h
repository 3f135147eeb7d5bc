#pragma once

// Service accounts named "default" in every namespace, like the token controller makes them.

#include "infra/sandbox/controller.h"

namespace bc::sandbox {

class ClusterState;

class ServiceAccountController final : public Controller {
public:
    explicit ServiceAccountController(ClusterState &state);

    void reconcile(SimClock::time_point now) override;

private:
    ClusterState &m_state;
};

} // namespace bc::sandbox
