#include "infra/sandbox/resource_registry.h"

#include "infra/sandbox/api_error.h"

#include <algorithm>

namespace bc::sandbox {

namespace {
ResourceType make(std::string group, std::string version, std::string resource, std::string kind,
                  bool namespaced, std::vector<std::string> shortNames = {},
                  std::vector<std::string> subresources = {})
{
    ResourceType t;
    t.group = std::move(group);
    t.version = std::move(version);
    t.resource = std::move(resource);
    t.kind = std::move(kind);
    t.singular = t.kind;
    std::transform(t.singular.begin(), t.singular.end(), t.singular.begin(), ::tolower);
    t.namespaced = namespaced;
    t.shortNames = std::move(shortNames);
    t.subresources = std::move(subresources);
    return t;
}
} // namespace

ResourceRegistry::ResourceRegistry()
{
    add(make("", "v1", "namespaces", "Namespace", false, {"ns"}, {"status", "finalize"}));
    add(make("", "v1", "pods", "Pod", true, {"po"}, {"status", "log", "exec", "attach", "portforward"}));
    add(make("", "v1", "services", "Service", true, {"svc"}, {"status"}));
    add(make("", "v1", "endpoints", "Endpoints", true, {"ep"}));
    add(make("", "v1", "configmaps", "ConfigMap", true, {"cm"}));
    add(make("", "v1", "secrets", "Secret", true));
    add(make("", "v1", "serviceaccounts", "ServiceAccount", true, {"sa"}));
    add(make("", "v1", "events", "Event", true, {"ev"}));
    add(make("", "v1", "nodes", "Node", false, {"no"}, {"status"}));
    add(make("apps", "v1", "deployments", "Deployment", true, {"deploy"}, {"status", "scale"}));
    add(make("apps", "v1", "replicasets", "ReplicaSet", true, {"rs"}, {"status", "scale"}));
    add(make("batch", "v1", "jobs", "Job", true, {}, {"status"}));
    add(make("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition",
             false, {"crd", "crds"}, {"status"}));
    ResourceType pm = make("metrics.k8s.io", "v1beta1", "pods", "PodMetrics", true);
    pm.readOnly = true;
    add(pm);
    ResourceType nm = make("metrics.k8s.io", "v1beta1", "nodes", "NodeMetrics", false);
    nm.readOnly = true;
    add(nm);
    for (auto &t : m_types) {
        if (t.resource == "pods" || t.resource == "deployments" || t.resource == "replicasets"
            || t.resource == "services")
            t.categories = {"all"};
    }
}

void ResourceRegistry::add(ResourceType t)
{
    m_types.push_back(std::move(t));
}

std::optional<ResourceType> ResourceRegistry::find(const std::string &group, const std::string &version,
                                                   const std::string &resource) const
{
    std::lock_guard lock(m_mutex);
    for (const auto &t : m_types)
        if (t.group == group && t.version == version && t.resource == resource)
            return t;
    return std::nullopt;
}

std::optional<ResourceType> ResourceRegistry::findKind(const std::string &apiVersion,
                                                       const std::string &kind) const
{
    std::lock_guard lock(m_mutex);
    for (const auto &t : m_types)
        if (t.groupVersion() == apiVersion && t.kind == kind && !t.readOnly)
            return t;
    return std::nullopt;
}

std::optional<ResourceType> ResourceRegistry::findByKey(const std::string &key) const
{
    std::lock_guard lock(m_mutex);
    for (const auto &t : m_types)
        if (t.key() == key)
            return t;
    return std::nullopt;
}

std::vector<ResourceType> ResourceRegistry::all() const
{
    std::lock_guard lock(m_mutex);
    return m_types;
}

std::vector<ResourceType> ResourceRegistry::inGroupVersion(const std::string &group,
                                                           const std::string &version) const
{
    std::lock_guard lock(m_mutex);
    std::vector<ResourceType> out;
    for (const auto &t : m_types)
        if (t.group == group && t.version == version)
            out.push_back(t);
    return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> ResourceRegistry::groups() const
{
    std::lock_guard lock(m_mutex);
    std::vector<std::pair<std::string, std::vector<std::string>>> out;
    for (const auto &t : m_types) {
        if (t.group.empty())
            continue;
        auto it = std::find_if(out.begin(), out.end(), [&](const auto &p) { return p.first == t.group; });
        if (it == out.end()) {
            out.push_back({t.group, {t.version}});
        } else if (std::find(it->second.begin(), it->second.end(), t.version) == it->second.end()) {
            it->second.push_back(t.version);
        }
    }
    return out;
}

unsigned ResourceRegistry::generation() const
{
    std::lock_guard lock(m_mutex);
    return m_generation;
}

std::vector<ResourceType> ResourceRegistry::typesFromCrd(const Json &crd)
{
    const Json *spec = at(crd, "spec");
    const Json *names = at(crd, "spec.names");
    if (!spec || !names || !spec->is_object() || !names->is_object())
        throw ApiError::invalid("CustomResourceDefinition needs spec.group, spec.names and spec.versions");
    const std::string group = str(*spec, "group");
    const std::string plural = str(*names, "plural");
    const std::string kind = str(*names, "kind");
    const std::string name = str(crd["metadata"], "name");
    if (group.empty() || plural.empty() || kind.empty())
        throw ApiError::invalid("CustomResourceDefinition.apiextensions.k8s.io \"" + name
                                + "\" is invalid: spec.group, spec.names.plural and spec.names.kind are required");
    if (name != plural + "." + group)
        throw ApiError::invalid("CustomResourceDefinition.apiextensions.k8s.io \"" + name
                                + "\" is invalid: metadata.name: Invalid value: \"" + name
                                + "\": must be spec.names.plural+\".\"+spec.group");
    const auto versions = spec->find("versions");
    if (versions == spec->end() || !versions->is_array() || versions->empty())
        throw ApiError::invalid("CustomResourceDefinition.apiextensions.k8s.io \"" + name
                                + "\" is invalid: spec.versions: Required value");
    std::vector<ResourceType> out;
    for (const auto &v : *versions) {
        if (v.is_object() && v.value("served", true) && !str(v, "name").empty()) {
            ResourceType t;
            t.group = group;
            t.version = str(v, "name");
            t.resource = plural;
            t.kind = kind;
            t.singular = str(*names, "singular");
            if (t.singular.empty()) {
                t.singular = kind;
                std::transform(t.singular.begin(), t.singular.end(), t.singular.begin(), ::tolower);
            }
            t.namespaced = str(*spec, "scope") != "Cluster";
            if (names->contains("shortNames") && (*names)["shortNames"].is_array())
                for (const auto &s : (*names)["shortNames"])
                    if (s.is_string())
                        t.shortNames.push_back(s.get<std::string>());
            if (names->contains("categories") && (*names)["categories"].is_array())
                for (const auto &s : (*names)["categories"])
                    if (s.is_string())
                        t.categories.push_back(s.get<std::string>());
            if (const Json *sub = at(v, "subresources"); sub && sub->is_object()) {
                if (sub->contains("status"))
                    t.subresources.push_back("status");
            }
            t.fromCrd = true;
            // Storage version first so it is the preferred one.
            if (v.value("storage", false))
                out.insert(out.begin(), t);
            else
                out.push_back(t);
        }
    }
    return out;
}

void ResourceRegistry::addCrd(const std::string &crdName, const std::vector<ResourceType> &types)
{
    std::lock_guard lock(m_mutex);
    if (auto it = m_crdTypes.find(crdName); it != m_crdTypes.end()) {
        std::erase_if(m_types, [&](const ResourceType &t) { return t.fromCrd && t.key() == crdName; });
    }
    m_crdTypes[crdName] = types;
    for (const auto &t : types)
        m_types.push_back(t);
    ++m_generation;
}

void ResourceRegistry::removeCrd(const std::string &crdName)
{
    std::lock_guard lock(m_mutex);
    m_crdTypes.erase(crdName);
    std::erase_if(m_types, [&](const ResourceType &t) { return t.fromCrd && t.key() == crdName; });
    ++m_generation;
}

} // namespace bc::sandbox
