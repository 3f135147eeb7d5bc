#include "infra/sandbox/crd_support.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/openapi/openapi_schemas.h"
#include "infra/sandbox/resource_registry.h"

#include <algorithm>

namespace bc::sandbox {

void activateCrd(ObjectStore &store, ResourceRegistry &registry, const Json &crd)
{
    const auto types = ResourceRegistry::typesFromCrd(crd);
    const std::string name = str(crd["metadata"], "name");
    registry.addCrd(name, types);
    const std::string now = ObjectStore::now();
    std::string storage;
    for (const auto &v : crd["spec"]["versions"])
        if (v.value("storage", false))
            storage = str(v, "name");
    try {
        store.mutate("customresourcedefinitions.apiextensions.k8s.io", "", name, [&](Json &o) {
            Json st = {{"acceptedNames", o["spec"]["names"]},
                       {"conditions",
                        {{{"type", "NamesAccepted"},
                          {"status", "True"},
                          {"lastTransitionTime", now},
                          {"reason", "NoConflicts"},
                          {"message", "no conflicts found for the names"}},
                         {{"type", "Established"},
                          {"status", "True"},
                          {"lastTransitionTime", now},
                          {"reason", "InitialNamesAccepted"},
                          {"message", "the initial names have been accepted"}}}},
                       {"storedVersions", {storage.empty() ? types.front().version : storage}}};
            if (o.contains("status") && o["status"].contains("conditions"))
                st["conditions"] = o["status"]["conditions"];
            if (o.value("status", Json()) == st)
                return false;
            o["status"] = st;
            return true;
        });
    } catch (const ApiError &) {
    }
}

void deactivateCrd(ObjectStore &store, ResourceRegistry &registry, const std::string &crdName)
{
    registry.removeCrd(crdName);
    store.removeAll(crdName);
}

namespace {
Json crd(const std::string &group, const std::string &kind, const std::string &plural,
         const std::vector<std::string> &versions, const std::string &storage, std::vector<std::string> shortNames,
         std::vector<std::string> categories, bool statusSubresource,
         Json schema = {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}})
{
    std::string singular = kind;
    std::transform(singular.begin(), singular.end(), singular.begin(), ::tolower);
    Json vs = Json::array();
    for (const auto &v : versions) {
        Json ver = {{"name", v},
                    {"served", true},
                    {"storage", v == storage},
                    {"schema", {{"openAPIV3Schema", schema}}}};
        if (statusSubresource)
            ver["subresources"] = {{"status", Json::object()}};
        vs.push_back(ver);
    }
    Json names = {{"kind", kind}, {"listKind", kind + "List"}, {"plural", plural}, {"singular", singular}};
    if (!shortNames.empty())
        names["shortNames"] = shortNames;
    if (!categories.empty())
        names["categories"] = categories;
    return {{"apiVersion", "apiextensions.k8s.io/v1"},
            {"kind", "CustomResourceDefinition"},
            {"metadata", {{"name", plural + "." + group}}},
            {"spec", {{"group", group}, {"names", names}, {"scope", "Namespaced"}, {"versions", vs}}}};
}
} // namespace

std::vector<Json> bundledCrds()
{
    // CNPG's own schemas (release 1.21, openapi/NOTICE.md), so `kubectl explain clusters.spec` has fields.
    const Json cnpg = Json::parse(bundledCnpgSchemas());
    return {
        crd("postgresql.cnpg.io", "Cluster", "clusters", {"v1"}, "v1", {}, {}, true, cnpg["Cluster"]),
        crd("postgresql.cnpg.io", "ScheduledBackup", "scheduledbackups", {"v1"}, "v1", {}, {}, true,
            cnpg["ScheduledBackup"]),
        crd("postgresql.cnpg.io", "Backup", "backups", {"v1"}, "v1", {}, {}, true, cnpg["Backup"]),
        crd("networking.istio.io", "VirtualService", "virtualservices", {"v1", "v1alpha3", "v1beta1"}, "v1",
            {"vs"}, {"istio-io", "networking-istio-io"}, true),
        crd("networking.istio.io", "DestinationRule", "destinationrules", {"v1", "v1alpha3", "v1beta1"}, "v1",
            {"dr"}, {"istio-io", "networking-istio-io"}, true),
    };
}

} // namespace bc::sandbox
