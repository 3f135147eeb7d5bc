#include "infra/sandbox/pod_lifecycle.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/cluster_state.h"
#include "infra/sandbox/container_runtime.h"
#include "infra/sandbox/controller_support.h"
#include "infra/sandbox/object_store.h"

#include <algorithm>
#include <ctime>
#include <set>

namespace bc::sandbox {

using namespace sim;

PodLifecycle::PodLifecycle(ClusterState &state) : m_state(state) {}

void PodLifecycle::admit(Json &obj)
{
    Json &spec = obj["spec"];
    if (!spec.is_object())
        throw ApiError::invalid("Pod \"" + str(obj["metadata"], "name") + "\" is invalid: spec: Required value");
    if (!spec.contains("containers") || !spec["containers"].is_array() || spec["containers"].empty())
        throw ApiError::invalid("Pod \"" + str(obj["metadata"], "name")
                                + "\" is invalid: spec.containers: Required value");
    for (auto &c : spec["containers"]) {
        if (str(c, "name").empty() || str(c, "image").empty())
            throw ApiError::invalid("Pod \"" + str(obj["metadata"], "name")
                                    + "\" is invalid: spec.containers: name and image are required");
        if (!c.contains("imagePullPolicy"))
            c["imagePullPolicy"] = "IfNotPresent";
        if (!c.contains("terminationMessagePath"))
            c["terminationMessagePath"] = "/dev/termination-log";
        if (!c.contains("terminationMessagePolicy"))
            c["terminationMessagePolicy"] = "File";
        if (!c.contains("resources"))
            c["resources"] = Json::object();
    }
    for (const auto &[k, v] : std::initializer_list<std::pair<const char *, Json>>{
             {"restartPolicy", "Always"},
             {"terminationGracePeriodSeconds", 30},
             {"dnsPolicy", "ClusterFirst"},
             {"serviceAccountName", "default"},
             {"schedulerName", "default-scheduler"},
             {"enableServiceLinks", true},
             {"priority", 0}})
        if (!spec.contains(k))
            spec[k] = v;
    spec["serviceAccount"] = spec["serviceAccountName"];
    const Requests req = podRequests(obj);
    const Requests lim = podLimits(obj);
    std::string qos = "BestEffort";
    if (req.cpu > 0 || req.memory > 0)
        qos = (lim.cpu > 0 && lim.memory > 0 && lim.cpu == req.cpu && lim.memory == req.memory) ? "Guaranteed"
                                                                                              : "Burstable";
    obj["status"] = {{"phase", "Pending"}, {"qosClass", qos}};
}

bool PodLifecycle::waiting(SimClock::time_point now) const
{
    for (const auto &[uid, sim] : m_state.pods())
        if (sim.terminating || sim.oomPending || (!sim.running && !sim.node.empty())
            || (sim.runtime && sim.runtime->due(now)))
            return true;
    return false;
}

void PodLifecycle::reconcile(SimClock::time_point now)
{
    std::set<std::string> alive;
    for (const auto &ps : m_state.store().list(kPods)) {
        const Json &p = ps->obj;
        const std::string uid = str(p["metadata"], "uid");
        alive.insert(uid);
        auto it = m_state.pods().find(uid);
        if (it == m_state.pods().end() || str(p["spec"], "nodeName").empty())
            continue;
        PodSim &sim = it->second;
        if (sim.terminating) {
            if (now >= sim.deleteAt)
                finishTermination(it);
        } else if (sim.runtime) {
            runPodRuntime(sim, now);
        } else if (!sim.running && now >= sim.scheduledAt + m_state.realDuration(m_state.options().podStartDelay)) {
            sim.running = true;
            if (PodRuntime::needed(p)) {
                sim.runtime = std::make_shared<PodRuntime>(p, m_state.options().timeScale);
                runPodRuntime(sim, now);
            } else {
                startContainers(sim, now);
            }
        } else if (sim.running && sim.oomPending) {
            restartAfterOom(sim);
        }
    }
    forgetVanished(alive);
}

void PodLifecycle::finishTermination(std::map<std::string, PodSim>::iterator it)
{
    try {
        m_state.store().remove(kPods, it->second.ns, it->second.name);
    } catch (const ApiError &) {
    }
    m_state.forget(it);
}

// Pods that disappeared through the API (force delete, namespace delete).
void PodLifecycle::forgetVanished(const std::set<std::string> &alive)
{
    for (auto it = m_state.pods().begin(); it != m_state.pods().end();) {
        if (!alive.count(it->first) && !it->second.name.empty())
            it = m_state.forget(it);
        else
            ++it;
    }
}

// The pod starts without trouble (no PodRuntime): Running and Ready, with the kubelet's events and logs.
void PodLifecycle::startContainers(PodSim &sim, SimClock::time_point nowClock)
{
    const std::string now = timeNow();
    const std::string &ns = sim.ns, &name = sim.name;
    const std::string ip = m_state.allocatePodIp();
    try {
        const SnapshotPtr s = m_state.store().mutate(kPods, ns, name, [&](Json &o) {
            Json &st = o["status"];
            st["phase"] = "Running";
            st["podIP"] = ip;
            st["podIPs"] = {{{"ip", ip}}};
            setConditions(st, {condition("Initialized", true, now), condition("Ready", true, now),
                               condition("ContainersReady", true, now), condition("PodScheduled", true, now)});
            st["containerStatuses"] = containerStatuses(o, sim, true);
            if (st.contains("initContainerStatuses"))
                for (auto &ic : st["initContainerStatuses"]) {
                    ic["ready"] = true;
                    ic["started"] = false;
                    ic["imageID"] = "sandbox://" + str(ic, "image");
                    ic["state"] = {{"terminated",
                                    {{"exitCode", 0}, {"reason", "Completed"}, {"startedAt", now},
                                     {"finishedAt", now}}}};
                }
            return true;
        });
        for (const auto &c : s->obj["spec"]["containers"]) {
            const std::string cname = str(c, "name");
            m_state.recordEvent(s->obj, "Normal", "Pulled",
                        "Container image \"" + str(c, "image") + "\" already present on machine", "kubelet");
            m_state.recordEvent(s->obj, "Normal", "Created", "Created container " + cname, "kubelet");
            m_state.recordEvent(s->obj, "Normal", "Started", "Started container " + cname, "kubelet");
            std::string port;
            if (c.contains("ports") && c["ports"].is_array() && !c["ports"].empty())
                port = std::to_string(c["ports"][0].value("containerPort", 0));
            m_state.log(sim, cname, now + " INFO starting " + cname + " (image " + str(c, "image") + ")");
            m_state.log(sim, cname, now + " INFO " + cname + (port.empty() ? " ready" : " listening on port " + port));
        }
        sim.lastLog = nowClock;
    } catch (const ApiError &) {
    }
}

void PodLifecycle::restartAfterOom(PodSim &sim)
{
    const std::string now = timeNow();
    const std::string &ns = sim.ns, &name = sim.name;
    sim.oomPending = false;
    ++sim.restarts;
    try {
        const SnapshotPtr s = m_state.store().mutate(kPods, ns, name, [&](Json &o) {
            Json &cs = o["status"]["containerStatuses"];
            if (!cs.is_array() || cs.empty())
                return false;
            const Json *started = at(cs[0], "state.running.startedAt");
            cs[0]["lastState"] = {{"terminated",
                                   {{"exitCode", 137},
                                    {"reason", "OOMKilled"},
                                    {"startedAt", started ? *started : Json(now)},
                                    {"finishedAt", now},
                                    {"containerID", str(cs[0], "containerID")}}}};
            cs[0]["restartCount"] = sim.restarts;
            cs[0]["state"] = {{"running", {{"startedAt", now}}}};
            return true;
        });
        const std::string cname = str(s->obj["spec"]["containers"][0], "name");
        m_state.recordEvent(s->obj, "Warning", "OOMKilling",
                    "Memory cgroup out of memory: Killed process of container " + cname, "kubelet");
        m_state.log(sim, cname, now + " INFO restarted after OOMKilled (restart " + std::to_string(sim.restarts) + ")");
    } catch (const ApiError &) {
    }
}

void PodLifecycle::runPodRuntime(PodSim &sim, SimClock::time_point nowClock)
{
    std::vector<RuntimeEvent> events;
    std::vector<LogLine> lines;
    if (!sim.runtime->advance(nowClock, events, lines))
        return;
    const PodRuntime &rt = *sim.runtime;
    const std::string now = timeNow();
    try {
        const SnapshotPtr s = m_state.store().mutate(kPods, sim.ns, sim.name, [&](Json &o) {
            Json &st = o["status"];
            st["phase"] = rt.phase();
            if (rt.started() && str(st, "podIP").empty()) {
                const std::string ip = m_state.allocatePodIp();
                st["podIP"] = ip;
                st["podIPs"] = {{{"ip", ip}}};
            }
            const bool ready = rt.ready();
            const std::string why = ready ? "" : rt.notReadyMessage();
            setConditions(st, {condition("Initialized", true, now),
                               condition("Ready", ready, now, ready ? "" : "ContainersNotReady", why),
                               condition("ContainersReady", ready, now, ready ? "" : "ContainersNotReady", why),
                               condition("PodScheduled", true, now)});
            st["containerStatuses"] = rt.containerStatuses();
            return true;
        });
        for (const RuntimeEvent &e : events) {
            // Repeats bump count and lastTimestamp of one Event, as the kubelet's event correlator does
            // ("x5 over 2m" in kubectl describe).
            const std::string key = e.type + '\x1f' + e.reason + '\x1f' + e.message;
            if (const auto it = sim.eventSeries.find(key); it != sim.eventSeries.end()) {
                try {
                    m_state.store().mutate("events", sim.ns, it->second, [&](Json &ev) {
                        ev["count"] = ev.value("count", 1) + 1;
                        ev["lastTimestamp"] = now;
                        return true;
                    });
                    continue;
                } catch (const ApiError &) {
                    sim.eventSeries.erase(it); // dropped as one of the oldest
                }
            }
            const std::string created = m_state.recordEvent(s->obj, e.type, e.reason, e.message, "kubelet");
            if (!created.empty())
                sim.eventSeries[key] = created;
        }
        for (const LogLine &l : lines)
            m_state.log(sim, l.container, l.line);
    } catch (const ApiError &) {
    }
}

Json PodLifecycle::deletePod(const std::string &ns, const std::string &name, long long gracePeriod)
{
    std::lock_guard lock(m_state.mutex());
    const SnapshotPtr snap = m_state.store().get(kPods, ns, name);
    if (!snap)
        throw ApiError::notFound("pods", name, "", "pods");
    const Json &pod = snap->obj;
    if (terminating(pod))
        return pod;
    const long long grace = gracePeriod >= 0 ? gracePeriod : intAt(pod, "spec.terminationGracePeriodSeconds", 30);
    const std::string uid = str(pod["metadata"], "uid");
    auto it = m_state.pods().find(uid);
    if (grace == 0 || str(pod["spec"], "nodeName").empty() || it == m_state.pods().end() || !it->second.running) {
        const SnapshotPtr gone = m_state.store().remove(kPods, ns, name);
        if (it != m_state.pods().end())
            m_state.forget(it);
        else
            m_state.logChanged().notify_all();
        return gone->obj;
    }
    PodSim &sim = it->second;
    sim.terminating = true;
    // Simulated containers stop well within their grace period.
    sim.deleteAt = m_state.now() + m_state.realDuration(std::min<double>(static_cast<double>(grace), 2.0));
    const std::time_t t = std::time(nullptr) + grace;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const std::string now = timeNow();
    const SnapshotPtr s = m_state.store().mutate(kPods, ns, name, [&](Json &o) {
        o["metadata"]["deletionTimestamp"] = buf;
        o["metadata"]["deletionGracePeriodSeconds"] = grace;
        Json &st = o["status"];
        Json conds = st.contains("conditions") ? st["conditions"] : Json::array();
        for (auto &c : conds)
            if (str(c, "type") == "Ready" || str(c, "type") == "ContainersReady") {
                c["status"] = "False";
                c["lastTransitionTime"] = now;
                c["reason"] = "PodCompleted";
            }
        st["conditions"] = conds;
        return true;
    });
    for (const auto &c : pod["spec"]["containers"]) {
        m_state.recordEvent(s->obj, "Normal", "Killing", "Stopping container " + str(c, "name"), "kubelet");
        m_state.log(sim, str(c, "name"), now + " INFO received SIGTERM, shutting down");
    }
    return s->obj;
}

Json PodLifecycle::containerStatuses(const Json &pod, const PodSim &sim, bool running)
{
    Json out = Json::array();
    const Json *cs = at(pod, "spec.containers");
    if (!cs || !cs->is_array())
        return out;
    const Json *old = at(pod, "status.containerStatuses");
    for (size_t i = 0; i < cs->size(); ++i) {
        const Json &c = (*cs)[i];
        const std::string image = str(c, "image");
        Json st = {{"name", str(c, "name")},
                   {"image", image},
                   {"imageID", running ? "sandbox://" + image : ""},
                   {"ready", running},
                   {"restartCount", i == 0 ? sim.restarts : 0},
                   {"started", running}};
        if (running) {
            std::string started = timeNow();
            if (old && old->is_array() && i < old->size()) {
                const Json *prev = at((*old)[i], "state.running.startedAt");
                if (prev && prev->is_string())
                    started = prev->get<std::string>();
            }
            st["containerID"] = "containerd://" + str(pod["metadata"], "uid").substr(0, 8) + std::to_string(i);
            st["state"] = {{"running", {{"startedAt", started}}}};
        } else {
            st["state"] = {{"waiting", {{"reason", "ContainerCreating"}}}};
        }
        if (old && old->is_array() && i < old->size() && (*old)[i].contains("lastState"))
            st["lastState"] = (*old)[i]["lastState"];
        else
            st["lastState"] = Json::object();
        out.push_back(st);
    }
    return out;
}

} // namespace bc::sandbox
