#include "infra/sandbox/cluster_simulator.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/container_runtime.h"
#include "infra/sandbox/job_controller.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/quantity.h"
#include "infra/sandbox/rollout_history.h"
#include "infra/sandbox/selector.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>

namespace bc::sandbox {

namespace {
using Clock = std::chrono::steady_clock;

constexpr const char *kPods = "pods";
constexpr const char *kNodes = "nodes";
constexpr const char *kServices = "services";
constexpr const char *kEndpoints = "endpoints";
constexpr const char *kDeployments = "deployments.apps";
constexpr const char *kReplicaSets = "replicasets.apps";

std::string randomSuffix(int n)
{
    static const char *alnum = "bcdfghjklmnpqrstvwxz2456789";
    thread_local std::mt19937 rng{std::random_device{}()};
    std::string s;
    for (int i = 0; i < n; ++i)
        s += alnum[rng() % 27];
    return s;
}

double random01()
{
    thread_local std::mt19937 rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0, 1)(rng);
}

// The pod-template-hash a Deployment puts on its ReplicaSet (FNV-1a of the template, "safe" alphabet).
std::string templateHash(const Json &tmpl)
{
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : tmpl.dump()) {
        h ^= c;
        h *= 1099511628211ull;
    }
    static const char *alnum = "bcdfghjklmnpqrstvwxz2456789";
    std::string s;
    for (int i = 0; i < 10; ++i) {
        s += alnum[h % 27];
        h /= 27;
    }
    return s;
}

bool isOwnedBy(const Json &obj, const std::string &uid)
{
    const Json *refs = at(obj, "metadata.ownerReferences");
    if (!refs || !refs->is_array())
        return false;
    return std::any_of(refs->begin(), refs->end(), [&](const Json &r) { return str(r, "uid") == uid; });
}

bool terminating(const Json &obj)
{
    return at(obj, "metadata.deletionTimestamp") != nullptr;
}

bool podReady(const Json &pod)
{
    if (terminating(pod))
        return false;
    if (const Json *cs = at(pod, "status.conditions"); cs && cs->is_array())
        for (const auto &c : *cs)
            if (str(c, "type") == "Ready")
                return str(c, "status") == "True";
    return false;
}

long long intAt(const Json &obj, const char *path, long long dflt = 0)
{
    const Json *v = at(obj, path);
    return v && v->is_number() ? v->get<long long>() : dflt;
}

struct Requests {
    double cpu = 0, memory = 0;
};

Requests podRequests(const Json &pod)
{
    Requests r;
    if (const Json *cs = at(pod, "spec.containers"); cs && cs->is_array())
        for (const auto &c : *cs) {
            const Json *req = at(c, "resources.requests");
            const Json *lim = at(c, "resources.limits");
            auto pick = [&](const char *k) {
                if (req && req->contains(k))
                    return quantityOf((*req)[k]);
                if (lim && lim->contains(k))
                    return quantityOf((*lim)[k]);
                return 0.0;
            };
            r.cpu += pick("cpu");
            r.memory += pick("memory");
        }
    return r;
}

Requests podLimits(const Json &pod)
{
    Requests r;
    if (const Json *cs = at(pod, "spec.containers"); cs && cs->is_array())
        for (const auto &c : *cs) {
            const Json *lim = at(c, "resources.limits");
            r.cpu += lim && lim->contains("cpu") ? quantityOf((*lim)["cpu"]) : 0;
            r.memory += lim && lim->contains("memory") ? quantityOf((*lim)["memory"]) : 0;
        }
    return r;
}

Json condition(const std::string &type, bool status, const std::string &now, const std::string &reason = {},
               const std::string &message = {})
{
    Json c = {{"type", type}, {"status", status ? "True" : "False"}, {"lastProbeTime", nullptr},
              {"lastTransitionTime", now}};
    if (!reason.empty())
        c["reason"] = reason;
    if (!message.empty())
        c["message"] = message;
    return c;
}

// Keeps lastTransitionTime (and lastUpdateTime) when a condition did not change, so an
// unchanged status writes nothing.
void setConditions(Json &status, Json conditions)
{
    const Json old = status.contains("conditions") ? status["conditions"] : Json::array();
    for (auto &c : conditions) {
        for (const auto &o : old) {
            if (str(o, "type") == str(c, "type") && str(o, "status") == str(c, "status")
                && str(o, "reason") == str(c, "reason")) {
                for (const char *f : {"lastTransitionTime", "lastUpdateTime", "lastProbeTime"})
                    if (o.contains(f))
                        c[f] = o[f];
            }
        }
    }
    status["conditions"] = std::move(conditions);
}

const ResourceType &podType()
{
    static const ResourceType t = [] {
        ResourceType p;
        p.version = "v1";
        p.resource = "pods";
        p.kind = "Pod";
        return p;
    }();
    return t;
}

std::string timeNow()
{
    return ObjectStore::now();
}
} // namespace

ClusterSimulator::ClusterSimulator(ObjectStore &store, ResourceRegistry &registry, SimulatorOptions options)
    : m_store(store), m_registry(registry), m_options(std::move(options)),
      m_clock(m_options.clock ? m_options.clock : steadyClock()), m_lastMetrics(m_clock->now()),
      m_loop([this] { reconcile(); }, std::chrono::milliseconds(m_options.tickMilliseconds))
{
    m_jobs = std::make_unique<JobController>(
        store, JobController::Hooks{[this](Json &pod) { admit(podType(), pod); },
                                    [this](const Json &o, const std::string &type, const std::string &reason,
                                           const std::string &message) { recordEvent(o, type, reason, message, "job-controller"); }});
}

ClusterSimulator::~ClusterSimulator()
{
    stop();
}

void ClusterSimulator::start()
{
    m_loop.start();
}

void ClusterSimulator::stop()
{
    if (!m_loop.running())
        return;
    m_loop.stop();
    m_logChanged.notify_all();
}

Clock::duration ClusterSimulator::realDuration(double simSeconds) const
{
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(std::max(0.0, simSeconds * m_options.timeScale)));
}

void ClusterSimulator::bootstrap()
{
    for (const char *ns : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
        if (!m_store.get("namespaces", "", ns)) {
            Json obj = {{"apiVersion", "v1"},
                        {"kind", "Namespace"},
                        {"metadata", {{"name", ns}, {"labels", {{"kubernetes.io/metadata.name", ns}}}}},
                        {"spec", {{"finalizers", {"kubernetes"}}}},
                        {"status", {{"phase", "Active"}}}};
            m_store.create("namespaces", obj);
        }
    }
    const double allocCpu = std::max(0.1, m_options.nodeCpu - 0.07);
    const double allocMem = std::max(256.0 * 1048576, m_options.nodeMemory * 0.76);
    for (int i = 1; i <= m_options.nodeCount; ++i) {
        const std::string name = "sandbox-" + m_options.machineType + "-node-" + std::to_string(i);
        if (m_store.get(kNodes, "", name))
            continue;
        const std::string ip = "10.128.0." + std::to_string(i + 1);
        const std::string cpu = std::to_string(static_cast<long long>(std::llround(m_options.nodeCpu * 1000))) + "m";
        Json node = {
            {"apiVersion", "v1"},
            {"kind", "Node"},
            {"metadata",
             {{"name", name},
              {"labels",
               {{"kubernetes.io/hostname", name},
                {"kubernetes.io/os", "linux"},
                {"kubernetes.io/arch", "amd64"},
                {"node.kubernetes.io/instance-type", m_options.machineType},
                {"cloud.google.com/gke-nodepool", "default-pool"},
                {"topology.kubernetes.io/zone", "sandbox-a"}}}}},
            {"spec", {{"podCIDR", "10.244." + std::to_string(i) + ".0/24"}, {"providerID", "sandbox://" + name}}},
            {"status",
             {{"capacity",
               {{"cpu", cpu},
                {"memory", formatKi(m_options.nodeMemory)},
                {"pods", std::to_string(m_options.maxPodsPerNode)},
                {"ephemeral-storage", "98831908Ki"}}},
              {"allocatable",
               {{"cpu", formatMillicores(allocCpu)},
                {"memory", formatKi(allocMem)},
                {"pods", std::to_string(m_options.maxPodsPerNode)},
                {"ephemeral-storage", "47060071478"}}},
              {"conditions",
               {condition("MemoryPressure", false, timeNow(), "KubeletHasSufficientMemory",
                          "kubelet has sufficient memory available"),
                condition("DiskPressure", false, timeNow(), "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                condition("PIDPressure", false, timeNow(), "KubeletHasSufficientPID",
                          "kubelet has sufficient PID available"),
                condition("Ready", true, timeNow(), "KubeletReady", "kubelet is posting ready status")}},
              {"addresses", {{{"type", "InternalIP"}, {"address", ip}}, {{"type", "Hostname"}, {"address", name}}}},
              {"daemonEndpoints", {{"kubeletEndpoint", {{"Port", 10250}}}}},
              {"nodeInfo",
               {{"architecture", "amd64"},
                {"bootID", ObjectStore::newUid()},
                {"containerRuntimeVersion", "containerd://1.7.24"},
                {"kernelVersion", "6.1.0-sandbox"},
                {"kubeProxyVersion", "v1.32.0"},
                {"kubeletVersion", "v1.32.0"},
                {"machineID", ObjectStore::newUid()},
                {"operatingSystem", "linux"},
                {"osImage", "Boutique Sandbox (simulated)"},
                {"systemUUID", ObjectStore::newUid()}}}}}};
        for (auto &c : node["status"]["conditions"])
            c["lastHeartbeatTime"] = timeNow();
        m_store.create(kNodes, node);
    }
    if (!m_store.get(kServices, "default", "kubernetes")) {
        Json svc = {{"apiVersion", "v1"},
                    {"kind", "Service"},
                    {"metadata",
                     {{"name", "kubernetes"},
                      {"namespace", "default"},
                      {"labels", {{"component", "apiserver"}, {"provider", "kubernetes"}}}}},
                    {"spec",
                     {{"type", "ClusterIP"},
                      {"clusterIP", "10.96.0.1"},
                      {"clusterIPs", {"10.96.0.1"}},
                      {"ports", {{{"name", "https"}, {"port", 443}, {"protocol", "TCP"}, {"targetPort", 443}}}},
                      {"sessionAffinity", "None"}}},
                    {"status", {{"loadBalancer", Json::object()}}}};
        m_store.create(kServices, svc);
    }
    // Pods restored from a state file come back running.
    std::lock_guard lock(m_mutex);
    for (const auto &snap : m_store.list(kPods)) {
        const Json &pod = snap->obj;
        const std::string uid = str(pod["metadata"], "uid");
        if (m_pods.count(uid))
            continue;
        PodSim sim;
        sim.ns = str(pod["metadata"], "namespace");
        sim.name = str(pod["metadata"], "name");
        sim.node = str(pod["spec"], "nodeName");
        sim.running = str(pod["status"], "phase") == "Running";
        sim.scheduledAt = m_clock->now();
        sim.restarts = 0;
        const Requests lim = podLimits(pod);
        sim.cpuLimit = lim.cpu;
        sim.memLimit = lim.memory;
        if (terminating(pod)) {
            sim.terminating = true;
            sim.deleteAt = m_clock->now();
        }
        m_podUid[{sim.ns, sim.name}] = uid;
        m_pods[uid] = std::move(sim);
        m_nextPodIp++;
    }
    m_nextPodIp += 1000; // keep fresh IPs clear of restored ones
}

void ClusterSimulator::admit(const ResourceType &type, Json &obj)
{
    if (type.group == "batch" && type.resource == "jobs")
        return JobController::admit(obj);
    if (!type.group.empty() && type.group != "apps")
        return;
    std::lock_guard lock(m_mutex);
    const std::string now = timeNow();
    if (type.group.empty() && type.resource == "pods") {
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
    } else if (type.group.empty() && type.resource == "services") {
        Json &spec = obj["spec"];
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
        obj["status"] = {{"loadBalancer", Json::object()}};
    } else if (type.group == "apps" && (type.resource == "deployments" || type.resource == "replicasets")) {
        Json &spec = obj["spec"];
        if (!spec.is_object() || !spec.contains("template") || !spec.contains("selector"))
            throw ApiError::invalid(type.kind + ".apps \"" + str(obj["metadata"], "name")
                                    + "\" is invalid: spec.selector and spec.template are required");
        const Selector sel = Selector::fromLabelSelector(spec["selector"]);
        const Json *labels = at(spec, "template.metadata.labels");
        if (sel.empty() || !labels || !sel.matchesLabels(*labels))
            throw ApiError::invalid(type.kind + ".apps \"" + str(obj["metadata"], "name")
                                    + "\" is invalid: spec.template.metadata.labels: Invalid value: "
                                      "`selector` does not match template `labels`");
        if (!spec.contains("replicas"))
            spec["replicas"] = 1;
        if (type.resource == "deployments") {
            if (!spec.contains("strategy"))
                spec["strategy"] = {{"type", "RollingUpdate"},
                                    {"rollingUpdate", {{"maxUnavailable", "25%"}, {"maxSurge", "25%"}}}};
            if (!spec.contains("revisionHistoryLimit"))
                spec["revisionHistoryLimit"] = 10;
            if (!spec.contains("progressDeadlineSeconds"))
                spec["progressDeadlineSeconds"] = 600;
        }
        if (!obj.contains("status"))
            obj["status"] = Json::object();
    } else if (type.group.empty() && type.resource == "namespaces") {
        obj["status"] = {{"phase", "Active"}};
        obj["metadata"]["labels"]["kubernetes.io/metadata.name"] = str(obj["metadata"], "name");
        if (!obj.contains("spec"))
            obj["spec"] = {{"finalizers", {"kubernetes"}}};
    }
}

void ClusterSimulator::validate(const ResourceType &type, const Json &obj)
{
    const std::string what = type.kind + " \"" + str(obj.value("metadata", Json::object()), "name") + "\" is invalid: ";
    if (!obj.contains("metadata") || !obj["metadata"].is_object())
        throw ApiError::invalid(what + "metadata: Required value");
    if (type.group == "apps" && (type.resource == "deployments" || type.resource == "replicasets")) {
        const Json *tmpl = at(obj, "spec.template");
        const Json *sel = at(obj, "spec.selector");
        const Json *containers = at(obj, "spec.template.spec.containers");
        if (!tmpl || !tmpl->is_object() || !sel || !sel->is_object() || !containers || !containers->is_array()
            || containers->empty())
            throw ApiError::invalid(what + "spec.selector and spec.template.spec.containers are required");
        if (const Json *r = at(obj, "spec.replicas"); r && (!r->is_number_integer() || r->get<long long>() < 0))
            throw ApiError::invalid(what + "spec.replicas: must be a non-negative integer");
    } else if (type.group.empty() && type.resource == "pods") {
        const Json *containers = at(obj, "spec.containers");
        if (!containers || !containers->is_array() || containers->empty())
            throw ApiError::invalid(what + "spec.containers: Required value");
        for (const auto &c : *containers)
            if (!c.is_object() || str(c, "name").empty())
                throw ApiError::invalid(what + "spec.containers: name is required");
    } else if (type.group.empty() && type.resource == "services") {
        if (obj.contains("spec") && !obj["spec"].is_object())
            throw ApiError::invalid(what + "spec: must be an object");
        if (const Json *ports = at(obj, "spec.ports"); ports && !ports->is_array())
            throw ApiError::invalid(what + "spec.ports: must be a list");
    }
    for (const char *f : {"spec", "status"})
        if (obj.contains(f) && !obj[f].is_object() && !obj[f].is_null() && !type.fromCrd)
            throw ApiError::invalid(what + f + ": must be an object");
}

ClusterSimulator::PodSim *ClusterSimulator::simFor(const std::string &ns, const std::string &pod)
{
    const auto it = m_podUid.find({ns, pod});
    if (it == m_podUid.end())
        return nullptr;
    const auto p = m_pods.find(it->second);
    return p == m_pods.end() ? nullptr : &p->second;
}

const ClusterSimulator::PodSim *ClusterSimulator::simFor(const std::string &ns, const std::string &pod) const
{
    return const_cast<ClusterSimulator *>(this)->simFor(ns, pod);
}

std::string ClusterSimulator::allocatePodIp()
{
    const std::uint32_t n = m_nextPodIp++;
    return "10." + std::to_string(64 + (n / 64516) % 64) + "." + std::to_string((n / 254) % 254) + "."
           + std::to_string(n % 254 + 1);
}

void ClusterSimulator::log(PodSim &sim, const std::string &container, const std::string &line)
{
    Container &c = sim.logs[container];
    c.lines.push_back(line);
    while (c.lines.size() > 500) {
        c.lines.pop_front();
        ++c.dropped;
    }
    m_logChanged.notify_all();
}

void ClusterSimulator::recordEvent(const Json &involved, const std::string &type, const std::string &reason,
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
        return;
    }
    m_events.push_back({ns, str(ev["metadata"], "name")});
    while (m_events.size() > m_options.maxEvents) {
        const auto [ens, ename] = m_events.front();
        m_events.pop_front();
        try {
            m_store.remove("events", ens, ename);
        } catch (const ApiError &) {
        }
    }
}

void ClusterSimulator::reconcile()
{
    std::lock_guard lock(m_mutex);
    const auto now = m_clock->now();
    // Skip the controllers when nothing changed and nothing is waiting on a timer: with tens of
    // thousands of pods a pass is not free.
    const std::uint64_t rv = m_store.resourceVersion();
    bool timed = m_lbPending;
    for (auto it = m_pods.begin(); !timed && it != m_pods.end(); ++it)
        timed = it->second.terminating || it->second.oomPending || (!it->second.running && !it->second.node.empty())
                || (it->second.runtime && it->second.runtime->due(now));
    if (rv != m_lastPassRv || timed) {
        m_lastPassRv = rv;
        reconcileControllers();
    }
    const double dt = std::chrono::duration<double>(now - m_lastMetrics).count();
    if (dt >= 0.05) {
        updateMetrics(dt);
        m_lastMetrics = now;
    }
}

void ClusterSimulator::reconcileControllers()
{
    const auto toJson = [](const std::vector<SnapshotPtr> &v) {
        std::vector<Json> out;
        out.reserve(v.size());
        for (const auto &s : v)
            out.push_back(s->obj);
        return out;
    };
    collectGarbage();
    std::vector<Json> deployments = toJson(m_store.list(kDeployments));
    std::vector<Json> replicasets = toJson(m_store.list(kReplicaSets));
    reconcileDeployments(deployments, replicasets);
    replicasets = toJson(m_store.list(kReplicaSets));
    Pods pods = m_store.list(kPods);
    reconcileReplicaSets(replicasets, pods);
    m_jobs->reconcile();
    pods = m_store.list(kPods);
    schedule(pods, toJson(m_store.list(kNodes)));
    runKubelet(pods);
    pods = m_store.list(kPods);
    reconcileServices(toJson(m_store.list(kServices)), pods);
    // Service accounts named "default" in every namespace, like the token controller makes them.
    for (const auto &ns : m_store.list("namespaces")) {
        const std::string name = str(ns->obj["metadata"], "name");
        if (!terminating(ns->obj) && !m_store.get("serviceaccounts", name, "default")) {
            try {
                m_store.create("serviceaccounts", {{"apiVersion", "v1"},
                                                   {"kind", "ServiceAccount"},
                                                   {"metadata", {{"name", "default"}, {"namespace", name}}}});
            } catch (const ApiError &) {
            }
        }
    }
}

void ClusterSimulator::collectGarbage()
{
    for (const char *key : {kReplicaSets, kPods}) {
        for (const auto &snap : m_store.list(key)) {
            const Json *refs = at(snap->obj, "metadata.ownerReferences");
            if (!refs || !refs->is_array() || refs->empty())
                continue;
            bool orphan = true;
            for (const auto &r : *refs)
                if (m_store.uidExists(str(r, "uid")))
                    orphan = false;
            if (!orphan)
                continue;
            const std::string ns = str(snap->obj["metadata"], "namespace");
            const std::string name = str(snap->obj["metadata"], "name");
            try {
                if (std::string(key) == kPods) {
                    if (!terminating(snap->obj)) {
                        // Background propagation: the garbage collector deletes with the pod's grace.
                        deletePod(ns, name, -1);
                    }
                } else {
                    m_store.remove(key, ns, name);
                }
            } catch (const ApiError &) {
            }
        }
    }
}

void ClusterSimulator::reconcileDeployments(const std::vector<Json> &deployments, std::vector<Json> &replicasets)
{
    for (const Json &d : deployments) {
      try {
        const Json &md = d["metadata"];
        const std::string ns = str(md, "namespace");
        const std::string name = str(md, "name");
        const std::string uid = str(md, "uid");
        if (terminating(d))
            continue;
        const long long desired = intAt(d, "spec.replicas", 1);
        const Json &tmpl = d["spec"]["template"];
        const std::string hash = templateHash(tmpl);
        std::vector<const Json *> owned;
        const Json *newRs = nullptr;
        long long maxRevision = 0;
        for (const Json &rs : replicasets) {
            if (!isOwnedBy(rs, uid))
                continue;
            owned.push_back(&rs);
            const Json *rev = at(rs, "metadata.annotations");
            if (rev && rev->contains("deployment.kubernetes.io/revision"))
                maxRevision = std::max(maxRevision, std::atoll(str(*rev, "deployment.kubernetes.io/revision").c_str()));
            if (str(rs["metadata"]["labels"], "pod-template-hash") == hash)
                newRs = &rs;
        }
        if (!newRs)
            newRs = rollout::matchingTemplate(owned, tmpl); // `rollout undo` brought an old template back
        std::string newRsName;
        long long revision = maxRevision;
        if (!newRs) {
            Json rsTemplate = tmpl;
            rsTemplate["metadata"]["labels"]["pod-template-hash"] = hash;
            Json selector = d["spec"]["selector"];
            selector["matchLabels"]["pod-template-hash"] = hash;
            revision = maxRevision + 1;
            Json rs = {{"apiVersion", "apps/v1"},
                       {"kind", "ReplicaSet"},
                       {"metadata",
                        {{"name", name + "-" + hash},
                         {"namespace", ns},
                         {"labels", rsTemplate["metadata"]["labels"]},
                         {"annotations",
                          {{"deployment.kubernetes.io/desired-replicas", std::to_string(desired)},
                           {"deployment.kubernetes.io/max-replicas", std::to_string(desired + (desired + 3) / 4)},
                           {"deployment.kubernetes.io/revision", std::to_string(revision)}}},
                         {"ownerReferences",
                          {{{"apiVersion", "apps/v1"},
                            {"kind", "Deployment"},
                            {"name", name},
                            {"uid", uid},
                            {"controller", true},
                            {"blockOwnerDeletion", true}}}}}},
                       {"spec", {{"replicas", desired}, {"selector", selector}, {"template", rsTemplate}}},
                       {"status", {{"replicas", 0}}}};
            try {
                const SnapshotPtr created = m_store.create(kReplicaSets, rs);
                replicasets.push_back(created->obj);
                newRs = &replicasets.back();
                // pointers into `replicasets` may have moved: rebuild `owned`
                owned.clear();
                for (const Json &x : replicasets)
                    if (isOwnedBy(x, uid))
                        owned.push_back(&x);
                recordEvent(d, "Normal", "ScalingReplicaSet",
                            "Scaled up replica set " + name + "-" + hash + " from 0 to " + std::to_string(desired),
                            "deployment-controller");
            } catch (const ApiError &) {
                continue;
            }
        } else if ((revision = rollout::revisionOf(*newRs)) < maxRevision) {
            revision = maxRevision + 1; // an old template is the newest revision again
            m_store.mutate(kReplicaSets, ns, str((*newRs)["metadata"], "name"),
                           [&](Json &o) { return rollout::setRevision(o, revision); });
        }
        newRsName = str((*newRs)["metadata"], "name");
        const long long newAvailable = intAt(*newRs, "status.availableReplicas");
        // Scale the new ReplicaSet to the desired count; old ones go to 0 once the new one is available.
        const auto scaleRs = [&](const Json &rs, long long to) {
            const long long from = intAt(rs, "spec.replicas", 1);
            if (from == to)
                return;
            m_store.mutate(kReplicaSets, ns, str(rs["metadata"], "name"), [&](Json &o) {
                o["spec"]["replicas"] = to;
                o["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] = std::to_string(desired);
                return true;
            });
            recordEvent(d, "Normal", "ScalingReplicaSet",
                        std::string("Scaled ") + (to > from ? "up" : "down") + " replica set " + str(rs["metadata"], "name")
                            + " from " + std::to_string(from) + " to " + std::to_string(to),
                        "deployment-controller");
        };
        try {
            scaleRs(*newRs, desired);
            for (const Json *rs : owned)
                if (rs != newRs && str((*rs)["metadata"], "name") != newRsName
                    && (newAvailable >= desired || str(d["spec"]["strategy"], "type") == "Recreate"))
                    scaleRs(*rs, 0);
            for (const std::string &old : rollout::beyondHistoryLimit(owned, newRs, intAt(d, "spec.revisionHistoryLimit", 10)))
                m_store.remove(kReplicaSets, ns, old);
        } catch (const ApiError &) {
        }
        long long replicas = 0, ready = 0, available = 0, updated = 0;
        for (const Json *rs : owned) {
            replicas += intAt(*rs, "status.replicas");
            ready += intAt(*rs, "status.readyReplicas");
            available += intAt(*rs, "status.availableReplicas");
            if (str((*rs)["metadata"], "name") == newRsName)
                updated = intAt(*rs, "status.replicas");
        }
        const long long maxUnavailable = desired / 4;
        const bool isAvailable = available >= desired - maxUnavailable;
        const bool complete = updated == desired && replicas == desired && available == desired;
        const std::string now = timeNow();
        try {
            m_store.mutate(kDeployments, ns, name, [&](Json &o) {
                Json &st = o["status"];
                if (!st.is_object())
                    st = Json::object();
                st["observedGeneration"] = intAt(o, "metadata.generation", 1);
                st["replicas"] = replicas;
                st["updatedReplicas"] = updated;
                st["readyReplicas"] = ready;
                st["availableReplicas"] = available;
                if (desired - available > 0)
                    st["unavailableReplicas"] = desired - available;
                else
                    st.erase("unavailableReplicas");
                for (const char *f : {"replicas", "updatedReplicas", "readyReplicas", "availableReplicas"})
                    if (st[f] == 0)
                        st.erase(f);
                Json avail = condition("Available", isAvailable, now,
                                       isAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                                       isAvailable ? "Deployment has minimum availability."
                                                   : "Deployment does not have minimum availability.");
                Json prog = condition("Progressing", true, now, complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                                      complete ? "ReplicaSet \"" + newRsName + "\" has successfully progressed."
                                               : "ReplicaSet \"" + newRsName + "\" is progressing.");
                avail.erase("lastProbeTime");
                prog.erase("lastProbeTime");
                avail["lastUpdateTime"] = now;
                prog["lastUpdateTime"] = now;
                setConditions(st, {avail, prog});
                o["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = std::to_string(revision);
                return true;
            });
        } catch (const ApiError &) {
        }
      } catch (const std::exception &) {
        // A malformed object must not stop the other deployments.
      }
    }
}

void ClusterSimulator::createPodFor(const Json &rs)
{
    const Json &md = rs["metadata"];
    const Json &tmpl = rs["spec"]["template"];
    Json pod = {{"apiVersion", "v1"}, {"kind", "Pod"}};
    pod["metadata"] = tmpl.contains("metadata") ? tmpl["metadata"] : Json::object();
    pod["metadata"]["name"] = str(md, "name") + "-" + randomSuffix(5);
    pod["metadata"]["generateName"] = str(md, "name") + "-";
    pod["metadata"]["namespace"] = str(md, "namespace");
    pod["metadata"]["ownerReferences"] = {{{"apiVersion", "apps/v1"},
                                           {"kind", "ReplicaSet"},
                                           {"name", str(md, "name")},
                                           {"uid", str(md, "uid")},
                                           {"controller", true},
                                           {"blockOwnerDeletion", true}}};
    pod["spec"] = tmpl["spec"];
    admit(podType(), pod);
    const SnapshotPtr created = m_store.create(kPods, pod);
    recordEvent(rs, "Normal", "SuccessfulCreate", "Created pod: " + str(created->obj["metadata"], "name"),
                "replicaset-controller");
}

void ClusterSimulator::reconcileReplicaSets(const std::vector<Json> &replicasets, const Pods &pods)
{
    std::map<std::string, std::vector<const Json *>> byOwner;
    for (const auto &ps : pods) {
        const Json &p = ps->obj;
        const Json *refs = at(p, "metadata.ownerReferences");
        if (refs && refs->is_array())
            for (const auto &r : *refs)
                byOwner[str(r, "uid")].push_back(&p);
    }
    for (const Json &rs : replicasets) {
      try {
        if (terminating(rs))
            continue;
        const std::string ns = str(rs["metadata"], "namespace");
        const std::string name = str(rs["metadata"], "name");
        const long long desired = intAt(rs, "spec.replicas", 1);
        std::vector<const Json *> active;
        for (const Json *p : byOwner[str(rs["metadata"], "uid")])
            if (!terminating(*p))
                active.push_back(p);
        const long long have = static_cast<long long>(active.size());
        try {
            for (long long i = have; i < desired; ++i)
                createPodFor(rs);
            if (have > desired) {
                // Unscheduled first, then not ready, then the newest.
                std::sort(active.begin(), active.end(), [](const Json *a, const Json *b) {
                    const bool sa = !str((*a)["spec"], "nodeName").empty();
                    const bool sb = !str((*b)["spec"], "nodeName").empty();
                    if (sa != sb)
                        return !sa;
                    const bool ra = podReady(*a), rb = podReady(*b);
                    if (ra != rb)
                        return !ra;
                    return str((*a)["metadata"], "creationTimestamp") > str((*b)["metadata"], "creationTimestamp");
                });
                for (long long i = 0; i < have - desired; ++i) {
                    const std::string pod = str((*active[i])["metadata"], "name");
                    deletePod(ns, pod, -1);
                    recordEvent(rs, "Normal", "SuccessfulDelete", "Deleted pod: " + pod, "replicaset-controller");
                }
            }
        } catch (const ApiError &) {
        }
        long long replicas = std::min(have, std::max(desired, have)), ready = 0;
        replicas = 0;
        for (const Json *p : active) {
            ++replicas;
            if (podReady(*p))
                ++ready;
        }
        if (have < desired)
            replicas = have; // new pods show up in the next pass
        try {
            m_store.mutate(kReplicaSets, ns, name, [&](Json &o) {
                Json st = {{"replicas", replicas},
                           {"fullyLabeledReplicas", replicas},
                           {"readyReplicas", ready},
                           {"availableReplicas", ready},
                           {"observedGeneration", intAt(o, "metadata.generation", 1)}};
                for (const char *f : {"fullyLabeledReplicas", "readyReplicas", "availableReplicas"})
                    if (st[f] == 0)
                        st.erase(f);
                o["status"] = st;
                return true;
            });
        } catch (const ApiError &) {
        }
      } catch (const std::exception &) {
        // A malformed object must not stop the other replica sets.
      }
    }
}

void ClusterSimulator::schedule(Pods &pods, const std::vector<Json> &nodes)
{
    struct NodeFree {
        std::string name, ip;
        double cpu, mem;
        long long pods;
    };
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
    std::map<std::string, NodeFree *> byName;
    for (auto &f : free)
        byName[f.name] = &f;
    std::vector<std::size_t> pending;
    for (std::size_t i = 0; i < pods.size(); ++i) {
        const Json &p = pods[i]->obj;
        const std::string node = str(p["spec"], "nodeName");
        if (node.empty()) {
            if (!terminating(p))
                pending.push_back(i);
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
    const std::string now = timeNow();
    for (const std::size_t index : pending) {
        const Json *p = &pods[index]->obj;
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
        const std::string ns = str((*p)["metadata"], "namespace");
        const std::string name = str((*p)["metadata"], "name");
        const std::string uid = str((*p)["metadata"], "uid");
        PodSim &sim = m_pods[uid];
        if (sim.name.empty()) {
            sim.ns = ns;
            sim.name = name;
            m_podUid[{ns, name}] = uid;
            const Requests lim = podLimits(*p);
            sim.cpuLimit = lim.cpu;
            sim.memLimit = lim.memory;
            sim.cpuBaseline = 0.001 + 0.003 * random01();
            sim.memBaseline = std::max(8.0 * 1048576, (r.memory > 0 ? r.memory * (0.35 + 0.25 * random01())
                                                                     : (16 + 16 * random01()) * 1048576));
            if (sim.memLimit > 0)
                sim.memBaseline = std::min(sim.memBaseline, sim.memLimit * 0.8);
        }
        if (!best) {
            if (sim.failedSchedulingReported)
                continue;
            sim.failedSchedulingReported = true;
            std::string why;
            if (noCpu)
                why += std::to_string(noCpu) + " Insufficient cpu";
            if (noMem)
                why += std::string(why.empty() ? "" : ", ") + std::to_string(noMem) + " Insufficient memory";
            if (noPods)
                why += std::string(why.empty() ? "" : ", ") + std::to_string(noPods) + " Too many pods";
            const std::string msg = "0/" + std::to_string(nodes.size()) + " nodes are available: " + why
                                    + ". preemption: 0/" + std::to_string(nodes.size())
                                    + " nodes are available: " + std::to_string(nodes.size())
                                    + " No preemption victims found for incoming pod.";
            try {
                const SnapshotPtr s = m_store.mutate(kPods, ns, name, [&](Json &o) {
                    Json c = condition("PodScheduled", false, now, "Unschedulable", msg);
                    setConditions(o["status"], {c});
                    return true;
                });
                recordEvent(s->obj, "Warning", "FailedScheduling", msg, "default-scheduler");
            } catch (const ApiError &) {
            }
            continue;
        }
        best->cpu -= r.cpu;
        best->mem -= r.memory;
        best->pods -= 1;
        sim.node = best->name;
        sim.scheduledAt = m_clock->now();
        try {
            const SnapshotPtr s = m_store.mutate(kPods, ns, name, [&](Json &o) {
                o["spec"]["nodeName"] = best->name;
                o["status"]["hostIP"] = best->ip;
                o["status"]["hostIPs"] = {{{"ip", best->ip}}};
                o["status"]["startTime"] = now;
                o["status"]["conditions"] = {
                    condition("Initialized", true, now),
                    condition("Ready", false, now, "ContainersNotReady", "containers with unready status"),
                    condition("ContainersReady", false, now, "ContainersNotReady", "containers with unready status"),
                    condition("PodScheduled", true, now)};
                o["status"]["containerStatuses"] = containerStatuses(o, sim, false);
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
            pods[index] = s; // `p` is not used past this point
            recordEvent(s->obj, "Normal", "Scheduled", "Successfully assigned " + ns + "/" + name + " to " + best->name,
                        "default-scheduler");
        } catch (const ApiError &) {
        }
    }
}

Json ClusterSimulator::containerStatuses(const Json &pod, const PodSim &sim, bool running) const
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

void ClusterSimulator::runKubelet(const Pods &pods)
{
    const auto nowClock = m_clock->now();
    const std::string now = timeNow();
    std::set<std::string> alive;
    for (const auto &ps : pods) {
        const Json &p = ps->obj;
        const std::string uid = str(p["metadata"], "uid");
        alive.insert(uid);
        auto it = m_pods.find(uid);
        if (it == m_pods.end() || str(p["spec"], "nodeName").empty())
            continue;
        PodSim &sim = it->second;
        const std::string ns = sim.ns, name = sim.name;
        if (sim.terminating) {
            if (nowClock >= sim.deleteAt) {
                try {
                    m_store.remove(kPods, ns, name);
                } catch (const ApiError &) {
                }
                for (auto &[cname, c] : sim.logs)
                    (void)cname, (void)c;
                m_podUid.erase({ns, name});
                m_pods.erase(it);
                m_logChanged.notify_all();
            }
            continue;
        }
        if (sim.runtime) {
            runPodRuntime(sim);
            continue;
        }
        if (!sim.running && nowClock >= sim.scheduledAt + realDuration(m_options.podStartDelay)) {
            sim.running = true;
            if (PodRuntime::needed(p)) {
                sim.runtime = std::make_shared<PodRuntime>(p, m_options.timeScale);
                runPodRuntime(sim);
                continue;
            }
            const std::string ip = allocatePodIp();
            try {
                const SnapshotPtr s = m_store.mutate(kPods, ns, name, [&](Json &o) {
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
                std::string images;
                for (const auto &c : s->obj["spec"]["containers"]) {
                    const std::string cname = str(c, "name");
                    recordEvent(s->obj, "Normal", "Pulled",
                                "Container image \"" + str(c, "image") + "\" already present on machine", "kubelet");
                    recordEvent(s->obj, "Normal", "Created", "Created container " + cname, "kubelet");
                    recordEvent(s->obj, "Normal", "Started", "Started container " + cname, "kubelet");
                    std::string port;
                    if (c.contains("ports") && c["ports"].is_array() && !c["ports"].empty())
                        port = std::to_string(c["ports"][0].value("containerPort", 0));
                    log(sim, cname, now + " INFO starting " + cname + " (image " + str(c, "image") + ")");
                    log(sim, cname, now + " INFO " + cname + (port.empty() ? " ready" : " listening on port " + port));
                }
                sim.lastLog = nowClock;
            } catch (const ApiError &) {
            }
        } else if (sim.running && sim.oomPending) {
            sim.oomPending = false;
            ++sim.restarts;
            try {
                const SnapshotPtr s = m_store.mutate(kPods, ns, name, [&](Json &o) {
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
                recordEvent(s->obj, "Warning", "OOMKilling",
                            "Memory cgroup out of memory: Killed process of container " + cname, "kubelet");
                log(sim, cname, now + " INFO restarted after OOMKilled (restart " + std::to_string(sim.restarts) + ")");
            } catch (const ApiError &) {
            }
        }
    }
    // Pods that disappeared through the API (force delete, namespace delete).
    for (auto it = m_pods.begin(); it != m_pods.end();) {
        if (!alive.count(it->first) && !it->second.name.empty()) {
            m_podUid.erase({it->second.ns, it->second.name});
            it = m_pods.erase(it);
            m_logChanged.notify_all();
        } else {
            ++it;
        }
    }
}

void ClusterSimulator::runPodRuntime(PodSim &sim)
{
    std::vector<RuntimeEvent> events;
    std::vector<LogLine> lines;
    if (!sim.runtime->advance(m_clock->now(), events, lines))
        return;
    const PodRuntime &rt = *sim.runtime;
    const std::string now = timeNow();
    try {
        const SnapshotPtr s = m_store.mutate(kPods, sim.ns, sim.name, [&](Json &o) {
            Json &st = o["status"];
            st["phase"] = rt.phase();
            if (rt.started() && str(st, "podIP").empty()) {
                const std::string ip = allocatePodIp();
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
                    m_store.mutate("events", sim.ns, it->second, [&](Json &ev) {
                        ev["count"] = ev.value("count", 1) + 1;
                        ev["lastTimestamp"] = now;
                        return true;
                    });
                    continue;
                } catch (const ApiError &) {
                    sim.eventSeries.erase(it); // dropped as one of the oldest
                }
            }
            const std::string before = m_events.empty() ? std::string() : m_events.back().second;
            recordEvent(s->obj, e.type, e.reason, e.message, "kubelet");
            if (!m_events.empty() && m_events.back().second != before)
                sim.eventSeries[key] = m_events.back().second;
        }
        for (const LogLine &l : lines)
            log(sim, l.container, l.line);
    } catch (const ApiError &) {
    }
}

Json ClusterSimulator::deletePod(const std::string &ns, const std::string &name, long long gracePeriod)
{
    std::lock_guard lock(m_mutex);
    const SnapshotPtr snap = m_store.get(kPods, ns, name);
    if (!snap)
        throw ApiError::notFound("pods", name, "", "pods");
    const Json &pod = snap->obj;
    if (terminating(pod))
        return pod;
    const long long grace = gracePeriod >= 0 ? gracePeriod : intAt(pod, "spec.terminationGracePeriodSeconds", 30);
    const std::string uid = str(pod["metadata"], "uid");
    auto it = m_pods.find(uid);
    if (grace == 0 || str(pod["spec"], "nodeName").empty() || it == m_pods.end() || !it->second.running) {
        const SnapshotPtr gone = m_store.remove(kPods, ns, name);
        if (it != m_pods.end()) {
            m_podUid.erase({ns, name});
            m_pods.erase(it);
        }
        m_logChanged.notify_all();
        return gone->obj;
    }
    PodSim &sim = it->second;
    sim.terminating = true;
    // Simulated containers stop well within their grace period.
    sim.deleteAt = m_clock->now() + realDuration(std::min<double>(static_cast<double>(grace), 2.0));
    const std::time_t t = std::time(nullptr) + grace;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const std::string now = timeNow();
    const SnapshotPtr s = m_store.mutate(kPods, ns, name, [&](Json &o) {
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
        recordEvent(s->obj, "Normal", "Killing", "Stopping container " + str(c, "name"), "kubelet");
        log(sim, str(c, "name"), now + " INFO received SIGTERM, shutting down");
    }
    return s->obj;
}

void ClusterSimulator::reconcileServices(const std::vector<Json> &services, const Pods &pods)
{
    std::set<std::pair<std::string, std::string>> seen;
    const auto nowClock = m_clock->now();
    m_lbPending = false;
    for (const Json &svc : services) {
        const std::string ns = str(svc["metadata"], "namespace");
        const std::string name = str(svc["metadata"], "name");
        const std::string uid = str(svc["metadata"], "uid");
        seen.insert({ns, name});
        const Json &spec = svc["spec"];
        // Load balancer: <pending>, then a loopback address.
        if (str(spec, "type") == "LoadBalancer") {
            const Json *ing = at(svc, "status.loadBalancer.ingress");
            const auto ov = m_lbOverride.find(ns + "/" + name);
            if (!ing || !ing->is_array() || ing->empty()
                || (ov != m_lbOverride.end() && str((*ing)[0], "ip") != ov->second)) {
                auto [lb, inserted] = m_lbSeen.try_emplace(uid, nowClock);
                (void)inserted;
                m_lbPending = true;
                if (nowClock >= lb->second + realDuration(m_options.loadBalancerDelay)) {
                    const std::string ip = ov != m_lbOverride.end() ? ov->second
                                                                    : "127.0.0." + std::to_string(2 + (m_nextLbIp++ - 2) % 250);
                    try {
                        const SnapshotPtr s = m_store.mutate(kServices, ns, name, [&](Json &o) {
                            o["status"]["loadBalancer"]["ingress"] = {{{"ip", ip}}};
                            return true;
                        });
                        recordEvent(s->obj, "Normal", "EnsuredLoadBalancer", "Ensured load balancer", "service-controller");
                    } catch (const ApiError &) {
                    }
                }
            }
        }
        const Json *selector = at(spec, "selector");
        if (!selector || !selector->is_object() || selector->empty())
            continue;
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
        m_managedEndpoints.insert({ns, name});
        try {
            const SnapshotPtr cur = m_store.get(kEndpoints, ns, name);
            if (!cur) {
                m_store.create(kEndpoints, endpoints);
            } else {
                m_store.mutate(kEndpoints, ns, name, [&](Json &o) {
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
    for (auto it = m_managedEndpoints.begin(); it != m_managedEndpoints.end();) {
        if (!seen.count(*it)) {
            try {
                m_store.remove(kEndpoints, it->first, it->second);
            } catch (const ApiError &) {
            }
            it = m_managedEndpoints.erase(it);
        } else {
            ++it;
        }
    }
}

void ClusterSimulator::updateMetrics(double dt)
{
    constexpr double kTau = 3.0; // seconds: how fast reported usage follows the work
    const double alpha = 1.0 - std::exp(-dt / kTau);
    const auto nowClock = m_clock->now();
    const std::string now = timeNow();
    for (auto &[uid, sim] : m_pods) {
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
                log(sim, first->first,
                    now + " INFO handled " + std::to_string(static_cast<long long>(sim.requestsServed)) + " requests");
                sim.requestsServed = 0;
                sim.lastLog = nowClock;
            }
        }
    }
}

bool ClusterSimulator::addCpuWork(const std::string &ns, const std::string &pod, double cpuSeconds, double heldBytes)
{
    std::lock_guard lock(m_mutex);
    PodSim *sim = simFor(ns, pod);
    if (!sim || !sim->running || sim->terminating)
        return false;
    sim->pendingWork += std::max(0.0, cpuSeconds);
    if (cpuSeconds > 0)
        sim->memHeld += std::max(0.0, heldBytes);
    sim->requestsServed += 1;
    return true;
}

bool ClusterSimulator::addMemory(const std::string &ns, const std::string &pod, double bytes)
{
    std::lock_guard lock(m_mutex);
    PodSim *sim = simFor(ns, pod);
    if (!sim || !sim->running)
        return false;
    sim->memExtra = std::max(0.0, sim->memExtra + bytes);
    return true;
}

bool ClusterSimulator::setMemory(const std::string &ns, const std::string &pod, double bytes)
{
    std::lock_guard lock(m_mutex);
    PodSim *sim = simFor(ns, pod);
    if (!sim || !sim->running)
        return false;
    sim->memExtra = std::max(0.0, bytes - sim->memBaseline);
    return true;
}

bool ClusterSimulator::appendLog(const std::string &ns, const std::string &pod, const std::string &container,
                                 const std::string &line)
{
    std::lock_guard lock(m_mutex);
    PodSim *sim = simFor(ns, pod);
    if (!sim)
        return false;
    log(*sim, container.empty() && !sim->logs.empty() ? sim->logs.begin()->first : container, line);
    return true;
}

std::optional<PodUsage> ClusterSimulator::usage(const std::string &ns, const std::string &pod) const
{
    std::lock_guard lock(m_mutex);
    const PodSim *sim = simFor(ns, pod);
    if (!sim)
        return std::nullopt;
    PodUsage u;
    u.cpuCores = sim->running ? sim->cpuUsage : 0;
    u.memoryBytes = sim->running ? sim->workingSet() : 0;
    u.throttledSeconds = sim->throttled;
    u.restarts = sim->restarts;
    return u;
}

bool ClusterSimulator::setLoadBalancerIngress(const std::string &ns, const std::string &service, const std::string &ip)
{
    std::lock_guard lock(m_mutex);
    m_lbOverride[ns + "/" + service] = ip;
    return m_store.get(kServices, ns, service) != nullptr;
}

Json ClusterSimulator::podMetrics(const std::string &ns, const std::string &name) const
{
    std::lock_guard lock(m_mutex);
    const PodSim *sim = simFor(ns, name);
    if (!sim || !sim->running || sim->terminating)
        return Json();
    const SnapshotPtr pod = m_store.get(kPods, ns, name);
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

Json ClusterSimulator::podMetricsList(const std::string &ns) const
{
    std::vector<std::pair<std::string, std::string>> names;
    {
        std::lock_guard lock(m_mutex);
        for (const auto &[uid, sim] : m_pods)
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

Json ClusterSimulator::nodeMetrics(const std::string &name) const
{
    if (!m_store.get(kNodes, "", name))
        return Json();
    std::lock_guard lock(m_mutex);
    double cpu = 0.06, mem = 550.0 * 1048576; // system daemons
    for (const auto &[uid, sim] : m_pods)
        if (sim.node == name && sim.running) {
            cpu += sim.cpuUsage;
            mem += sim.workingSet();
        }
    return {{"metadata", {{"name", name}, {"creationTimestamp", timeNow()}}},
            {"timestamp", timeNow()},
            {"window", "20s"},
            {"usage", {{"cpu", std::to_string(static_cast<long long>(cpu * 1e9)) + "n"}, {"memory", formatKi(mem)}}}};
}

Json ClusterSimulator::nodeMetricsList() const
{
    Json items = Json::array();
    for (const auto &n : m_store.list(kNodes)) {
        Json m = nodeMetrics(str(n->obj["metadata"], "name"));
        if (!m.is_null())
            items.push_back(std::move(m));
    }
    return {{"kind", "NodeMetricsList"},
            {"apiVersion", "metrics.k8s.io/v1beta1"},
            {"metadata", Json::object()},
            {"items", std::move(items)}};
}

std::size_t ClusterSimulator::readLog(const std::string &ns, const std::string &pod, const std::string &container,
                                      std::size_t from, std::vector<std::string> &lines, bool &ended, bool &known) const
{
    std::lock_guard lock(m_mutex);
    const PodSim *sim = simFor(ns, pod);
    known = sim != nullptr;
    ended = !sim || sim->terminating;
    if (!sim)
        return from;
    const auto it = sim->logs.find(container);
    if (it == sim->logs.end())
        return from;
    const Container &c = it->second;
    const std::size_t end = c.dropped + c.lines.size();
    for (std::size_t i = std::max(from, c.dropped); i < end; ++i)
        lines.push_back(c.lines[i - c.dropped]);
    return end;
}

std::size_t ClusterSimulator::logSize(const std::string &ns, const std::string &pod, const std::string &container) const
{
    std::lock_guard lock(m_mutex);
    const PodSim *sim = simFor(ns, pod);
    if (!sim)
        return 0;
    const auto it = sim->logs.find(container);
    return it == sim->logs.end() ? 0 : it->second.dropped + it->second.lines.size();
}

void ClusterSimulator::waitLog(std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(m_mutex);
    m_logChanged.wait_for(lock, timeout);
}

} // namespace bc::sandbox
