#include "infra/sandbox/endpoints_controller.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/cluster_state.h"
#include "infra/sandbox/controller_support.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/selector.h"

#include <algorithm>

namespace bc::sandbox {

using namespace sim;

EndpointsController::EndpointsController(ClusterState &state) : m_state(state) {}

void EndpointsController::reconcile(SimClock::time_point)
{
    const Pods pods = m_state.store().list(kPods);
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto &s : m_state.store().list(kServices)) {
        const Json &svc = s->obj;
        seen.insert({str(svc["metadata"], "namespace"), str(svc["metadata"], "name")});
        const Json endpoints = endpointsFor(svc, pods);
        if (endpoints.is_null())
            continue;
        m_managed.insert({str(endpoints["metadata"], "namespace"), str(endpoints["metadata"], "name")});
        write(endpoints);
    }
    for (auto it = m_managed.begin(); it != m_managed.end();) {
        if (!seen.count(*it)) {
            try {
                m_state.store().remove(kEndpoints, it->first, it->second);
            } catch (const ApiError &) {
            }
            it = m_managed.erase(it);
        } else {
            ++it;
        }
    }
}

// Null for a service without a selector (its Endpoints are the user's).
Json EndpointsController::endpointsFor(const Json &svc, const Pods &pods)
{
    const std::string ns = str(svc["metadata"], "namespace");
    const std::string name = str(svc["metadata"], "name");
    const Json &spec = svc["spec"];
    const Json *selector = at(spec, "selector");
    if (!selector || !selector->is_object() || selector->empty())
        return Json();
    const Selector sel = Selector::fromMap(*selector);
    Json ready = Json::array(), notReady = Json::array();
    const Json *firstPod = nullptr;
    for (const auto &ps : pods) {
        const Json &p = ps->obj;
        if (str(p["metadata"], "namespace") != ns || !sel.matchesLabels(p["metadata"].value("labels", Json::object())))
            continue;
        const std::string ip = str(p["status"], "podIP");
        if (ip.empty())
            continue;
        Json addr = {{"ip", ip},
                     {"nodeName", str(p["spec"], "nodeName")},
                     {"targetRef",
                      {{"kind", "Pod"},
                       {"namespace", ns},
                       {"name", str(p["metadata"], "name")},
                       {"uid", str(p["metadata"], "uid")}}}};
        if (podReady(p)) {
            ready.push_back(addr);
            if (!firstPod)
                firstPod = &p;
        } else if (!terminating(p)) {
            notReady.push_back(addr);
        }
    }
    const auto byIp = [](const Json &a, const Json &b) { return str(a, "ip") < str(b, "ip"); };
    std::sort(ready.begin(), ready.end(), byIp);
    std::sort(notReady.begin(), notReady.end(), byIp);
    Json ports = Json::array();
    if (spec.contains("ports"))
        for (const auto &sp : spec["ports"]) {
            long long port = sp.value("port", 0);
            if (sp.contains("targetPort")) {
                if (sp["targetPort"].is_number()) {
                    port = sp["targetPort"].get<long long>();
                } else if (sp["targetPort"].is_string() && firstPod) {
                    const std::string pname = sp["targetPort"].get<std::string>();
                    for (const auto &c : (*firstPod)["spec"]["containers"])
                        if (c.contains("ports"))
                            for (const auto &cp : c["ports"])
                                if (str(cp, "name") == pname)
                                    port = cp.value("containerPort", port);
                }
            }
            Json ep = {{"port", port}, {"protocol", sp.contains("protocol") ? str(sp, "protocol") : "TCP"}};
            if (!str(sp, "name").empty())
                ep = {{"name", str(sp, "name")}, {"port", port}, {"protocol", ep["protocol"]}};
            ports.push_back(ep);
        }
    Json endpoints = {{"apiVersion", "v1"},
                      {"kind", "Endpoints"},
                      {"metadata",
                       {{"name", name},
                        {"namespace", ns},
                        {"labels", svc["metadata"].value("labels", Json::object())}}}};
    if (!ready.empty() || !notReady.empty()) {
        Json subset = Json::object();
        if (!ready.empty())
            subset["addresses"] = ready;
        if (!notReady.empty())
            subset["notReadyAddresses"] = notReady;
        subset["ports"] = ports;
        endpoints["subsets"] = {subset};
    }
    return endpoints;
}

void EndpointsController::write(const Json &endpoints)
{
    const std::string ns = str(endpoints["metadata"], "namespace");
    const std::string name = str(endpoints["metadata"], "name");
    try {
        const SnapshotPtr cur = m_state.store().get(kEndpoints, ns, name);
        if (!cur) {
            m_state.store().create(kEndpoints, endpoints);
        } else {
            m_state.store().mutate(kEndpoints, ns, name, [&](Json &o) {
                if (o.value("subsets", Json()) == endpoints.value("subsets", Json())
                    && o["metadata"].value("labels", Json::object()) == endpoints["metadata"]["labels"])
                    return false;
                if (endpoints.contains("subsets"))
                    o["subsets"] = endpoints["subsets"];
                else
                    o.erase("subsets");
                o["metadata"]["labels"] = endpoints["metadata"]["labels"];
                return true;
            });
        }
    } catch (const ApiError &) {
    }
}

} // namespace bc::sandbox
