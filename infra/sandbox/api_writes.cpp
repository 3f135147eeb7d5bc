#include "infra/sandbox/api_writes.h"

#include "infra/sandbox/api_handlers.h"
#include "infra/sandbox/api_error.h"
#include "infra/sandbox/cluster_simulator.h"
#include "infra/sandbox/crd_support.h"
#include "infra/sandbox/request_errors.h"
#include "infra/sandbox/resource_registry.h"
#include "infra/sandbox/secret_data.h"
#include "infra/sandbox/selector.h"

#include <httplib.h>

#include <algorithm>
#include <cstdlib>
#include <string>

namespace bc::sandbox {

namespace {

void requireNamespace(const ApiContext &ctx, const ApiRoute &r)
{
    if (r.type.namespaced && !ctx.store.get("namespaces", "", r.ns))
        throw ApiError::notFound("namespaces", r.ns, "", "namespaces");
}

Json deleteOne(ApiContext &ctx, const ApiRoute &r, const std::string &ns, const std::string &name, long long grace)
{
    if (r.type.group.empty() && r.type.resource == "pods")
        return withVersion(r, ctx.sim.deletePod(ns, name, grace));
    if (r.type.group.empty() && r.type.resource == "namespaces") {
        if (name == "default" || name == "kube-system" || name == "kube-public")
            throw ApiError(403, "Forbidden", "namespaces \"" + name + "\" is forbidden: this namespace may not be deleted");
        if (!ctx.store.get("namespaces", "", name))
            throw notFoundError(r, name);
        for (const auto &t : ctx.registry.all())
            if (t.namespaced && !t.readOnly)
                for (const auto &s : ctx.store.list(t.key(), name))
                    try {
                        ctx.store.remove(t.key(), name, str(s->obj["metadata"], "name"));
                    } catch (const ApiError &) {
                    }
        return ctx.store.remove("namespaces", "", name)->obj;
    }
    if (r.type.resource == "customresourcedefinitions") {
        const SnapshotPtr s = ctx.store.remove(r.type.key(), "", name);
        deactivateCrd(ctx.store, ctx.registry, name);
        return s->obj;
    }
    const SnapshotPtr s = ctx.store.remove(r.type.key(), ns, name);
    ctx.applied.forget(str(s->obj["metadata"], "uid"));
    return withVersion(r, s->obj);
}

} // namespace

void checkKind(const ApiContext &ctx, const ApiRoute &r, Json &obj)
{
    if (!obj.is_object())
        throw ApiError::badRequest("the body of the request was in an unknown format - a JSON or YAML object is expected");
    if (obj.contains("kind") && !obj["kind"].is_string())
        throw ApiError::badRequest("Object 'Kind' is missing or not a string in '" + obj.dump().substr(0, 200) + "'");
    if (str(obj, "kind").empty())
        obj["kind"] = r.type.kind;
    if (str(obj, "apiVersion").empty())
        obj["apiVersion"] = r.type.groupVersion();
    const std::string kind = str(obj, "kind");
    const std::string apiVersion = str(obj, "apiVersion");
    if (apiVersion != r.type.groupVersion()) {
        // Another served version of the same kind is fine (CRDs with several versions).
        const auto other = ctx.registry.findKind(apiVersion, kind);
        if (!other || other->key() != r.type.key())
            throw ApiError::badRequest("the API version in the data (" + apiVersion
                                       + ") does not match the expected API version (" + r.type.groupVersion() + ")");
    }
    if (kind != r.type.kind)
        throw ApiError::badRequest("the kind in the data (" + kind + ") does not match the expected kind ("
                                   + r.type.kind + ") for " + r.type.resource);
}

void prepareMetadata(const ApiRoute &r, Json &obj)
{
    Json &md = obj["metadata"];
    if (md.is_null())
        md = Json::object();
    if (!md.is_object())
        throw ApiError::badRequest("metadata must be an object");
    if (r.type.namespaced) {
        const std::string ns = str(md, "namespace");
        if (!ns.empty() && ns != r.ns)
            throw ApiError::badRequest("the namespace of the provided object does not match the namespace sent on the request");
        md["namespace"] = r.ns;
    } else {
        md.erase("namespace");
    }
    for (const char *f : {"labels", "annotations"})
        if (md.contains(f) && !md[f].is_null() && !md[f].is_object())
            throw ApiError::invalid(r.type.kind + " \"" + str(md, "name") + "\" is invalid: metadata." + f
                                    + ": must be a map of strings");
}

SnapshotPtr createObject(ApiContext &ctx, const ApiRoute &r, Json obj, bool dryRun)
{
    checkKind(ctx, r, obj);
    prepareMetadata(r, obj);
    requireNamespace(ctx, r);
    const std::string name = str(obj["metadata"], "name");
    if (!name.empty() && !validName(name))
        throw ApiError::invalid(r.type.kind + " \"" + name + "\" is invalid: metadata.name: Invalid value: \"" + name
                                + "\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                                  "characters, '-' or '.', and must start and end with an alphanumeric character");
    obj["apiVersion"] = r.type.groupVersion();
    if (r.type.resource == "customresourcedefinitions")
        ResourceRegistry::typesFromCrd(obj); // validates
    ctx.sim.admit(r.type, obj);
    foldSecretStringData(r.type, obj);
    ClusterSimulator::validate(r.type, obj);
    if (dryRun) {
        if (ctx.store.get(r.type.key(), r.ns, name))
            throw ApiError(409, "AlreadyExists", r.type.key() + " \"" + name + "\" already exists");
        auto snap = std::make_shared<Snapshot>();
        obj["metadata"]["uid"] = ObjectStore::newUid();
        obj["metadata"]["creationTimestamp"] = ObjectStore::now();
        snap->text = std::make_shared<const std::string>(obj.dump());
        snap->obj = obj;
        return snap;
    }
    SnapshotPtr created = ctx.store.create(r.type.key(), std::move(obj));
    if (r.type.resource == "customresourcedefinitions") {
        activateCrd(ctx.store, ctx.registry, created->obj);
        created = ctx.store.get(r.type.key(), "", str(created->obj["metadata"], "name"));
    }
    return created;
}

Json keepServerFields(const ApiRoute &r, const Json &live, Json obj)
{
    const bool hasStatus = std::find(r.type.subresources.begin(), r.type.subresources.end(), "status")
                           != r.type.subresources.end();
    if (hasStatus) {
        if (live.contains("status"))
            obj["status"] = live["status"];
        else
            obj.erase("status");
    }
    obj["apiVersion"] = str(live, "apiVersion").empty() ? r.type.groupVersion() : str(live, "apiVersion");
    obj["kind"] = r.type.kind;
    obj["metadata"]["name"] = str(live["metadata"], "name");
    if (r.type.namespaced)
        obj["metadata"]["namespace"] = str(live["metadata"], "namespace");
    if (r.type.group.empty() && r.type.resource == "services") {
        // clusterIP and nodePorts are immutable once allocated.
        for (const char *f : {"clusterIP", "clusterIPs"})
            if (live["spec"].contains(f) && (!obj["spec"].contains(f) || str(obj["spec"], f).empty()))
                obj["spec"][f] = live["spec"][f];
        if (obj["spec"].contains("ports") && live["spec"].contains("ports"))
            for (auto &p : obj["spec"]["ports"])
                for (const auto &lp : live["spec"]["ports"])
                    if (p.value("port", 0) == lp.value("port", -1) && !p.contains("nodePort") && lp.contains("nodePort"))
                        p["nodePort"] = lp["nodePort"];
    }
    return obj;
}

void afterWrite(ApiContext &ctx, const ApiRoute &r, const SnapshotPtr &s)
{
    if (r.type.resource == "customresourcedefinitions")
        activateCrd(ctx.store, ctx.registry, s->obj);
}

void serveCreate(ApiContext &ctx, const httplib::Request &req, httplib::Response &res, const ApiRoute &r)
{
    if (!r.name.empty())
        throw ApiError(405, "MethodNotAllowed", "POST is not supported on a named " + r.type.resource + " path");
    Json obj = parseBody(req.body, req.get_header_value("Content-Type"));
    const SnapshotPtr s = createObject(ctx, r, std::move(obj), !queryParam(req, "dryRun").empty());
    sendText(res, 201, *s->text);
}

void serveReplace(ApiContext &ctx, const httplib::Request &req, httplib::Response &res, const ApiRoute &r)
{
    if (r.name.empty())
        throw ApiError(405, "MethodNotAllowed", "PUT needs an object name");
    Json obj = parseBody(req.body, req.get_header_value("Content-Type"));
    if (r.sub == "scale") {
        const Json *replicas = at(obj, "spec.replicas");
        if (!replicas || !replicas->is_number_integer())
            throw ApiError::invalid("Scale \"" + r.name + "\" is invalid: spec.replicas: Required value");
        const SnapshotPtr s = ctx.store.mutate(r.type.key(), r.ns, r.name, [&](Json &o) {
            o["spec"]["replicas"] = *replicas;
            return true;
        });
        return sendJson(res, 200, scaleOf(s->obj));
    }
    checkKind(ctx, r, obj);
    prepareMetadata(r, obj);
    if (str(obj["metadata"], "name") != r.name)
        throw ApiError::badRequest("the name of the object (" + str(obj["metadata"], "name")
                                   + ") does not match the name on the URL (" + r.name + ")");
    const SnapshotPtr live = ctx.store.get(r.type.key(), r.ns, r.name);
    if (!live)
        throw notFoundError(r, r.name);
    if (r.sub == "status") {
        const Json status = obj.value("status", Json::object());
        const SnapshotPtr s = ctx.store.mutate(r.type.key(), r.ns, r.name, [&](Json &o) {
            o["status"] = status;
            return true;
        });
        return sendText(res, 200, *s->text);
    }
    Json next = keepServerFields(r, live->obj, std::move(obj));
    foldSecretStringData(r.type, next);
    ClusterSimulator::validate(r.type, next);
    const SnapshotPtr s = ctx.store.replace(r.type.key(), std::move(next), true);
    afterWrite(ctx, r, s);
    sendText(res, 200, *s->text);
}

void serveDelete(ApiContext &ctx, const httplib::Request &req, httplib::Response &res, const ApiRoute &r)
{
    long long grace = -1;
    if (!req.body.empty()) {
        checkNesting(req.body);
        try {
            const Json opts = Json::parse(req.body);
            if (opts.contains("gracePeriodSeconds") && opts["gracePeriodSeconds"].is_number())
                grace = opts["gracePeriodSeconds"].get<long long>();
        } catch (const nlohmann::json::exception &e) {
            throw ApiError::badRequest(std::string("invalid DeleteOptions: ") + e.what());
        }
    }
    if (!queryParam(req, "gracePeriodSeconds").empty())
        grace = std::atoll(queryParam(req, "gracePeriodSeconds").c_str());
    if (r.name.empty()) {
        const Selector labels = Selector::parseLabels(queryParam(req, "labelSelector"));
        const Selector fields = Selector::parseFields(queryParam(req, "fieldSelector"));
        std::uint64_t rv = 0;
        Json items = Json::array();
        for (const auto &s : ctx.store.list(r.type.key(), r.ns, &rv)) {
            const Json &md = s->obj["metadata"];
            if (!labels.matchesLabels(md.value("labels", Json::object())) || !fields.matchesFields(s->obj))
                continue;
            try {
                items.push_back(deleteOne(ctx, r, str(md, "namespace"), str(md, "name"), grace));
            } catch (const ApiError &) {
            }
        }
        return sendJson(res, 200,
                    {{"kind", r.type.listKind()},
                     {"apiVersion", r.type.groupVersion()},
                     {"metadata", {{"resourceVersion", std::to_string(ctx.store.resourceVersion())}}},
                     {"items", items}});
    }
    if (!r.sub.empty())
        throw ApiError(405, "MethodNotAllowed", "DELETE is not supported on " + r.type.resource + "/" + r.sub);
    sendJson(res, 200, deleteOne(ctx, r, r.ns, r.name, grace));
}

} // namespace bc::sandbox
