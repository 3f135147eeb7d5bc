#pragma once

// What every handler group of the ApiServer shares: the parts of the sandbox it works on
// (ApiContext), the resource a request path names (ApiRoute) and the small request/response
// helpers that all groups answer with.

#include "infra/sandbox/json.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/resource_registry.h"

#include <httplib.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace bc::sandbox {

class ApiError;
class ClusterSimulator;
class ListPager;
class OpenApiService;

// The last configuration each field manager applied to an object (server-side apply), by uid.
class AppliedConfigs {
public:
    Json find(const std::string &uid, const std::string &manager) const; // null when none
    void remember(const Json &obj, const std::string &manager, const Json &config);
    void forget(const std::string &uid); // the object is gone: every manager's config goes too

private:
    mutable std::mutex m_mutex;
    std::map<std::string, Json> m_configs; // uid + "\n" + fieldManager -> last applied config
};

struct ApiContext {
    ObjectStore &store;
    ResourceRegistry &registry;
    ClusterSimulator &sim;
    ListPager &pager;
    OpenApiService &openApi;
    int port = 0; // where the server listens (discovery names it)
    AppliedConfigs applied;
};

// /api/v1/namespaces/NS/pods/NAME/log -> the pods type, NS, NAME, "log".
struct ApiRoute {
    ResourceType type;
    std::string ns;
    std::string name;
    std::string sub;
    bool hasNamespace = false;
};

std::vector<std::string> splitPath(const std::string &path);
// Throws ApiError 404 when the parts name no served resource (or a subresource it has not).
ApiRoute parseRoute(const ResourceRegistry &registry, const std::vector<std::string> &parts);
// A JSON, YAML or protobuf body as an object; throws ApiError 400/415.
Json parseBody(const std::string &body, const std::string &contentType);
bool validName(const std::string &name); // an RFC 1123 subdomain

std::string queryParam(const httplib::Request &req, const char *name); // "" when absent
bool boolParam(const httplib::Request &req, const char *name);          // Go's strconv.ParseBool
bool wantsTable(const httplib::Request &req);                           // Accept: ...;as=Table

void sendJson(httplib::Response &res, int code, const Json &body);
void sendText(httplib::Response &res, int code, const std::string &json); // an already serialized object
void sendError(httplib::Response &res, const ApiError &e);

ApiError notFoundError(const ApiRoute &r, const std::string &name);
// The object as the route's version serves it (apiVersion and kind of the URL).
Json withVersion(const ApiRoute &r, const Json &obj);
std::string textFor(const ApiRoute &r, const SnapshotPtr &s);
// A deployment's (or other scalable object's) autoscaling/v1 Scale.
Json scaleOf(const Json &obj);

} // namespace bc::sandbox
