#include "infra/sandbox/scheduler.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/cluster_state.h"
#include "infra/sandbox/controller_support.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/pod_lifecycle.h"
#include "infra/sandbox/quantity.h"

#include <algorithm>
#include <map>

namespace bc::sandbox {

using namespace sim;

Scheduler::Scheduler(ClusterState &state) : m_state(state) {}

std::vector<Scheduler::NodeFree> Scheduler::readyNodes(const std::vector<Json> &nodes)
{
    std::vector<NodeFree> free;
    for (const Json &n : nodes) {
        bool ready = false;
        if (const Json *cs = at(n, "status.conditions"); cs && cs->is_array())
            for (const auto &c : *cs)
                if (str(c, "type") == "Ready" && str(c, "status") == "True")
                    ready = true;
        if (!ready || at(n, "spec.unschedulable"))
            continue;
        std::string ip;
        if (const Json *as = at(n, "status.addresses"); as && as->is_array())
            for (const auto &a : *as)
                if (str(a, "type") == "InternalIP")
                    ip = str(a, "address");
        const Json *alloc = at(n, "status.allocatable");
        free.push_back({str(n["metadata"], "name"), ip, alloc ? quantityOf((*alloc)["cpu"]) : 0,
                        alloc ? quantityOf((*alloc)["memory"]) : 0,
                        alloc ? static_cast<long long>(quantityOf((*alloc)["pods"])) : 110});
    }
    return free;
}

void Scheduler::reconcile(SimClock::time_point now)
{
    std::vector<Json> nodes;
    for (const auto &n : m_state.store().list(kNodes))
        nodes.push_back(n->obj);
    std::vector<NodeFree> free = readyNodes(nodes);
    std::map<std::string, NodeFree *> byName;
    for (auto &f : free)
        byName[f.name] = &f;
    const std::vector<SnapshotPtr> pods = m_state.store().list(kPods);
    std::vector<const Json *> pending;
    for (const auto &ps : pods) {
        const Json &p = ps->obj;
        const std::string node = str(p["spec"], "nodeName");
        if (node.empty()) {
            if (!terminating(p))
                pending.push_back(&p);
            continue;
        }
        const std::string phase = str(p["status"], "phase");
        if (phase == "Succeeded" || phase == "Failed")
            continue;
        if (auto it = byName.find(node); it != byName.end()) {
            const Requests r = podRequests(p);
            it->second->cpu -= r.cpu;
            it->second->mem -= r.memory;
            it->second->pods -= 1;
        }
    }
    for (const Json *p : pending) {
        const Requests r = podRequests(*p);
        NodeFree *best = nullptr;
        int noCpu = 0, noMem = 0, noPods = 0;
        for (auto &f : free) {
            const bool cpuOk = f.cpu + 1e-9 >= r.cpu, memOk = f.mem + 1 >= r.memory, podsOk = f.pods >= 1;
            noCpu += cpuOk ? 0 : 1;
            noMem += memOk ? 0 : 1;
            noPods += podsOk ? 0 : 1;
            if (cpuOk && memOk && podsOk && (!best || f.cpu > best->cpu || (f.cpu == best->cpu && f.pods > best->pods)))
                best = &f;
        }
        PodSim &sim = simFor(*p);
        if (!best) {
            if (sim.failedSchedulingReported)
                continue;
            std::string why;
            if (noCpu)
                why += std::to_string(noCpu) + " Insufficient cpu";
            if (noMem)
                why += std::string(why.empty() ? "" : ", ") + std::to_string(noMem) + " Insufficient memory";
            if (noPods)
                why += std::string(why.empty() ? "" : ", ") + std::to_string(noPods) + " Too many pods";
            reportUnschedulable(sim, *p,
                                "0/" + std::to_string(nodes.size()) + " nodes are available: " + why + ". preemption: 0/"
                                    + std::to_string(nodes.size()) + " nodes are available: "
                                    + std::to_string(nodes.size()) + " No preemption victims found for incoming pod.");
            continue;
        }
        best->cpu -= r.cpu;
        best->mem -= r.memory;
        best->pods -= 1;
        bind(sim, *p, *best, now);
    }
}

// The simulation of a pod starts when the scheduler first sees it: baseline CPU and memory are drawn here.
PodSim &Scheduler::simFor(const Json &pod)
{
    const std::string uid = str(pod["metadata"], "uid");
    if (PodSim *known = m_state.find(uid))
        return *known;
    PodSim sim;
    sim.ns = str(pod["metadata"], "namespace");
    sim.name = str(pod["metadata"], "name");
    const Requests r = podRequests(pod);
    const Requests lim = podLimits(pod);
    sim.cpuLimit = lim.cpu;
    sim.memLimit = lim.memory;
    sim.cpuBaseline = 0.001 + 0.003 * random01();
    sim.memBaseline = std::max(8.0 * 1048576, (r.memory > 0 ? r.memory * (0.35 + 0.25 * random01())
                                                             : (16 + 16 * random01()) * 1048576));
    if (sim.memLimit > 0)
        sim.memBaseline = std::min(sim.memBaseline, sim.memLimit * 0.8);
    return m_state.add(uid, std::move(sim));
}

void Scheduler::reportUnschedulable(PodSim &sim, const Json &pod, const std::string &message)
{
    sim.failedSchedulingReported = true;
    const std::string now = timeNow();
    try {
        const SnapshotPtr s = m_state.store().mutate(kPods, str(pod["metadata"], "namespace"),
                                                     str(pod["metadata"], "name"), [&](Json &o) {
                                                         Json c = condition("PodScheduled", false, now, "Unschedulable", message);
                                                         // Json::array: a bare {c} is c itself for gcc, [c] for clang
                                                         setConditions(o["status"], Json::array({c}));
                                                         return true;
                                                     });
        m_state.recordEvent(s->obj, "Warning", "FailedScheduling", message, "default-scheduler");
    } catch (const ApiError &) {
    }
}

void Scheduler::bind(PodSim &sim, const Json &pod, const NodeFree &node, SimClock::time_point nowClock)
{
    const std::string ns = str(pod["metadata"], "namespace");
    const std::string name = str(pod["metadata"], "name");
    const std::string now = timeNow();
    sim.node = node.name;
    sim.scheduledAt = nowClock;
    try {
        const SnapshotPtr s = m_state.store().mutate(kPods, ns, name, [&](Json &o) {
            o["spec"]["nodeName"] = node.name;
            o["status"]["hostIP"] = node.ip;
            o["status"]["hostIPs"] = {{{"ip", node.ip}}};
            o["status"]["startTime"] = now;
            o["status"]["conditions"] = {
                condition("Initialized", true, now),
                condition("Ready", false, now, "ContainersNotReady", "containers with unready status"),
                condition("ContainersReady", false, now, "ContainersNotReady", "containers with unready status"),
                condition("PodScheduled", true, now)};
            o["status"]["containerStatuses"] = PodLifecycle::containerStatuses(o, sim, false);
            if (o["spec"].contains("initContainers")) {
                Json init = Json::array();
                for (const auto &c : o["spec"]["initContainers"])
                    init.push_back({{"name", str(c, "name")},
                                    {"image", str(c, "image")},
                                    {"imageID", ""},
                                    {"ready", false},
                                    {"restartCount", 0},
                                    {"started", false},
                                    {"state", {{"waiting", {{"reason", "PodInitializing"}}}}}});
                o["status"]["initContainerStatuses"] = init;
            }
            return true;
        });
        m_state.recordEvent(s->obj, "Normal", "Scheduled", "Successfully assigned " + ns + "/" + name + " to " + node.name,
                            "default-scheduler");
    } catch (const ApiError &) {
    }
}

} // namespace bc::sandbox
