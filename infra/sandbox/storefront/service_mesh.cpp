#include "infra/sandbox/storefront/service_mesh.h"

#include "infra/sandbox/cluster_simulator.h"
#include "infra/sandbox/json.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/quantity.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

namespace bc::sandbox::storefront {

namespace {

constexpr double kCurrencyHeldMiB = 0.3, kDefaultHeldMiB = 0.1;

double random01()
{
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

// Memory one call holds while its CPU work waits in the pod (see README "Memory model").
double heldBytesPerCall(const std::string &service)
{
    constexpr double kMiB = 1048576.0;
    return service == "currencyservice" ? kCurrencyHeldMiB * kMiB : kDefaultHeldMiB * kMiB;
}

std::size_t randomIndex(std::size_t n)
{
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
}

std::map<std::string, std::string> stringMap(const Json *j)
{
    std::map<std::string, std::string> out;
    if (j && j->is_object())
        for (auto it = j->begin(); it != j->end(); ++it)
            if (it.value().is_string())
                out[it.key()] = it.value().get<std::string>();
    return out;
}

bool matches(const std::map<std::string, std::string> &labels, const std::map<std::string, std::string> &selector)
{
    for (const auto &[k, v] : selector) {
        const auto it = labels.find(k);
        if (it == labels.end() || it->second != v)
            return false;
    }
    return true;
}

bool startsWithV2(const std::string &s)
{
    return s.rfind("v2", 0) == 0;
}

PodEndpoint endpointFor(const Json &pod)
{
    PodEndpoint ep;
    ep.name = str(pod["metadata"], "name");
    ep.labels = stringMap(at(pod, "metadata.labels"));
    const Json *containers = at(pod, "spec.containers");
    if (containers && containers->is_array() && !containers->empty()) {
        const Json &c = (*containers)[0];
        const std::string image = str(c, "image");
        const auto colon = image.rfind(':');
        if (colon != std::string::npos && image.find('/', colon) == std::string::npos
            && startsWithV2(image.substr(colon + 1)))
            ep.v2 = true;
        if (const Json *env = at(c, "env"); env && env->is_array())
            for (const auto &e : *env) {
                if (const Json *value = at(e, "value"); value && value->is_string())
                    ep.env[str(e, "name")] = value->get<std::string>();
                if (str(e, "name") == "CANARY_VERSION" && startsWithV2(str(e, "value")))
                    ep.v2 = true;
            }
        if (const Json *limit = at(c, "resources.limits.cpu"))
            ep.cpuLimit = quantityOf(*limit);
        else if (const Json *request = at(c, "resources.requests.cpu"))
            ep.cpuLimit = std::max(quantityOf(*request), 1.0); // no limit: it may use a core
    }
    if (ep.cpuLimit <= 0)
        ep.cpuLimit = 1.0;
    return ep;
}

} // namespace

double steadySeconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string parseFault(const std::string &text, std::string &service, FaultSpec &spec)
{
    const auto colon = text.find(':');
    if (colon == std::string::npos || colon == 0)
        return "expected SERVICE:latency=MS,error=RATE, got \"" + text + "\"";
    service = text.substr(0, colon);
    spec = FaultSpec{};
    std::stringstream parts(text.substr(colon + 1));
    std::string part;
    bool any = false;
    while (std::getline(parts, part, ',')) {
        const auto eq = part.find('=');
        const std::string key = part.substr(0, eq);
        const std::string value = eq == std::string::npos ? std::string() : part.substr(eq + 1);
        char *end = nullptr;
        const double v = std::strtod(value.c_str(), &end);
        if (value.empty() || *end)
            return "fault \"" + part + "\" needs a number (latency=MS, error=RATE)";
        if (key == "latency") {
            if (v < 0 || v > 600000)
                return "latency must be between 0 and 600000 ms, got " + value;
            spec.latencyMs = v;
        } else if (key == "error") {
            if (v < 0 || v > 1)
                return "error rate must be between 0 and 1, got " + value;
            spec.errorRate = v;
        } else {
            return "unknown fault \"" + key + "\" (use latency=MS and/or error=RATE)";
        }
        any = true;
    }
    if (!any)
        return "fault for " + service + " sets neither latency nor error";
    return {};
}

ServiceMesh::ServiceMesh(ObjectStore &store, ClusterSimulator &simulator, double costScale)
    : m_store(store), m_simulator(simulator), m_costScale(costScale), m_topology(std::make_shared<Topology>())
{
}

void ServiceMesh::setFault(const std::string &service, FaultSpec spec)
{
    std::lock_guard lock(m_mutex);
    m_faults[service] = spec;
}

std::shared_ptr<const Topology> ServiceMesh::topology() const
{
    std::lock_guard lock(m_mutex);
    return m_topology;
}

void ServiceMesh::refresh()
{
    const std::uint64_t rv = m_store.resourceVersion();
    {
        std::lock_guard lock(m_mutex);
        if (rv == m_seenRv)
            return;
    }
    auto topo = std::make_shared<Topology>();
    // The frontend: a LoadBalancer Service selecting app=frontend (frontend-external upstream).
    for (const auto &s : m_store.list("services")) {
        const Json &svc = s->obj;
        const Json *type = at(svc, "spec.type");
        if (!type || !type->is_string() || *type != "LoadBalancer" || !svc.contains("metadata"))
            continue;
        const auto sel = stringMap(at(svc, "spec.selector"));
        const auto app = sel.find("app");
        if (app == sel.end() || app->second != "frontend")
            continue;
        if (!topo->frontendService.empty() && str(svc["metadata"], "namespace") != "default")
            continue; // prefer the default namespace when several exist
        topo->ns = str(svc["metadata"], "namespace");
        topo->frontendService = str(svc["metadata"], "name");
        if (const Json *ports = at(svc, "spec.ports"); ports && ports->is_array() && !ports->empty())
            topo->frontendPort = (*ports)[0].value("port", 80);
    }
    if (!topo->frontendService.empty()) {
        std::map<std::string, const Json *> pods;
        const auto podSnaps = m_store.list("pods", topo->ns);
        for (const auto &p : podSnaps)
            pods[str(p->obj["metadata"], "name")] = &p->obj;
        for (const auto &s : m_store.list("services", topo->ns)) {
            const std::string name = str(s->obj["metadata"], "name");
            auto &ready = topo->ready[name];
            const SnapshotPtr ep = m_store.get("endpoints", topo->ns, name);
            if (!ep)
                continue;
            if (const Json *subsets = at(ep->obj, "subsets"); subsets && subsets->is_array())
                for (const auto &subset : *subsets)
                    if (const Json *addrs = at(subset, "addresses"); addrs && addrs->is_array())
                        for (const auto &a : *addrs) {
                            const auto pod = pods.find(str(a.value("targetRef", Json::object()), "name"));
                            if (pod != pods.end() && !at(*pod->second, "metadata.deletionTimestamp"))
                                ready.push_back(endpointFor(*pod->second));
                        }
        }
        // Istio: VirtualService http[0].route weights over DestinationRule subsets.
        std::map<std::string, std::map<std::string, std::map<std::string, std::string>>> subsets; // host -> subset -> labels
        for (const auto &d : m_store.list("destinationrules.networking.istio.io", topo->ns)) {
            const Json *hostField = at(d->obj, "spec.host");
            const std::string host = hostField && hostField->is_string() ? hostField->get<std::string>() : std::string();
            if (const Json *ss = at(d->obj, "spec.subsets"); ss && ss->is_array())
                for (const auto &sub : *ss)
                    subsets[host][str(sub, "name")] = stringMap(at(sub, "labels"));
        }
        for (const auto &v : m_store.list("virtualservices.networking.istio.io", topo->ns)) {
            const Json *http = at(v->obj, "spec.http");
            const Json *hosts = at(v->obj, "spec.hosts");
            if (!http || !http->is_array() || http->empty() || !hosts || !hosts->is_array())
                continue;
            const Json *routes = at((*http)[0], "route");
            if (!routes || !routes->is_array())
                continue;
            std::vector<Topology::Subset> weighted;
            for (const auto &r : *routes) {
                Topology::Subset sub;
                sub.weight = routes->size() == 1 ? r.value("weight", 100) : r.value("weight", 0);
                const Json dest = r.value("destination", Json::object());
                std::string host = str(dest, "host");
                host = host.substr(0, host.find('.'));
                const std::string subset = str(dest, "subset");
                if (!subset.empty()) {
                    const auto h = subsets.find(host);
                    if (h != subsets.end() && h->second.count(subset))
                        sub.labels = h->second[subset];
                    else
                        sub.labels["\x01missing-subset"] = subset; // matches no pod: 503 like Envoy
                }
                weighted.push_back(sub);
            }
            for (const auto &h : *hosts)
                if (h.is_string()) {
                    std::string host = h.get<std::string>();
                    topo->istioRoutes[host.substr(0, host.find('.'))] = weighted;
                }
        }
    }
    std::lock_guard lock(m_mutex);
    m_topology = std::move(topo);
    m_seenRv = rv;
}

ServiceMesh::Trace ServiceMesh::begin() const
{
    Trace t;
    t.t = steadySeconds();
    t.topo = topology();
    return t;
}

std::string ServiceMesh::call(Trace &trace, const std::string &service, const std::string &method,
                              double cpuSeconds, const PodEndpoint **picked)
{
    const Topology &topo = *trace.topo;
    const auto svc = topo.ready.find(service);
    if (svc == topo.ready.end())
        return "rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial tcp: "
               "lookup " + service + " on 10.0.0.10:53: no such host\"";
    FaultSpec fault;
    {
        std::lock_guard lock(m_mutex);
        if (const auto f = m_faults.find(service); f != m_faults.end())
            fault = f->second;
    }
    trace.t += fault.latencyMs / 1000.0;
    if (fault.errorRate > 0 && random01() < fault.errorRate)
        return "rpc error: code = Unavailable desc = fault injected into " + service + "/" + method;

    // Candidates: every ready pod, or those of the subset an Istio route picks by weight.
    std::vector<const PodEndpoint *> candidates;
    const auto route = topo.istioRoutes.find(service);
    if (route != topo.istioRoutes.end() && !route->second.empty()) {
        int total = 0;
        for (const auto &s : route->second)
            total += std::max(0, s.weight);
        if (total > 0) {
            double pick = random01() * total;
            const Topology::Subset *chosen = &route->second.back();
            for (const auto &s : route->second) {
                if (pick < std::max(0, s.weight)) {
                    chosen = &s;
                    break;
                }
                pick -= std::max(0, s.weight);
            }
            for (const auto &p : svc->second)
                if (matches(p.labels, chosen->labels))
                    candidates.push_back(&p);
            if (candidates.empty())
                return "rpc error: code = Unavailable desc = no healthy upstream (istio route of " + service + ")";
        }
    }
    if (candidates.empty())
        for (const auto &p : svc->second)
            candidates.push_back(&p);
    if (candidates.empty())
        return "rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial tcp "
               + service + ": connect: connection refused\" (no ready endpoints)";
    const PodEndpoint *pod = candidates[candidates.size() == 1 ? 0 : randomIndex(candidates.size())];
    if (picked)
        *picked = pod;
    if (pod->v2) { // `--fault SVC@v2:...`: a canary that fails, while v1 serves as before
        std::optional<FaultSpec> v2Fault;
        {
            std::lock_guard lock(m_mutex);
            if (const auto f = m_faults.find(service + "@v2"); f != m_faults.end())
                v2Fault = f->second;
        }
        if (v2Fault) {
            trace.t += v2Fault->latencyMs / 1000.0;
            if (v2Fault->errorRate > 0 && random01() < v2Fault->errorRate)
                return "rpc error: code = Unavailable desc = fault injected into " + service + "/" + method + " (v2 pod "
                       + pod->name + ")";
        }
    }
    const double cost = cpuSeconds * m_costScale;
    if (cost <= 0)
        return {};
    {
        // Work-conserving queue per pod: the backlog drains at the CPU limit; a call waits for the
        // backlog ahead of it plus its own work. Time is the request's own timeline: its next call is
        // made when the previous one has finished, by which time the work of that one has drained
        // (draining by the wall clock instead charged every earlier call of the same page again).
        std::lock_guard lock(m_queueMutex);
        Backlog &q = m_backlog[pod->name];
        if (trace.t > q.at) {
            q.work = std::max(0.0, q.work - (trace.t - q.at) * pod->cpuLimit);
            q.at = trace.t;
        }
        const double wait = (q.work + cost) / pod->cpuLimit;
        if (wait > kMaxQueueSeconds)
            return "rpc error: code = DeadlineExceeded desc = context deadline exceeded (" + service + " overloaded)";
        q.work += cost;
        trace.t += wait;
    }
    // A pod deleted since the last refresh refuses the connection, like a terminating container.
    if (!m_simulator.addCpuWork(topo.ns, pod->name, cost, heldBytesPerCall(service)))
        return "rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial tcp: "
               "connect: connection refused\" (pod " + pod->name + " is gone)";
    return {};
}

void ServiceMesh::finish(const Trace &trace)
{
    const double wait = trace.t - steadySeconds();
    if (wait > 0)
        std::this_thread::sleep_for(std::chrono::duration<double>(wait));
}

} // namespace bc::sandbox::storefront
