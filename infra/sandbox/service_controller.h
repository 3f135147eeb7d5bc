#pragma once

// Services and their load balancers: cluster IPs and node ports on create; a LoadBalancer service
// stays <pending> for SimulatorOptions::loadBalancerDelay, then gets a loopback ingress address (or
// the one setIngress() names, e.g. where a simulated frontend listens).

#include "infra/sandbox/controller.h"
#include "infra/sandbox/json.h"

#include <cstdint>
#include <map>
#include <string>

namespace bc::sandbox {

class ClusterState;

class ServiceController final : public Controller {
public:
    explicit ServiceController(ClusterState &state);

    // Service defaults on create: type, clusterIP, port protocol/targetPort, nodePorts.
    void admit(Json &service);
    void setIngress(const std::string &ns, const std::string &service, const std::string &ip);

    void reconcile(SimClock::time_point now) override;
    bool waiting(SimClock::time_point) const override { return m_lbPending; }

private:
    void ensureLoadBalancer(const Json &service, SimClock::time_point now);

    ClusterState &m_state;
    std::map<std::string, SimClock::time_point> m_lbSeen; // service uid -> first seen without ingress
    std::map<std::string, std::string> m_lbOverride;       // ns/name -> ip
    std::uint32_t m_nextClusterIp = 10;
    std::uint32_t m_nextLbIp = 2;
    std::uint32_t m_nextNodePort = 30000;
    bool m_lbPending = false;
};

} // namespace bc::sandbox
