#include "infra/sandbox/api_context.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/protobuf_decoder.h"
#include "infra/sandbox/request_errors.h"
#include "infra/sandbox/selector.h"

#include <httplib.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <regex>

namespace bc::sandbox {

namespace {

constexpr const char *kJson = "application/json";

Json yamlToJson(const YAML::Node &node, std::size_t &budget)
{
    if (budget-- == 0) // aliases share nodes: a small document can expand without bound
        throwExcessiveAliasing();
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        Json o = Json::object();
        for (const auto &kv : node)
            o[kv.first.as<std::string>()] = yamlToJson(kv.second, budget);
        return o;
    }
    case YAML::NodeType::Sequence: {
        Json a = Json::array();
        for (const auto &v : node)
            a.push_back(yamlToJson(v, budget));
        return a;
    }
    case YAML::NodeType::Scalar: {
        const std::string s = node.Scalar();
        if (node.Tag() == "!")
            return s; // quoted
        if (s == "true" || s == "True" || s == "TRUE")
            return true;
        if (s == "false" || s == "False" || s == "FALSE")
            return false;
        if (s == "null" || s == "~" || s.empty())
            return nullptr;
        static const std::regex intRe("[-+]?[0-9]+");
        static const std::regex floatRe("[-+]?([0-9]*\\.[0-9]+|[0-9]+\\.?[0-9]*)([eE][-+]?[0-9]+)?");
        if (std::regex_match(s, intRe)) {
            try {
                return std::stoll(s);
            } catch (...) {
                return s;
            }
        }
        if (std::regex_match(s, floatRe)) {
            try {
                return std::stod(s);
            } catch (...) {
                return s;
            }
        }
        return s;
    }
    default:
        return nullptr;
    }
}

} // namespace

Json AppliedConfigs::find(const std::string &uid, const std::string &manager) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_configs.find(uid + "\n" + manager);
    return it != m_configs.end() ? it->second : Json();
}

void AppliedConfigs::remember(const Json &obj, const std::string &manager, const Json &config)
{
    std::lock_guard lock(m_mutex);
    m_configs[str(obj["metadata"], "uid") + "\n" + manager] = config;
}

void AppliedConfigs::forget(const std::string &uid)
{
    std::lock_guard lock(m_mutex);
    const std::string prefix = uid + "\n";
    for (auto it = m_configs.lower_bound(prefix); it != m_configs.end() && it->first.rfind(prefix, 0) == 0;)
        it = m_configs.erase(it);
}

std::vector<std::string> splitPath(const std::string &path)
{
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < path.size()) {
        const auto next = path.find('/', pos);
        const std::string part = path.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
        if (!part.empty())
            out.push_back(part);
        if (next == std::string::npos)
            break;
        pos = next + 1;
    }
    return out;
}

ApiRoute parseRoute(const ResourceRegistry &registry, const std::vector<std::string> &parts)
{
    const ApiError notFound(404, "NotFound", "the server could not find the requested resource");
    std::string group, version;
    size_t i = 0;
    if (parts.size() >= 3 && parts[0] == "api") {
        version = parts[1];
        i = 2;
    } else if (parts.size() >= 4 && parts[0] == "apis") {
        group = parts[1];
        version = parts[2];
        i = 3;
    } else {
        throw notFound;
    }
    std::vector<std::string> rest(parts.begin() + static_cast<long>(i), parts.end());
    ApiRoute r;
    if (rest.size() >= 3 && rest[0] == "namespaces" && rest[2] != "status" && rest[2] != "finalize") {
        r.ns = rest[1];
        r.hasNamespace = true;
        rest.erase(rest.begin(), rest.begin() + 2);
    }
    if (rest.empty() || rest.size() > 3)
        throw notFound;
    const auto type = registry.find(group, version, rest[0]);
    if (!type)
        throw notFound;
    r.type = *type;
    if (rest.size() > 1)
        r.name = rest[1];
    if (rest.size() > 2)
        r.sub = rest[2];
    if (r.hasNamespace && !r.type.namespaced)
        throw notFound;
    if (!r.name.empty() && r.type.namespaced && !r.hasNamespace)
        throw notFound;
    if (!r.sub.empty() && std::find(r.type.subresources.begin(), r.type.subresources.end(), r.sub) == r.type.subresources.end())
        throw notFound;
    return r;
}

Json parseBody(const std::string &body, const std::string &contentType)
{
    if (body.empty())
        throw ApiError::badRequest("the request body is empty");
    checkMediaType(contentType);
    if (contentType.find("protobuf") != std::string::npos)
        return decodeKubernetesProtobuf(body);
    checkNesting(body);
    const bool yaml = contentType.find("yaml") != std::string::npos;
    const auto firstChar = body.find_first_not_of(" \t\r\n");
    if (!yaml || (firstChar != std::string::npos && body[firstChar] == '{')) {
        try {
            return Json::parse(body);
        } catch (const nlohmann::json::parse_error &e) {
            if (!yaml)
                throw ApiError::badRequest(std::string("json parse error: ") + e.what());
        }
    }
    Json decoded;
    try {
        std::size_t budget = RequestLimits::kMaxYamlNodes;
        decoded = yamlToJson(YAML::Load(body), budget);
    } catch (const YAML::Exception &e) {
        throw ApiError::badRequest(std::string("yaml parse error: ") + e.what());
    }
    // JSON bodies are checked for UTF-8 by the parser; YAML ones here, before anything stores them.
    try {
        (void)decoded.dump();
    } catch (const nlohmann::json::type_error &) {
        throw ApiError::badRequest("yaml parse error: a string is not valid UTF-8");
    }
    return decoded;
}

bool validName(const std::string &name)
{
    if (name.empty() || name.size() > 253)
        return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
            return false;
    return std::isalnum(static_cast<unsigned char>(name.front())) && std::isalnum(static_cast<unsigned char>(name.back()));
}

std::string queryParam(const httplib::Request &req, const char *name)
{
    return req.has_param(name) ? req.get_param_value(name) : std::string();
}

// Go's strconv.ParseBool, as the API server parses watch= and follow=.
bool boolParam(const httplib::Request &req, const char *name)
{
    const std::string v = queryParam(req, name);
    return v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True";
}

bool wantsTable(const httplib::Request &req)
{
    return req.get_header_value("Accept").find("as=Table") != std::string::npos;
}

ApiError notFoundError(const ApiRoute &r, const std::string &name)
{
    return ApiError::notFound(r.type.key(), name, r.type.group, r.type.resource);
}

Json withVersion(const ApiRoute &r, const Json &obj)
{
    if (str(obj, "apiVersion") == r.type.groupVersion())
        return obj;
    Json copy = obj;
    copy["apiVersion"] = r.type.groupVersion();
    copy["kind"] = r.type.kind;
    return copy;
}

std::string textFor(const ApiRoute &r, const SnapshotPtr &s)
{
    if (str(s->obj, "apiVersion") == r.type.groupVersion() && str(s->obj, "kind") == r.type.kind)
        return *s->text;
    return withVersion(r, s->obj).dump();
}

void sendJson(httplib::Response &res, int code, const Json &body)
{
    res.status = code;
    // replace: a Status may quote bytes a client sent that are not UTF-8; it must still be sent.
    res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace), kJson);
}

void sendText(httplib::Response &res, int code, const std::string &json)
{
    res.status = code;
    res.set_content(json, kJson);
}

void sendError(httplib::Response &res, const ApiError &e)
{
    sendJson(res, e.code(), e.status());
}

Json scaleOf(const Json &obj)
{
    const Json &md = obj["metadata"];
    const Json *sel = at(obj, "spec.selector");
    std::string selector = sel ? Selector::fromLabelSelector(*sel).toString() : std::string();
    Json status = {{"replicas", obj.contains("status") ? obj["status"].value("replicas", 0) : 0}};
    if (!selector.empty())
        status["selector"] = selector;
    return {{"kind", "Scale"},
            {"apiVersion", "autoscaling/v1"},
            {"metadata",
             {{"name", str(md, "name")},
              {"namespace", str(md, "namespace")},
              {"uid", str(md, "uid")},
              {"resourceVersion", str(md, "resourceVersion")},
              {"creationTimestamp", str(md, "creationTimestamp")}}},
            {"spec", {{"replicas", at(obj, "spec.replicas") ? obj["spec"]["replicas"] : Json(1)}}},
            {"status", status}};
}

} // namespace bc::sandbox
