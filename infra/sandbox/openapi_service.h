#pragma once

#include <map>
#include <mutex>
#include <string>

namespace httplib {
struct Request;
struct Response;
} // namespace httplib

namespace bc::sandbox {

class ObjectStore;
class ResourceRegistry;

// The OpenAPI documents a 1.32 API server publishes, for what the sandbox serves: the v3 index
// (/openapi/v3), one v3 document per group-version (/openapi/v3/api/v1, /openapi/v3/apis/G/V) with
// paths and the schemas of its kinds (x-kubernetes-group-version-kind, descriptions, patch
// strategies), and the v2 document in JSON (/openapi/v2). Built-in schemas come from Kubernetes
// 1.32's spec (openapi/kubernetes-1.32.json, compiled in); a custom resource's from its CRD's
// openAPIV3Schema. `kubectl explain` and apply's strategic-merge metadata read them.
// Documents are built on first request and kept per registry generation (a few hundred KB);
// the parsed schemas are not kept.
class OpenApiService {
public:
    OpenApiService(const ObjectStore &store, const ResourceRegistry &registry);

    // Answers GET /openapi/... (404 Status for any other path below it).
    void serve(const httplib::Request &req, httplib::Response &res);

    std::string hash() const;
    std::string index() const;
    // "" group = core. Throws ApiError 404 for a group-version that is not served.
    std::string document(const std::string &group, const std::string &version);
    std::string swagger();

private:
    const ObjectStore &m_store;
    const ResourceRegistry &m_registry;
    std::mutex m_mutex;
    unsigned m_generation = 0;
    std::map<std::string, std::string> m_cache; // "api/v1", "apis/apps/v1", "v2" -> text
};

} // namespace bc::sandbox
