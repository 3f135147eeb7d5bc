#include "infra/sandbox/cluster_simulator.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/controller_support.h"
#include "infra/sandbox/job_controller.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/quantity.h"
#include "infra/sandbox/selector.h"

#include <algorithm>
#include <cmath>

namespace bc::sandbox {

using namespace sim;

// The Job controller keeps its own reconcile(); this puts it in the pass with the others.
class ClusterSimulator::JobPass final : public Controller {
public:
    explicit JobPass(JobController &jobs) : m_jobs(jobs) {}
    void reconcile(SimClock::time_point) override { m_jobs.reconcile(); }

private:
    JobController &m_jobs;
};

ClusterSimulator::ClusterSimulator(ObjectStore &store, ResourceRegistry &registry, SimulatorOptions options)
    : m_store(store), m_registry(registry), m_state(store, std::move(options)), m_kubelet(m_state),
      m_garbage(m_state, m_kubelet), m_deployments(m_state), m_replicaSets(m_state, m_kubelet),
      m_jobs(std::make_unique<JobController>(
          store, JobController::Hooks{[this](Json &pod) { admit(podType(), pod); },
                                      [this](const Json &o, const std::string &type, const std::string &reason,
                                             const std::string &message) {
                                          recordEvent(o, type, reason, message, "job-controller");
                                      }})),
      m_jobPass(std::make_unique<JobPass>(*m_jobs)), m_scheduler(m_state), m_services(m_state), m_endpoints(m_state),
      m_serviceAccounts(m_state), m_resources(m_state),
      m_controllers{&m_garbage,  &m_deployments, &m_replicaSets, m_jobPass.get(),     &m_scheduler,
                    &m_kubelet,  &m_services,    &m_endpoints,   &m_serviceAccounts},
      m_loop([this] { reconcile(); }, std::chrono::milliseconds(m_state.options().tickMilliseconds))
{
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
    m_state.logChanged().notify_all();
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
    const double allocCpu = std::max(0.1, m_state.options().nodeCpu - 0.07);
    const double allocMem = std::max(256.0 * 1048576, m_state.options().nodeMemory * 0.76);
    for (int i = 1; i <= m_state.options().nodeCount; ++i) {
        const std::string name = "sandbox-" + m_state.options().machineType + "-node-" + std::to_string(i);
        if (m_store.get(kNodes, "", name))
            continue;
        const std::string ip = "10.128.0." + std::to_string(i + 1);
        const std::string cpu = std::to_string(static_cast<long long>(std::llround(m_state.options().nodeCpu * 1000))) + "m";
        Json node = {
            {"apiVersion", "v1"},
            {"kind", "Node"},
            {"metadata",
             {{"name", name},
              {"labels",
               {{"kubernetes.io/hostname", name},
                {"kubernetes.io/os", "linux"},
                {"kubernetes.io/arch", "amd64"},
                {"node.kubernetes.io/instance-type", m_state.options().machineType},
                {"cloud.google.com/gke-nodepool", "default-pool"},
                {"topology.kubernetes.io/zone", "sandbox-a"}}}}},
            {"spec", {{"podCIDR", "10.244." + std::to_string(i) + ".0/24"}, {"providerID", "sandbox://" + name}}},
            {"status",
             {{"capacity",
               {{"cpu", cpu},
                {"memory", formatKi(m_state.options().nodeMemory)},
                {"pods", std::to_string(m_state.options().maxPodsPerNode)},
                {"ephemeral-storage", "98831908Ki"}}},
              {"allocatable",
               {{"cpu", formatMillicores(allocCpu)},
                {"memory", formatKi(allocMem)},
                {"pods", std::to_string(m_state.options().maxPodsPerNode)},
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
    std::lock_guard lock(m_state.mutex());
    for (const auto &snap : m_store.list(kPods)) {
        const Json &pod = snap->obj;
        const std::string uid = str(pod["metadata"], "uid");
        if (m_state.find(uid))
            continue;
        PodSim sim;
        sim.ns = str(pod["metadata"], "namespace");
        sim.name = str(pod["metadata"], "name");
        sim.node = str(pod["spec"], "nodeName");
        sim.running = str(pod["status"], "phase") == "Running";
        sim.scheduledAt = m_state.now();
        sim.restarts = 0;
        const Requests lim = podLimits(pod);
        sim.cpuLimit = lim.cpu;
        sim.memLimit = lim.memory;
        if (terminating(pod)) {
            sim.terminating = true;
            sim.deleteAt = m_state.now();
        }
        m_state.add(uid, std::move(sim));
        m_state.reservePodIps(1);
    }
    m_state.reservePodIps(1000); // keep fresh IPs clear of restored ones
}

void ClusterSimulator::admit(const ResourceType &type, Json &obj)
{
    if (type.group == "batch" && type.resource == "jobs")
        return JobController::admit(obj);
    if (!type.group.empty() && type.group != "apps")
        return;
    std::lock_guard lock(m_state.mutex());
    if (type.group.empty() && type.resource == "pods") {
        PodLifecycle::admit(obj);
    } else if (type.group.empty() && type.resource == "services") {
        m_services.admit(obj);
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

void ClusterSimulator::reconcile()
{
    std::lock_guard lock(m_state.mutex());
    const auto now = m_state.now();
    // Skip the controllers when nothing changed and nothing is waiting on a timer: with tens of
    // thousands of pods a pass is not free.
    const std::uint64_t rv = m_store.resourceVersion();
    const bool timed = std::any_of(m_controllers.begin(), m_controllers.end(),
                                   [&](const Controller *c) { return c->waiting(now); });
    if (rv != m_lastPassRv || timed) {
        m_lastPassRv = rv;
        for (Controller *c : m_controllers)
            c->reconcile(now);
    }
    m_resources.reconcile(now);
}

Json ClusterSimulator::deletePod(const std::string &ns, const std::string &name, long long gracePeriod)
{
    return m_kubelet.deletePod(ns, name, gracePeriod);
}

void ClusterSimulator::recordEvent(const Json &involved, const std::string &type, const std::string &reason,
                                   const std::string &message, const std::string &component)
{
    std::lock_guard lock(m_state.mutex());
    m_state.recordEvent(involved, type, reason, message, component);
}

bool ClusterSimulator::addCpuWork(const std::string &ns, const std::string &pod, double cpuSeconds, double heldBytes)
{
    return m_resources.addCpuWork(ns, pod, cpuSeconds, heldBytes);
}

bool ClusterSimulator::addMemory(const std::string &ns, const std::string &pod, double bytes)
{
    return m_resources.addMemory(ns, pod, bytes);
}

bool ClusterSimulator::setMemory(const std::string &ns, const std::string &pod, double bytes)
{
    return m_resources.setMemory(ns, pod, bytes);
}

std::optional<PodUsage> ClusterSimulator::usage(const std::string &ns, const std::string &pod) const
{
    return m_resources.usage(ns, pod);
}

Json ClusterSimulator::podMetrics(const std::string &ns, const std::string &name) const
{
    return m_resources.podMetrics(ns, name);
}

Json ClusterSimulator::podMetricsList(const std::string &ns) const
{
    return m_resources.podMetricsList(ns);
}

Json ClusterSimulator::nodeMetrics(const std::string &name) const
{
    return m_resources.nodeMetrics(name);
}

Json ClusterSimulator::nodeMetricsList() const
{
    return m_resources.nodeMetricsList();
}

bool ClusterSimulator::setLoadBalancerIngress(const std::string &ns, const std::string &service, const std::string &ip)
{
    std::lock_guard lock(m_state.mutex());
    m_services.setIngress(ns, service, ip);
    return m_store.get(kServices, ns, service) != nullptr;
}

bool ClusterSimulator::appendLog(const std::string &ns, const std::string &pod, const std::string &container,
                                 const std::string &line)
{
    std::lock_guard lock(m_state.mutex());
    PodSim *sim = m_state.simFor(ns, pod);
    if (!sim)
        return false;
    m_state.log(*sim, container.empty() && !sim->logs.empty() ? sim->logs.begin()->first : container, line);
    return true;
}

std::size_t ClusterSimulator::readLog(const std::string &ns, const std::string &pod, const std::string &container,
                                      std::size_t from, std::vector<std::string> &lines, bool &ended, bool &known) const
{
    std::lock_guard lock(m_state.mutex());
    const PodSim *sim = m_state.simFor(ns, pod);
    known = sim != nullptr;
    ended = !sim || sim->terminating;
    if (!sim)
        return from;
    const auto it = sim->logs.find(container);
    if (it == sim->logs.end())
        return from;
    const ContainerLog &c = it->second;
    const std::size_t end = c.dropped + c.lines.size();
    for (std::size_t i = std::max(from, c.dropped); i < end; ++i)
        lines.push_back(c.lines[i - c.dropped]);
    return end;
}

std::size_t ClusterSimulator::logSize(const std::string &ns, const std::string &pod, const std::string &container) const
{
    std::lock_guard lock(m_state.mutex());
    const PodSim *sim = m_state.simFor(ns, pod);
    if (!sim)
        return 0;
    const auto it = sim->logs.find(container);
    return it == sim->logs.end() ? 0 : it->second.dropped + it->second.lines.size();
}

void ClusterSimulator::waitLog(std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(m_state.mutex());
    m_state.logChanged().wait_for(lock, timeout);
}

} // namespace bc::sandbox
