#include "infra/sandbox/cnpg_controller.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/cluster_simulator.h"
#include "infra/sandbox/controller_support.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/port_forward_service.h"
#include "infra/sandbox/resource_registry.h"

#include <chrono>

namespace bc::sandbox {

namespace {

constexpr const char *kClusters = "clusters.postgresql.cnpg.io";
constexpr const char *kClusterLabel = "cnpg.io/cluster";
constexpr int kPostgresPort = 5432;

bool isReady(const Json &pod)
{
    return str(pod["status"], "phase") == "Running" && sim::podReady(pod);
}

int instancesOf(const Json &cluster)
{
    const Json *v = at(cluster, "spec.instances");
    return v && v->is_number_integer() ? static_cast<int>(std::clamp<long long>(v->get<long long>(), 1, 100)) : 1;
}

} // namespace

CnpgController::CnpgController(ObjectStore &store, ResourceRegistry &registry, ClusterSimulator &simulator,
                               std::string postgresAddress)
    : m_store(store), m_registry(registry), m_simulator(simulator), m_postgresAddress(std::move(postgresAddress)),
      m_loop([this] { reconcile(); }, std::chrono::milliseconds(200))
{
}

CnpgController::~CnpgController()
{
    stop();
}

void CnpgController::start()
{
    m_loop.start();
}

void CnpgController::stop()
{
    m_loop.stop();
}

void CnpgController::reconcile()
{
    for (const auto &snap : m_store.list(kClusters)) {
        try {
            if (!sim::terminating(snap->obj))
                reconcileCluster(snap->obj);
        } catch (const std::exception &) {
            // A cluster removed or changed during the pass: the next pass sees it as it is.
        }
    }
    removeOrphanedServices();
}

Json CnpgController::ownerReference(const Json &cluster) const
{
    return {{"apiVersion", "postgresql.cnpg.io/v1"},
            {"kind", "Cluster"},
            {"name", str(cluster["metadata"], "name")},
            {"uid", str(cluster["metadata"], "uid")},
            {"controller", true},
            {"blockOwnerDeletion", true}};
}

void CnpgController::reconcileCluster(const Json &cluster)
{
    const std::string ns = str(cluster["metadata"], "namespace");
    const std::string name = str(cluster["metadata"], "name");
    const int instances = instancesOf(cluster);
    ensureService(cluster, "rw", "primary");
    ensureService(cluster, "ro", "replica");
    ensureService(cluster, "r", "");
    for (int i = 1; i <= instances; ++i)
        ensurePod(cluster, i);
    // Scaled down: the highest instances go.
    for (const auto &pod : m_store.list("pods", ns)) {
        const Json *labels = at(pod->obj, "metadata.labels");
        if (!labels || str(*labels, kClusterLabel) != name || sim::terminating(pod->obj))
            continue;
        const std::string podName = str(pod->obj["metadata"], "name");
        const std::string prefix = name + "-";
        if (podName.rfind(prefix, 0) != 0)
            continue;
        try {
            if (std::stoi(podName.substr(prefix.size())) > instances)
                m_simulator.deletePod(ns, podName, -1);
        } catch (const std::logic_error &) {
        }
    }
    updateStatus(cluster, instances);
}

void CnpgController::ensureService(const Json &cluster, const std::string &suffix, const std::string &role)
{
    const std::string ns = str(cluster["metadata"], "namespace");
    const std::string clusterName = str(cluster["metadata"], "name");
    const std::string name = clusterName + "-" + suffix;
    if (m_store.get("services", ns, name))
        return;
    Json selector = {{kClusterLabel, clusterName}};
    if (!role.empty())
        selector["role"] = role;
    Json service = {{"apiVersion", "v1"},
                    {"kind", "Service"},
                    {"metadata",
                     {{"name", name},
                      {"namespace", ns},
                      {"labels", {{kClusterLabel, clusterName}}},
                      {"ownerReferences", Json::array({ownerReference(cluster)})}}},
                    {"spec",
                     {{"type", "ClusterIP"},
                      {"ports",
                       Json::array({{{"name", "postgres"},
                                     {"port", kPostgresPort},
                                     {"protocol", "TCP"},
                                     {"targetPort", kPostgresPort}}})},
                      {"selector", selector}}}};
    const auto type = m_registry.find("", "v1", "services");
    if (type)
        m_simulator.admit(*type, service);
    try {
        m_store.create("services", service);
    } catch (const ApiError &) {
    }
}

void CnpgController::ensurePod(const Json &cluster, int index)
{
    const std::string ns = str(cluster["metadata"], "namespace");
    const std::string clusterName = str(cluster["metadata"], "name");
    const std::string name = clusterName + "-" + std::to_string(index);
    const std::string mapping = m_postgresAddress.empty() ? std::string()
                                                          : std::to_string(kPostgresPort) + "=" + m_postgresAddress;
    if (const SnapshotPtr existing = m_store.get("pods", ns, name)) {
        const Json *annotations = at(existing->obj, "metadata.annotations");
        const std::string current = annotations ? str(*annotations, kPortForwardAnnotation) : std::string();
        if (current != mapping && !mapping.empty()) // the sandbox restarted with another --postgres
            m_store.mutate("pods", ns, name, [&](Json &pod) {
                pod["metadata"]["annotations"][kPortForwardAnnotation] = mapping;
                return true;
            });
        return;
    }
    const std::string role = index == 1 ? "primary" : "replica";
    Json pod = {{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata",
                 {{"name", name},
                  {"namespace", ns},
                  {"labels",
                   {{kClusterLabel, clusterName},
                    {"cnpg.io/instanceName", name},
                    {"cnpg.io/instanceRole", role},
                    {"cnpg.io/podRole", "instance"},
                    {"role", role}}},
                  {"ownerReferences", Json::array({ownerReference(cluster)})}}},
                {"spec",
                 {{"hostname", name},
                  {"containers",
                   Json::array({{{"name", "postgres"},
                                 {"image", "ghcr.io/cloudnative-pg/postgresql:15"},
                                 {"ports",
                                  Json::array({{{"containerPort", kPostgresPort},
                                                {"name", "postgresql"},
                                                {"protocol", "TCP"}}})}}})}}}};
    if (!mapping.empty())
        pod["metadata"]["annotations"] = {{kPortForwardAnnotation, mapping}};
    const auto type = m_registry.find("", "v1", "pods");
    if (!type)
        return;
    m_simulator.admit(*type, pod);
    try {
        m_store.create("pods", pod);
    } catch (const ApiError &) {
    }
}

void CnpgController::updateStatus(const Json &cluster, int instances)
{
    const std::string ns = str(cluster["metadata"], "namespace");
    const std::string name = str(cluster["metadata"], "name");
    int ready = 0;
    for (int i = 1; i <= instances; ++i)
        if (const SnapshotPtr pod = m_store.get("pods", ns, name + "-" + std::to_string(i)); pod && isReady(pod->obj))
            ++ready;
    const std::string primary = name + "-1";
    const std::string phase = ready == instances ? "Cluster in healthy state"
                              : ready == 0       ? "Setting up primary"
                                                 : "Creating a new replica";
    const Json status = {{"instances", instances},
                         {"readyInstances", ready},
                         {"currentPrimary", primary},
                         {"targetPrimary", primary},
                         {"phase", phase},
                         {"writeService", name + "-rw"},
                         {"readService", name + "-r"}};
    m_store.mutate(kClusters, ns, name, [&](Json &obj) {
        if (obj.contains("status") && obj["status"] == status)
            return false;
        obj["status"] = status;
        return true;
    });
}

void CnpgController::removeOrphanedServices()
{
    for (const auto &svc : m_store.list("services")) {
        const Json *labels = at(svc->obj, "metadata.labels");
        const Json *refs = at(svc->obj, "metadata.ownerReferences");
        if (!labels || str(*labels, kClusterLabel).empty() || !refs || !refs->is_array() || refs->empty())
            continue;
        bool orphan = true;
        for (const auto &r : *refs)
            if (str(r, "kind") != "Cluster" || m_store.uidExists(str(r, "uid")))
                orphan = false;
        if (!orphan)
            continue;
        try {
            m_store.remove("services", str(svc->obj["metadata"], "namespace"), str(svc->obj["metadata"], "name"));
        } catch (const ApiError &) {
        }
    }
}

} // namespace bc::sandbox
