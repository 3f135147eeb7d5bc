#pragma once

// The endpoints controller: one Endpoints object per service with a selector, listing the matching
// pods' IPs (ready and not ready) and the resolved target ports; removed with its service.

#include "infra/sandbox/controller.h"
#include "infra/sandbox/json.h"

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace bc::sandbox {

class ClusterState;
struct Snapshot;

class EndpointsController final : public Controller {
public:
    explicit EndpointsController(ClusterState &state);

    void reconcile(SimClock::time_point now) override;

private:
    using Pods = std::vector<std::shared_ptr<const Snapshot>>;
    static Json endpointsFor(const Json &service, const Pods &pods);
    void write(const Json &endpoints);

    ClusterState &m_state;
    std::set<std::pair<std::string, std::string>> m_managed; // (ns, name)
};

} // namespace bc::sandbox
