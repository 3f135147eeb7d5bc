#include "infra/sandbox/cluster_state.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/controller_support.h"
#include "infra/sandbox/object_store.h"

#include <algorithm>
#include <atomic>
#include <cstdio>

namespace bc::sandbox {

using sim::timeNow;

ClusterState::ClusterState(ObjectStore &store, SimulatorOptions options)
    : m_store(store), m_options(std::move(options)), m_clock(m_options.clock ? m_options.clock : steadyClock())
{
}

SimClock::duration ClusterState::realDuration(double simSeconds) const
{
    return std::chrono::duration_cast<SimClock::duration>(
        std::chrono::duration<double>(std::max(0.0, simSeconds * m_options.timeScale)));
}

PodSim *ClusterState::simFor(const std::string &ns, const std::string &pod)
{
    const auto it = m_podUid.find({ns, pod});
    if (it == m_podUid.end())
        return nullptr;
    const auto p = m_pods.find(it->second);
    return p == m_pods.end() ? nullptr : &p->second;
}

const PodSim *ClusterState::simFor(const std::string &ns, const std::string &pod) const
{
    return const_cast<ClusterState *>(this)->simFor(ns, pod);
}

PodSim *ClusterState::find(const std::string &uid)
{
    const auto it = m_pods.find(uid);
    return it == m_pods.end() ? nullptr : &it->second;
}

PodSim &ClusterState::add(const std::string &uid, PodSim sim)
{
    m_podUid[{sim.ns, sim.name}] = uid;
    PodSim &added = m_pods[uid];
    added = std::move(sim);
    return added;
}

std::map<std::string, PodSim>::iterator ClusterState::forget(std::map<std::string, PodSim>::iterator it)
{
    m_podUid.erase({it->second.ns, it->second.name});
    it = m_pods.erase(it);
    m_logChanged.notify_all();
    return it;
}

std::string ClusterState::allocatePodIp()
{
    const std::uint32_t n = m_nextPodIp++;
    return "10." + std::to_string(64 + (n / 64516) % 64) + "." + std::to_string((n / 254) % 254) + "."
           + std::to_string(n % 254 + 1);
}

void ClusterState::log(PodSim &sim, const std::string &container, const std::string &line)
{
    ContainerLog &c = sim.logs[container];
    c.lines.push_back(line);
    while (c.lines.size() > 500) {
        c.lines.pop_front();
        ++c.dropped;
    }
    m_logChanged.notify_all();
}

std::string ClusterState::recordEvent(const Json &involved, const std::string &type, const std::string &reason,
                                      const std::string &message, const std::string &component)
{
    std::lock_guard lock(m_mutex);
    const Json &md = involved["metadata"];
    std::string ns = str(md, "namespace");
    if (ns.empty())
        ns = "default";
    const std::string now = timeNow();
    // Like the API server's event names: "<object>.<hex nanoseconds>", so names sort by time
    // (describe lists same-second events in name order).
    static std::atomic<unsigned long long> lastNs{0};
    unsigned long long stamp = static_cast<unsigned long long>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    unsigned long long prev = lastNs.load();
    while (!lastNs.compare_exchange_weak(prev, std::max(stamp, prev + 1)))
        ;
    stamp = std::max(stamp, prev + 1);
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", stamp);
    Json ev = {{"apiVersion", "v1"},
               {"kind", "Event"},
               {"metadata", {{"name", str(md, "name") + "." + hex}, {"namespace", ns}}},
               {"involvedObject",
                {{"kind", str(involved, "kind")},
                 {"namespace", str(md, "namespace")},
                 {"name", str(md, "name")},
                 {"uid", str(md, "uid")},
                 {"apiVersion", str(involved, "apiVersion")},
                 {"resourceVersion", str(md, "resourceVersion")}}},
               {"reason", reason},
               {"message", message},
               {"source", {{"component", component}}},
               {"firstTimestamp", now},
               {"lastTimestamp", now},
               {"count", 1},
               {"type", type},
               {"eventTime", nullptr},
               {"reportingComponent", component},
               {"reportingInstance", ""}};
    if (str(involved, "kind") == "Pod" && !str(involved["spec"], "nodeName").empty())
        ev["source"]["host"] = str(involved["spec"], "nodeName");
    try {
        m_store.create("events", ev);
    } catch (const ApiError &) {
        return {};
    }
    const std::string created = str(ev["metadata"], "name");
    m_events.push_back({ns, str(ev["metadata"], "name")});
    while (m_events.size() > m_options.maxEvents) {
        const auto [ens, ename] = m_events.front();
        m_events.pop_front();
        try {
            m_store.remove("events", ens, ename);
        } catch (const ApiError &) {
        }
    }
    return created;
}

} // namespace bc::sandbox
