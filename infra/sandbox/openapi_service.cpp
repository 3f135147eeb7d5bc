#include "infra/sandbox/openapi_service.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/json.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/openapi/openapi_schemas.h"
#include "infra/sandbox/resource_registry.h"

#include <httplib.h>
#include <malloc.h>

#include <algorithm>
#include <set>

namespace bc::sandbox {

namespace {

constexpr const char *kRefPrefix = "#/components/schemas/";

std::string gvKey(const std::string &group, const std::string &version)
{
    return group.empty() ? "api/" + version : "apis/" + group + "/" + version;
}

// "postgresql.cnpg.io" -> "io.cnpg.postgresql", as the API server names a CRD's schemas.
std::string reversedGroup(const std::string &group)
{
    std::string out;
    std::size_t end = group.size();
    while (end > 0) {
        const std::size_t dot = group.rfind('.', end - 1);
        const std::size_t start = dot == std::string::npos ? 0 : dot + 1;
        out += (out.empty() ? "" : ".") + group.substr(start, end - start);
        if (dot == std::string::npos)
            break;
        end = dot;
    }
    return out;
}

void collectRefs(const Json &node, std::vector<std::string> &out)
{
    if (node.is_object()) {
        for (auto it = node.begin(); it != node.end(); ++it) {
            if (it.key() == "$ref" && it->is_string()) {
                const std::string ref = it->get<std::string>();
                if (ref.rfind(kRefPrefix, 0) == 0)
                    out.push_back(ref.substr(std::char_traits<char>::length(kRefPrefix)));
            } else {
                collectRefs(*it, out);
            }
        }
    } else if (node.is_array()) {
        for (const auto &v : node)
            collectRefs(v, out);
    }
}

// Adds `name` and every definition it reaches to `schemas`.
void addWithClosure(const Json &defs, const std::string &name, Json &schemas)
{
    std::vector<std::string> todo{name};
    while (!todo.empty()) {
        const std::string next = todo.back();
        todo.pop_back();
        if (schemas.contains(next) || !defs.contains(next))
            continue;
        schemas[next] = defs[next];
        collectRefs(defs[next], todo);
    }
}

// The parsed built-in schemas and their GVK index; built per document request, then dropped.
struct Definitions {
    Json defs;
    std::map<std::string, std::string> byGvk; // "group/version/Kind" -> definition name

    Definitions() : defs(Json::parse(bundledKubernetesSchemas()))
    {
        for (auto it = defs.begin(); it != defs.end(); ++it)
            if (it->contains("x-kubernetes-group-version-kind"))
                for (const auto &gvk : (*it)["x-kubernetes-group-version-kind"])
                    byGvk[str(gvk, "group") + "/" + str(gvk, "version") + "/" + str(gvk, "kind")] = it.key();
    }
};

Json crdSchema(const ObjectStore &store, const ResourceType &t)
{
    Json schema = {{"type", "object"}};
    if (const SnapshotPtr crd = store.get("customresourcedefinitions.apiextensions.k8s.io", "", t.key())) {
        if (const Json *versions = at(crd->obj, "spec.versions"); versions && versions->is_array())
            for (const auto &v : *versions)
                if (str(v, "name") == t.version)
                    if (const Json *s = at(v, "schema.openAPIV3Schema"); s && s->is_object())
                        schema = *s;
    }
    // As the API server's CRD schema builder: the standard fields, metadata as ObjectMeta.
    Json &props = schema["properties"];
    if (!props.is_object())
        props = Json::object();
    props["apiVersion"] = {{"type", "string"},
                           {"description", "APIVersion defines the versioned schema of this representation of an object. "
                                           "Servers should convert recognized schemas to the latest internal value, and "
                                           "may reject unrecognized values. More info: https://git.k8s.io/community/"
                                           "contributors/devel/sig-architecture/api-conventions.md#resources"}};
    props["kind"] = {{"type", "string"},
                     {"description", "Kind is a string value representing the REST resource this object represents. "
                                     "Servers may infer this from the endpoint the client submits requests to. Cannot be "
                                     "updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/"
                                     "sig-architecture/api-conventions.md#types-kinds"}};
    props["metadata"] = {{"allOf", {{{"$ref", std::string(kRefPrefix) + "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}}}},
                         {"description", "Standard object's metadata. More info: https://git.k8s.io/community/"
                                         "contributors/devel/sig-architecture/api-conventions.md#metadata"}};
    schema["x-kubernetes-group-version-kind"] = {{{"group", t.group}, {"kind", t.kind}, {"version", t.version}}};
    return schema;
}

Json pathsFor(const std::vector<ResourceType> &types, const std::string &schemaPrefix,
              const std::map<std::string, std::string> &schemaOf)
{
    const Json fieldValidation = {{"name", "fieldValidation"},
                                  {"in", "query"},
                                  {"description", "fieldValidation instructs the server on how to handle objects in the "
                                                  "request containing unknown or duplicate fields."},
                                  {"schema", {{"type", "string"}, {"uniqueItems", true}}}};
    const Json dryRun = {{"name", "dryRun"}, {"in", "query"}, {"schema", {{"type", "string"}, {"uniqueItems", true}}}};
    const Json fieldManager = {{"name", "fieldManager"}, {"in", "query"}, {"schema", {{"type", "string"}, {"uniqueItems", true}}}};
    Json paths = Json::object();
    for (const auto &t : types) {
        const std::string prefix = t.group.empty() ? "/api/" + t.version : "/apis/" + t.group + "/" + t.version;
        const Json gvk = {{"group", t.group}, {"version", t.version}, {"kind", t.kind}};
        const std::string base = prefix + (t.namespaced ? "/namespaces/{namespace}/" : "/") + t.resource;
        Json ok = {{"200", {{"description", "OK"}}}};
        if (const auto it = schemaOf.find(t.key() + "/" + t.version); it != schemaOf.end())
            ok["200"]["content"] = {{"application/json", {{"schema", {{"$ref", schemaPrefix + it->second}}}}}};
        auto op = [&](const char *action, bool withValidation) {
            Json o = {{"description", std::string(action) + " " + t.kind},
                      {"operationId", std::string(action) + t.kind},
                      {"responses", ok},
                      {"x-kubernetes-action", action},
                      {"x-kubernetes-group-version-kind", gvk}};
            if (withValidation)
                o["parameters"] = {dryRun, fieldManager, fieldValidation};
            return o;
        };
        if (t.readOnly) {
            paths[base] = {{"get", op("list", false)}};
            paths[base + "/{name}"] = {{"get", op("get", false)}};
            continue;
        }
        paths[base] = {{"get", op("list", false)}, {"post", op("post", true)}, {"delete", op("deletecollection", false)}};
        paths[base + "/{name}"] = {{"get", op("get", false)},
                                   {"put", op("put", true)},
                                   {"patch", op("patch", true)},
                                   {"delete", op("delete", false)}};
    }
    return paths;
}

// The schemas of `types` (and all they reference) into `schemas`; schemaOf: key/version -> name.
void addSchemas(const Definitions &d, const ObjectStore &store, const std::vector<ResourceType> &types, Json &schemas,
                std::map<std::string, std::string> &schemaOf)
{
    for (const auto &t : types) {
        if (t.fromCrd) {
            const std::string name = reversedGroup(t.group) + "." + t.version + "." + t.kind;
            schemas[name] = crdSchema(store, t);
            schemaOf[t.key() + "/" + t.version] = name;
            addWithClosure(d.defs, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", schemas);
            continue;
        }
        const auto it = d.byGvk.find(t.group + "/" + t.version + "/" + t.kind);
        if (it == d.byGvk.end())
            continue;
        addWithClosure(d.defs, it->second, schemas);
        schemaOf[t.key() + "/" + t.version] = it->second;
        if (std::find(t.subresources.begin(), t.subresources.end(), "scale") != t.subresources.end())
            addWithClosure(d.defs, "io.k8s.api.autoscaling.v1.Scale", schemas);
    }
    addWithClosure(d.defs, "io.k8s.apimachinery.pkg.apis.meta.v1.Status", schemas);
    addWithClosure(d.defs, "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions", schemas);
}

// OpenAPI v3 form -> swagger 2.0: #/definitions refs, a lone allOf ref back to a sibling $ref.
void toSwagger2(Json &node)
{
    if (node.is_array()) {
        for (auto &v : node)
            toSwagger2(v);
        return;
    }
    if (!node.is_object())
        return;
    for (auto it = node.begin(); it != node.end(); ++it) {
        if (it.key() == "$ref" && it->is_string()) {
            std::string ref = it->get<std::string>();
            if (ref.rfind(kRefPrefix, 0) == 0)
                *it = "#/definitions/" + ref.substr(std::char_traits<char>::length(kRefPrefix));
        } else {
            toSwagger2(*it);
        }
    }
    const auto allOf = node.find("allOf");
    if (allOf != node.end() && allOf->is_array() && allOf->size() == 1 && (*allOf)[0].is_object()
        && (*allOf)[0].size() == 1 && (*allOf)[0].contains("$ref")) {
        const Json ref = (*allOf)[0]["$ref"];
        node.erase("allOf");
        node["$ref"] = ref;
    }
}

} // namespace

OpenApiService::OpenApiService(const ObjectStore &store, const ResourceRegistry &registry)
    : m_store(store), m_registry(registry)
{
}

void OpenApiService::serve(const httplib::Request &req, httplib::Response &res)
{
    std::vector<std::string> parts;
    for (std::size_t pos = 0; pos <= req.path.size();) {
        const std::size_t next = std::min(req.path.find('/', pos), req.path.size());
        if (next > pos)
            parts.push_back(req.path.substr(pos, next - pos));
        pos = next + 1;
    }
    std::string text;
    if (parts.size() == 2 && parts[1] == "v2") {
        // client-go asks for gnostic protobuf only; 406 sends it to its fallback (the patch metadata of
        // the built-in Go types), as any server without protobuf OpenAPI answers. JSON for the rest.
        const std::string accept = req.get_header_value("Accept");
        if (!accept.empty() && accept.find("json") == std::string::npos && accept.find("*/*") == std::string::npos)
            throw ApiError(406, "NotAcceptable", "only the following media types are accepted: application/json");
        res.set_header("Cache-Control", "no-cache, private");
        text = swagger();
    } else if (parts.size() == 2 && parts[1] == "v3") {
        res.set_header("Cache-Control", "no-cache, private");
        text = index();
    } else if (parts.size() == 4 && parts[1] == "v3" && parts[2] == "api") {
        res.set_header("Cache-Control", "public, immutable");
        text = document("", parts[3]);
    } else if (parts.size() == 5 && parts[1] == "v3" && parts[2] == "apis") {
        res.set_header("Cache-Control", "public, immutable");
        text = document(parts[3], parts[4]);
    } else {
        throw ApiError(404, "NotFound", "the server could not find the requested resource");
    }
    res.status = 200;
    res.set_content(std::move(text), "application/json");
}

std::string OpenApiService::hash() const
{
    return "sandbox" + std::to_string(m_registry.generation());
}

std::string OpenApiService::index() const
{
    Json paths = Json::object();
    for (const auto &t : m_registry.all()) {
        const std::string p = gvKey(t.group, t.version);
        if (!paths.contains(p))
            paths[p] = {{"serverRelativeURL", "/openapi/v3/" + p + "?hash=" + hash()}};
    }
    return Json{{"paths", paths}}.dump();
}

std::string OpenApiService::document(const std::string &group, const std::string &version)
{
    const auto types = m_registry.inGroupVersion(group, version);
    if (types.empty())
        throw ApiError(404, "NotFound", "the server could not find the requested resource");
    const std::string key = gvKey(group, version);
    std::lock_guard lock(m_mutex);
    if (m_generation != m_registry.generation()) {
        m_cache.clear();
        m_generation = m_registry.generation();
    }
    if (const auto it = m_cache.find(key); it != m_cache.end())
        return it->second;
    std::string text;
    {
        const Definitions d;
        Json schemas = Json::object();
        std::map<std::string, std::string> schemaOf;
        addSchemas(d, m_store, types, schemas, schemaOf);
        text = Json{{"openapi", "3.0.0"},
                    {"info", {{"title", "Kubernetes"}, {"version", "v1.32.0"}}},
                    {"paths", pathsFor(types, kRefPrefix, schemaOf)},
                    {"components", {{"schemas", std::move(schemas)}}}}
                   .dump();
    }
    malloc_trim(0); // the parsed definitions are gone: give their pages back (bench/sandbox RSS)
    return m_cache[key] = std::move(text);
}

std::string OpenApiService::swagger()
{
    std::lock_guard lock(m_mutex);
    if (m_generation != m_registry.generation()) {
        m_cache.clear();
        m_generation = m_registry.generation();
    }
    if (const auto it = m_cache.find("v2"); it != m_cache.end())
        return it->second;
    std::string text;
    {
        const Definitions d;
        const auto types = m_registry.all();
        Json schemas = Json::object();
        std::map<std::string, std::string> schemaOf;
        addSchemas(d, m_store, types, schemas, schemaOf);
        Json doc = {{"swagger", "2.0"},
                    {"info", {{"title", "Kubernetes"}, {"version", "v1.32.0"}}},
                    {"paths", pathsFor(types, "#/definitions/", schemaOf)},
                    {"definitions", std::move(schemas)}};
        for (auto &[path, ops] : doc["paths"].items())
            for (auto &[verb, op] : ops.items())
                if (op.contains("responses") && op["responses"]["200"].contains("content")) {
                    op["responses"]["200"]["schema"] = op["responses"]["200"]["content"]["application/json"]["schema"];
                    op["responses"]["200"].erase("content");
                }
        toSwagger2(doc["definitions"]);
        text = doc.dump();
    }
    malloc_trim(0);
    return m_cache["v2"] = std::move(text);
}

} // namespace bc::sandbox
