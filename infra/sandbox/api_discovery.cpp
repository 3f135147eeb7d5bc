#include "infra/sandbox/api_handlers.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/openapi_service.h"

#include <httplib.h>

namespace bc::sandbox {

namespace {

Json versionInfo()
{
    return {{"major", "1"},           {"minor", "32"},          {"gitVersion", "v1.32.0"},
            {"gitCommit", "sandbox"}, {"gitTreeState", "clean"}, {"buildDate", "2026-01-01T00:00:00Z"},
            {"goVersion", "go1.23.4"}, {"compiler", "gc"},       {"platform", "linux/amd64"}};
}

Json groupJson(const std::string &group, const std::vector<std::string> &versions)
{
    Json vs = Json::array();
    for (const auto &v : versions)
        vs.push_back({{"groupVersion", group + "/" + v}, {"version", v}});
    return {{"name", group}, {"versions", vs}, {"preferredVersion", vs[0]}};
}

Json resourceList(const ResourceRegistry &registry, const std::string &group, const std::string &version)
{
    const auto types = registry.inGroupVersion(group, version);
    if (types.empty())
        throw ApiError(404, "NotFound", "the server could not find the requested resource");
    Json resources = Json::array();
    for (const auto &t : types) {
        Json r = {{"name", t.resource}, {"singularName", t.singular}, {"namespaced", t.namespaced}, {"kind", t.kind}};
        if (t.readOnly)
            r["verbs"] = {"get", "list"};
        else
            r["verbs"] = {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};
        if (!t.shortNames.empty())
            r["shortNames"] = t.shortNames;
        if (!t.categories.empty())
            r["categories"] = t.categories;
        resources.push_back(r);
        for (const auto &sub : t.subresources) {
            Json s = {{"name", t.resource + "/" + sub}, {"singularName", ""}, {"namespaced", t.namespaced}};
            if (sub == "scale") {
                s["group"] = "autoscaling";
                s["version"] = "v1";
                s["kind"] = "Scale";
                s["verbs"] = {"get", "patch", "update"};
            } else if (sub == "log") {
                s["kind"] = "Pod";
                s["verbs"] = {"get"};
            } else if (sub == "exec" || sub == "attach") {
                s["kind"] = sub == "exec" ? "PodExecOptions" : "PodAttachOptions";
                s["verbs"] = {"create", "get"};
            } else if (sub == "portforward") {
                s["kind"] = "PodPortForwardOptions";
                s["verbs"] = {"create", "get"};
            } else if (sub == "finalize") {
                s["kind"] = t.kind;
                s["verbs"] = {"update"};
            } else {
                s["kind"] = t.kind;
                s["verbs"] = {"get", "patch", "update"};
            }
            resources.push_back(s);
        }
    }
    return {{"kind", "APIResourceList"},
            {"apiVersion", "v1"},
            {"groupVersion", group.empty() ? version : group + "/" + version},
            {"resources", resources}};
}

} // namespace

bool serveDiscovery(ApiContext &ctx, const httplib::Request &req, httplib::Response &res,
                    const std::vector<std::string> &parts)
{
    if (req.method != "GET")
        return false;
    const std::string &path = req.path;
    const auto ok = [&res](const Json &body) {
        sendJson(res, 200, body);
        return true;
    };
    if (path == "/version" || path == "/version/")
        return ok(versionInfo());
    if (path == "/healthz" || path == "/readyz" || path == "/livez") {
        res.status = 200;
        res.set_content("ok", "text/plain");
        return true;
    }
    if (parts.size() == 1 && parts[0] == "api")
        return ok({{"kind", "APIVersions"},
                   {"versions", {"v1"}},
                   {"serverAddressByClientCIDRs",
                    {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", "127.0.0.1:" + std::to_string(ctx.port)}}}}});
    if (parts.size() == 1 && parts[0] == "apis") {
        Json groups = Json::array();
        for (const auto &[g, vs] : ctx.registry.groups())
            groups.push_back(groupJson(g, vs));
        return ok({{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}});
    }
    if (parts.size() == 2 && parts[0] == "api" && parts[1] == "v1")
        return ok(resourceList(ctx.registry, "", "v1"));
    if (parts.size() == 2 && parts[0] == "apis") {
        for (const auto &[g, vs] : ctx.registry.groups())
            if (g == parts[1]) {
                Json gj = groupJson(g, vs);
                gj["kind"] = "APIGroup";
                gj["apiVersion"] = "v1";
                return ok(gj);
            }
        throw ApiError(404, "NotFound", "the server could not find the requested resource");
    }
    if (parts.size() == 3 && parts[0] == "apis")
        return ok(resourceList(ctx.registry, parts[1], parts[2]));
    if (!parts.empty() && parts[0] == "openapi") {
        ctx.openApi.serve(req, res);
        return true;
    }
    return false;
}

} // namespace bc::sandbox
