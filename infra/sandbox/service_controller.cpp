#include "infra/sandbox/service_controller.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/cluster_state.h"
#include "infra/sandbox/controller_support.h"
#include "infra/sandbox/object_store.h"

namespace bc::sandbox {

using namespace sim;

ServiceController::ServiceController(ClusterState &state) : m_state(state) {}

void ServiceController::admit(Json &service)
{
    Json &spec = service["spec"];
    if (!spec.is_object())
        spec = Json::object();
    if (!spec.contains("type"))
        spec["type"] = "ClusterIP";
    if (!spec.contains("sessionAffinity"))
        spec["sessionAffinity"] = "None";
    if (str(spec, "clusterIP").empty()) {
        const std::uint32_t n = m_nextClusterIp++;
        const std::string ip = "10.96." + std::to_string((n / 250) % 250) + "." + std::to_string(n % 250 + 2);
        spec["clusterIP"] = ip;
        spec["clusterIPs"] = {ip};
    }
    if (spec.contains("ports") && spec["ports"].is_array())
        for (auto &p : spec["ports"]) {
            if (!p.contains("protocol"))
                p["protocol"] = "TCP";
            if (!p.contains("targetPort") && p.contains("port"))
                p["targetPort"] = p["port"];
            if ((str(spec, "type") == "LoadBalancer" || str(spec, "type") == "NodePort") && !p.contains("nodePort"))
                p["nodePort"] = 30000 + (m_nextNodePort++ - 30000) % 2768;
        }
    if (str(spec, "type") == "LoadBalancer" && !spec.contains("externalTrafficPolicy"))
        spec["externalTrafficPolicy"] = "Cluster";
    service["status"] = {{"loadBalancer", Json::object()}};
}

void ServiceController::setIngress(const std::string &ns, const std::string &service, const std::string &ip)
{
    m_lbOverride[ns + "/" + service] = ip;
}

void ServiceController::reconcile(SimClock::time_point now)
{
    m_lbPending = false;
    for (const auto &s : m_state.store().list(kServices))
        if (str(s->obj["spec"], "type") == "LoadBalancer")
            ensureLoadBalancer(s->obj, now);
}

// <pending>, then a loopback address.
void ServiceController::ensureLoadBalancer(const Json &svc, SimClock::time_point nowClock)
{
    const std::string ns = str(svc["metadata"], "namespace");
    const std::string name = str(svc["metadata"], "name");
    const std::string uid = str(svc["metadata"], "uid");
    const Json *ing = at(svc, "status.loadBalancer.ingress");
    const auto ov = m_lbOverride.find(ns + "/" + name);
    if (!ing || !ing->is_array() || ing->empty()
        || (ov != m_lbOverride.end() && str((*ing)[0], "ip") != ov->second)) {
        auto [lb, inserted] = m_lbSeen.try_emplace(uid, nowClock);
        (void)inserted;
        m_lbPending = true;
        if (nowClock >= lb->second + m_state.realDuration(m_state.options().loadBalancerDelay)) {
            const std::string ip = ov != m_lbOverride.end() ? ov->second
                                                            : "127.0.0." + std::to_string(2 + (m_nextLbIp++ - 2) % 250);
            try {
                const SnapshotPtr s = m_state.store().mutate(kServices, ns, name, [&](Json &o) {
                    o["status"]["loadBalancer"]["ingress"] = {{{"ip", ip}}};
                    return true;
                });
                m_state.recordEvent(s->obj, "Normal", "EnsuredLoadBalancer", "Ensured load balancer", "service-controller");
            } catch (const ApiError &) {
            }
        }
    }
}

} // namespace bc::sandbox
