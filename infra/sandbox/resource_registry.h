#pragma once

#include "infra/sandbox/json.h"

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace bc::sandbox {

// One served resource (a group/version/plural), as discovery lists it.
struct ResourceType {
    std::string group;   // "" for core
    std::string version; // "v1"
    std::string resource; // plural, "deployments"
    std::string kind;     // "Deployment"
    std::string singular; // "deployment"
    bool namespaced = true;
    std::vector<std::string> shortNames;
    std::vector<std::string> categories;
    std::vector<std::string> subresources; // "status", "scale", "log"
    bool fromCrd = false;
    bool readOnly = false; // metrics.k8s.io: served by the simulator, not stored

    std::string groupVersion() const { return group.empty() ? version : group + "/" + version; }
    // Store key, version independent: "pods", "deployments.apps".
    std::string key() const { return group.empty() ? resource : resource + "." + group; }
    std::string listKind() const { return kind + "List"; }
};

// The set of served resources: built-in kinds plus those defined by CustomResourceDefinitions.
// Thread safe; generation() changes whenever the set changes (OpenAPI and discovery hashes).
class ResourceRegistry {
public:
    ResourceRegistry();

    std::optional<ResourceType> find(const std::string &group, const std::string &version,
                                     const std::string &resource) const;
    std::optional<ResourceType> findKind(const std::string &apiVersion, const std::string &kind) const;
    std::optional<ResourceType> findByKey(const std::string &key) const;
    std::vector<ResourceType> all() const;
    std::vector<ResourceType> inGroupVersion(const std::string &group, const std::string &version) const;
    // group -> versions (preferred first), core excluded.
    std::vector<std::pair<std::string, std::vector<std::string>>> groups() const;
    unsigned generation() const;

    // CRD object -> served types. Throws ApiError(422) when the CRD is malformed.
    static std::vector<ResourceType> typesFromCrd(const Json &crd);
    void addCrd(const std::string &crdName, const std::vector<ResourceType> &types);
    void removeCrd(const std::string &crdName);

private:
    void add(ResourceType t);
    mutable std::mutex m_mutex;
    std::vector<ResourceType> m_types;
    std::map<std::string, std::vector<ResourceType>> m_crdTypes;
    unsigned m_generation = 1;
};

} // namespace bc::sandbox
