#include "infra/sandbox/resource_model.h"

#include "infra/sandbox/cluster_state.h"
#include "infra/sandbox/controller_support.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/quantity.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace bc::sandbox {

using namespace sim;

ResourceModel::ResourceModel(ClusterState &state) : m_state(state), m_lastStep(state.now()) {}

void ResourceModel::reconcile(SimClock::time_point now)
{
    const double dt = std::chrono::duration<double>(now - m_lastStep).count();
    if (dt >= 0.05) {
        step(dt, now);
        m_lastStep = now;
    }
}

void ResourceModel::step(double dt, SimClock::time_point nowClock)
{
    constexpr double kTau = 3.0; // seconds: how fast reported usage follows the work
    const double alpha = 1.0 - std::exp(-dt / kTau);
    const std::string now = timeNow();
    for (auto &[uid, sim] : m_state.pods()) {
        if (!sim.running || sim.terminating)
            continue;
        double demand = sim.pendingWork / dt; // cores wanted in this interval
        const double cap = sim.cpuLimit > 0 ? std::max(0.0, sim.cpuLimit - sim.cpuBaseline) : 1e9;
        const double served = std::min(demand, cap);
        const double pendingBefore = sim.pendingWork;
        sim.pendingWork -= served * dt;
        if (sim.pendingWork > 1e-9) {
            sim.throttled += sim.pendingWork;
            // Work that cannot run within 10 s of backlog is dropped (requests time out, as the
            // storefront's calls do after 10 s in the queue).
            sim.pendingWork = std::min(sim.pendingWork, cap * 10.0);
        } else {
            sim.pendingWork = 0;
        }
        // Calls release their memory as their work is served (or dropped).
        sim.memHeld = pendingBefore > 1e-12 ? sim.memHeld * (sim.pendingWork / pendingBefore) : 0;
        const double jitter = sim.cpuBaseline * (0.8 + 0.4 * random01());
        sim.cpuUsage += alpha * ((jitter + served) - sim.cpuUsage);
        if (sim.memLimit > 0 && sim.workingSet() > sim.memLimit) {
            // The OOM killer ends the container and what it held. Its backlog stays: the storefront's
            // callers still wait for those calls, and the restarted container serves them.
            sim.memExtra = 0;
            sim.memHeld = 0;
            sim.oomPending = true;
        }
        if (sim.requestsServed > 0 && nowClock - sim.lastLog > std::chrono::seconds(5)) {
            const auto first = sim.logs.begin();
            if (first != sim.logs.end()) {
                m_state.log(sim, first->first,
                    now + " INFO handled " + std::to_string(static_cast<long long>(sim.requestsServed)) + " requests");
                sim.requestsServed = 0;
                sim.lastLog = nowClock;
            }
        }
    }
}

bool ResourceModel::addCpuWork(const std::string &ns, const std::string &pod, double cpuSeconds, double heldBytes)
{
    std::lock_guard lock(m_state.mutex());
    PodSim *sim = m_state.simFor(ns, pod);
    if (!sim || !sim->running || sim->terminating)
        return false;
    sim->pendingWork += std::max(0.0, cpuSeconds);
    if (cpuSeconds > 0)
        sim->memHeld += std::max(0.0, heldBytes);
    sim->requestsServed += 1;
    return true;
}

bool ResourceModel::addMemory(const std::string &ns, const std::string &pod, double bytes)
{
    std::lock_guard lock(m_state.mutex());
    PodSim *sim = m_state.simFor(ns, pod);
    if (!sim || !sim->running)
        return false;
    sim->memExtra = std::max(0.0, sim->memExtra + bytes);
    return true;
}

bool ResourceModel::setMemory(const std::string &ns, const std::string &pod, double bytes)
{
    std::lock_guard lock(m_state.mutex());
    PodSim *sim = m_state.simFor(ns, pod);
    if (!sim || !sim->running)
        return false;
    sim->memExtra = std::max(0.0, bytes - sim->memBaseline);
    return true;
}

std::optional<PodUsage> ResourceModel::usage(const std::string &ns, const std::string &pod) const
{
    std::lock_guard lock(m_state.mutex());
    const PodSim *sim = m_state.simFor(ns, pod);
    if (!sim)
        return std::nullopt;
    PodUsage u;
    u.cpuCores = sim->running ? sim->cpuUsage : 0;
    u.memoryBytes = sim->running ? sim->workingSet() : 0;
    u.throttledSeconds = sim->throttled;
    u.restarts = sim->restarts;
    return u;
}

Json ResourceModel::podMetrics(const std::string &ns, const std::string &name) const
{
    std::lock_guard lock(m_state.mutex());
    const PodSim *sim = m_state.simFor(ns, name);
    if (!sim || !sim->running || sim->terminating)
        return Json();
    const SnapshotPtr pod = m_state.store().get(kPods, ns, name);
    if (!pod)
        return Json();
    Json containers = Json::array();
    const Json &cs = pod->obj["spec"]["containers"];
    const double n = static_cast<double>(std::max<size_t>(1, cs.size()));
    bool first = true;
    for (const auto &c : cs) {
        // The first container carries the work; sidecars idle at the baseline share.
        const double cpu = first ? sim->cpuUsage - sim->cpuBaseline * (n - 1) / n : sim->cpuBaseline / n;
        const double mem = first ? sim->workingSet() : sim->memBaseline / n;
        containers.push_back({{"name", str(c, "name")},
                              {"usage", {{"cpu", std::to_string(static_cast<long long>(std::max(0.0, cpu) * 1e9)) + "n"},
                                         {"memory", formatKi(mem)}}}});
        first = false;
    }
    return {{"metadata",
             {{"name", name},
              {"namespace", ns},
              {"creationTimestamp", timeNow()},
              {"labels", pod->obj["metadata"].value("labels", Json::object())}}},
            {"timestamp", timeNow()},
            {"window", "15s"},
            {"containers", containers}};
}

Json ResourceModel::podMetricsList(const std::string &ns) const
{
    std::vector<std::pair<std::string, std::string>> names;
    {
        std::lock_guard lock(m_state.mutex());
        for (const auto &[uid, sim] : m_state.pods())
            if ((ns.empty() || sim.ns == ns) && sim.running && !sim.terminating)
                names.push_back({sim.ns, sim.name});
    }
    std::sort(names.begin(), names.end());
    Json items = Json::array();
    for (const auto &[pns, pname] : names) {
        Json m = podMetrics(pns, pname);
        if (!m.is_null())
            items.push_back(std::move(m));
    }
    return {{"kind", "PodMetricsList"},
            {"apiVersion", "metrics.k8s.io/v1beta1"},
            {"metadata", Json::object()},
            {"items", std::move(items)}};
}

Json ResourceModel::nodeMetrics(const std::string &name) const
{
    if (!m_state.store().get(kNodes, "", name))
        return Json();
    std::lock_guard lock(m_state.mutex());
    double cpu = 0.06, mem = 550.0 * 1048576; // system daemons
    for (const auto &[uid, sim] : m_state.pods())
        if (sim.node == name && sim.running) {
            cpu += sim.cpuUsage;
            mem += sim.workingSet();
        }
    return {{"metadata", {{"name", name}, {"creationTimestamp", timeNow()}}},
            {"timestamp", timeNow()},
            {"window", "20s"},
            {"usage", {{"cpu", std::to_string(static_cast<long long>(cpu * 1e9)) + "n"}, {"memory", formatKi(mem)}}}};
}

Json ResourceModel::nodeMetricsList() const
{
    Json items = Json::array();
    for (const auto &n : m_state.store().list(kNodes)) {
        Json m = nodeMetrics(str(n->obj["metadata"], "name"));
        if (!m.is_null())
            items.push_back(std::move(m));
    }
    return {{"kind", "NodeMetricsList"},
            {"apiVersion", "metrics.k8s.io/v1beta1"},
            {"metadata", Json::object()},
            {"items", std::move(items)}};
}

} // namespace bc::sandbox
