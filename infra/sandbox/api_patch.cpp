#include "infra/sandbox/api_handlers.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/api_writes.h"
#include "infra/sandbox/cluster_simulator.h"
#include "infra/sandbox/patch.h"
#include "infra/sandbox/secret_data.h"

#include <httplib.h>

#include <string>

namespace bc::sandbox {

namespace {

constexpr const char *kJson = "application/json";

// A patched object as it is stored: a status patch changes only the live object's status; any other
// keeps what clients may not change (keepServerFields).
Json ontoLive(const ApiRoute &r, const Json &live, Json next)
{
    if (r.sub != "status")
        return keepServerFields(r, live, std::move(next));
    Json keep = live;
    keep["status"] = next.value("status", Json::object());
    return keep;
}

} // namespace

void servePatch(ApiContext &ctx, const httplib::Request &req, httplib::Response &res, const ApiRoute &r)
{
    if (r.name.empty())
        throw ApiError(405, "MethodNotAllowed", "PATCH needs an object name");
    std::string contentType = req.get_header_value("Content-Type");
    contentType = contentType.substr(0, contentType.find(';'));
    const bool apply = contentType == "application/apply-patch+yaml";
    const bool strategic = contentType == "application/strategic-merge-patch+json";
    const bool merge = contentType == "application/merge-patch+json";
    const bool jsonp = contentType == "application/json-patch+json";
    if (!apply && !strategic && !merge && !jsonp)
        throw ApiError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json");
    const Json patch = parseBody(req.body, apply ? "application/yaml" : kJson);
    if (r.sub == "scale") {
        const SnapshotPtr live = ctx.store.get(r.type.key(), r.ns, r.name);
        if (!live)
            throw notFoundError(r, r.name);
        const Json scaled = jsonp ? jsonPatch(scaleOf(live->obj), patch) : mergePatch(scaleOf(live->obj), patch);
        const Json *replicas = at(scaled, "spec.replicas");
        if (!replicas || !replicas->is_number_integer() || replicas->get<long long>() < 0)
            throw ApiError::invalid("Scale \"" + r.name + "\" is invalid: spec.replicas: Invalid value");
        const SnapshotPtr s = ctx.store.mutate(r.type.key(), r.ns, r.name, [&](Json &o) {
            o["spec"]["replicas"] = *replicas;
            return true;
        });
        return sendJson(res, 200, scaleOf(s->obj));
    }
    if (apply) {
        const std::string manager = queryParam(req, "fieldManager");
        if (manager.empty())
            throw ApiError::badRequest("PATCH, application/apply-patch+yaml requests require a fieldManager");
        Json config = patch;
        checkKind(ctx, r, config);
        if (!str(config["metadata"], "name").empty() && str(config["metadata"], "name") != r.name)
            throw ApiError::badRequest("the name of the object (" + str(config["metadata"], "name")
                                       + ") does not match the name on the URL (" + r.name + ")");
        config["metadata"]["name"] = r.name;
        prepareMetadata(r, config);
        const SnapshotPtr live = ctx.store.get(r.type.key(), r.ns, r.name);
        if (!live) {
            const SnapshotPtr s = createObject(ctx, r, config, !queryParam(req, "dryRun").empty());
            ctx.applied.remember(s->obj, manager, config);
            return sendText(res, 201, *s->text);
        }
        const Json previous = ctx.applied.find(str(live->obj["metadata"], "uid"), manager);
        const SnapshotPtr s = ctx.store.mutate(r.type.key(), r.ns, r.name, [&](Json &o) {
            Json next = ontoLive(r, o, serverSideApply(o, previous, config));
            foldSecretStringData(r.type, next);
            ClusterSimulator::validate(r.type, next);
            o = std::move(next);
            return true;
        });
        ctx.applied.remember(s->obj, manager, config);
        afterWrite(ctx, r, s);
        return sendText(res, 200, *s->text);
    }
    const SnapshotPtr s = ctx.store.mutate(r.type.key(), r.ns, r.name, [&](Json &o) {
        Json next = jsonp ? jsonPatch(o, patch) : merge ? mergePatch(o, patch) : strategicMerge(o, patch);
        if (!next.is_object())
            throw ApiError::badRequest("the patch did not produce an object");
        next = ontoLive(r, o, std::move(next));
        const Json *rv = at(patch, "metadata.resourceVersion");
        if (rv && rv->is_string() && rv->get<std::string>() != str(o["metadata"], "resourceVersion"))
            throw ApiError(409, "Conflict",
                           "Operation cannot be fulfilled on " + r.type.key() + " \"" + r.name
                               + "\": the object has been modified; please apply your changes to the latest version and try again");
        foldSecretStringData(r.type, next);
        ClusterSimulator::validate(r.type, next);
        o = std::move(next);
        return true;
    });
    afterWrite(ctx, r, s);
    sendText(res, 200, *s->text);
}

} // namespace bc::sandbox
