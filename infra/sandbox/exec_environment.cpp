#include "infra/sandbox/exec_environment.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/port_forward_service.h"

#include <cstdlib>
#include <filesystem>
#include <map>
#include <system_error>

namespace bc::sandbox {

namespace {

constexpr const char *kPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Go's url.QueryUnescape: %XX and '+' for a space.
std::string queryUnescape(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 && hexValue(s[i + 2]) >= 0) {
            out += static_cast<char>(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

bool isTrue(const std::string &v)
{
    return v == "true" || v == "1" || v == "True";
}

std::string base64Decode(const std::string &in)
{
    static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    int bits = 0;
    unsigned value = 0;
    for (char c : in) {
        const auto pos = chars.find(c);
        if (pos == std::string::npos)
            continue; // '=' padding, line breaks
        value = (value << 6) | static_cast<unsigned>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((value >> bits) & 0xff);
        }
    }
    return out;
}

std::vector<std::string> containerNames(const Json &pod, const char *field)
{
    std::vector<std::string> names;
    if (const Json *cs = at(pod, field); cs && cs->is_array())
        for (const auto &c : *cs)
            names.push_back(str(c, "name"));
    return names;
}

const Json *findContainer(const Json &pod, const std::string &name)
{
    for (const char *field : {"spec.containers", "spec.initContainers", "spec.ephemeralContainers"})
        if (const Json *cs = at(pod, field); cs && cs->is_array())
            for (const auto &c : *cs)
                if (str(c, "name") == name)
                    return &c;
    return nullptr;
}

// metadata.labels['app'] -> the label; plain dotted paths otherwise.
std::string fieldValue(const Json &pod, const std::string &path)
{
    for (const char *map : {"metadata.labels", "metadata.annotations"}) {
        const std::string prefix = std::string(map) + "['";
        if (path.rfind(prefix, 0) == 0 && path.size() > prefix.size() + 2 && path.compare(path.size() - 2, 2, "']") == 0) {
            const Json *m = at(pod, map);
            return m ? str(*m, path.substr(prefix.size(), path.size() - prefix.size() - 2).c_str()) : std::string();
        }
    }
    const Json *v = at(pod, path);
    if (!v)
        return {};
    return v->is_string() ? v->get<std::string>() : v->dump();
}

std::string refValue(const ObjectStore &store, const std::string &ns, const Json &ref, const char *kind)
{
    const SnapshotPtr s = store.get(kind, ns, str(ref, "name"));
    if (!s)
        return {};
    const std::string key = str(ref, "key");
    if (std::string(kind) == "secrets") {
        if (const Json *data = at(s->obj, "data"); data && data->is_object() && data->contains(key))
            return base64Decode(str(*data, key.c_str()));
        if (const Json *data = at(s->obj, "stringData"); data && data->is_object())
            return str(*data, key.c_str());
        return {};
    }
    const Json *data = at(s->obj, "data");
    return data ? str(*data, key.c_str()) : std::string();
}

bool isCnpgInstance(const Json &pod)
{
    const Json *labels = at(pod, "metadata.labels");
    return labels && str(*labels, "cnpg.io/podRole") == "instance" && !str(*labels, "cnpg.io/cluster").empty();
}

void setVar(std::vector<std::string> &env, const std::string &name, const std::string &value)
{
    const std::string prefix = name + "=";
    for (auto &e : env)
        if (e.rfind(prefix, 0) == 0) {
            e = prefix + value;
            return;
        }
    env.push_back(prefix + value);
}

} // namespace

bool parseExecTarget(const std::string &target, ExecRequest &request)
{
    const auto q = target.find('?');
    const std::string path = target.substr(0, q);
    std::vector<std::string> parts;
    std::size_t pos = 1;
    if (path.empty() || path[0] != '/')
        return false;
    while (pos <= path.size()) {
        const auto next = path.find('/', pos);
        parts.push_back(path.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
        if (next == std::string::npos)
            break;
        pos = next + 1;
    }
    if (parts.size() != 7 || parts[0] != "api" || parts[1] != "v1" || parts[2] != "namespaces" || parts[4] != "pods"
        || (parts[6] != "exec" && parts[6] != "attach") || parts[3].empty() || parts[5].empty())
        return false;
    request.ns = parts[3];
    request.pod = parts[5];
    request.attach = parts[6] == "attach";
    if (q == std::string::npos)
        return true;
    const std::string_view query(target.data() + q + 1, target.size() - q - 1);
    std::size_t start = 0;
    while (start <= query.size()) {
        const auto amp = query.find('&', start);
        const std::string_view pair = query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
        const auto eq = pair.find('=');
        const std::string key = queryUnescape(pair.substr(0, eq));
        const std::string value = eq == std::string_view::npos ? std::string() : queryUnescape(pair.substr(eq + 1));
        if (key == "command")
            request.command.push_back(value);
        else if (key == "container")
            request.container = value;
        else if (key == "stdin")
            request.stdinOn = isTrue(value);
        else if (key == "stdout")
            request.stdoutOn = isTrue(value);
        else if (key == "stderr")
            request.stderrOn = isTrue(value);
        else if (key == "tty")
            request.tty = isTrue(value);
        if (amp == std::string_view::npos)
            break;
        start = amp + 1;
    }
    return true;
}

ExecEnvironment::ExecEnvironment(ObjectStore &store, std::string runRoot) : m_store(store), m_runRoot(std::move(runRoot))
{
}

bool ExecEnvironment::admit(ExecRequest &request, ExecRefusal &refusal) const
{
    auto status = [&](const ApiError &e) {
        refusal.code = e.code();
        refusal.contentType = "application/json";
        refusal.body = e.status().dump();
        return false;
    };
    const SnapshotPtr s = m_store.get("pods", request.ns, request.pod);
    if (!s)
        return status(ApiError::notFound("pods", request.pod, "", "pods"));
    const Json &pod = s->obj;
    if (request.container.empty()) {
        const auto names = containerNames(pod, "spec.containers");
        if (names.size() == 1) {
            request.container = names.front();
        } else {
            std::string list;
            for (const auto &n : names)
                list += (list.empty() ? "" : " ") + n;
            return status(ApiError::badRequest("a container name must be specified for pod " + request.pod
                                               + ", choose one of: [" + list + "]"));
        }
    } else if (!findContainer(pod, request.container)) {
        return status(ApiError::badRequest("container " + request.container + " is not valid for pod " + request.pod));
    }
    if (str(pod["spec"], "nodeName").empty())
        return status(ApiError::badRequest("pod " + request.pod + " does not have a host assigned"));
    const std::string phase = str(pod["status"], "phase");
    if (phase == "Succeeded" || phase == "Failed")
        return status(ApiError::badRequest("cannot exec into a container in a completed pod; current phase is " + phase));
    if (!request.attach && request.command.empty())
        return status(ApiError::badRequest("you must specify at least 1 command"));
    // The kubelet finds only running containers: a pod still starting (or a container waiting to be
    // restarted) gets its plain-text error, which kubectl prints after "unable to upgrade connection: ".
    bool running = phase == "Running" && !at(pod, "metadata.deletionTimestamp");
    if (const Json *statuses = at(pod, "status.containerStatuses"); running && statuses && statuses->is_array())
        for (const auto &cs : *statuses)
            if (str(cs, "name") == request.container && !at(cs, "state.running"))
                running = false;
    if (!running) {
        refusal.code = 500;
        refusal.contentType = "text/plain; charset=utf-8";
        refusal.body = "container not found (\"" + request.container + "\")";
        return false;
    }
    return true;
}

std::vector<std::string> ExecEnvironment::podEnvironment(const ObjectStore &store, const Json &pod,
                                                         const std::string &container, int apiPort)
{
    const std::string ns = str(pod["metadata"], "namespace");
    std::vector<std::string> env{std::string("PATH=") + kPath, "HOSTNAME=" + str(pod["metadata"], "name")};
    if (apiPort > 0) {
        const std::string port = std::to_string(apiPort);
        env.push_back("KUBERNETES_SERVICE_HOST=127.0.0.1");
        env.push_back("KUBERNETES_SERVICE_PORT=" + port);
        env.push_back("KUBERNETES_PORT=tcp://127.0.0.1:" + port);
    }
    if (isCnpgInstance(pod)) {
        const Json *annotations = at(pod, "metadata.annotations");
        const auto ports = parsePortMap(annotations ? str(*annotations, kPortForwardAnnotation) : std::string());
        if (const auto it = ports.find(5432); it != ports.end() && it->second.error.empty()) {
            const char *user = std::getenv("PGUSER");
            setVar(env, "PGHOST", it->second.host);
            setVar(env, "PGPORT", std::to_string(it->second.port));
            setVar(env, "PGUSER", user && *user ? user : "postgres");
            for (const char *name : {"PGPASSWORD", "PGDATABASE", "PGSSLMODE"})
                if (const char *v = std::getenv(name); v && *v)
                    setVar(env, name, v);
        }
    }
    const Json *spec = findContainer(pod, container);
    if (const Json *vars = spec ? at(*spec, "env") : nullptr; vars && vars->is_array()) {
        for (const auto &v : *vars) {
            const std::string name = str(v, "name");
            if (name.empty() || name.find('=') != std::string::npos)
                continue;
            if (v.contains("value")) {
                setVar(env, name, str(v, "value"));
            } else if (const Json *from = at(v, "valueFrom")) {
                if (const Json *f = at(*from, "fieldRef"))
                    setVar(env, name, fieldValue(pod, str(*f, "fieldPath")));
                else if (const Json *ref = at(*from, "secretKeyRef"))
                    setVar(env, name, refValue(store, ns, *ref, "secrets"));
                else if (const Json *cm = at(*from, "configMapKeyRef"))
                    setVar(env, name, refValue(store, ns, *cm, "configmaps"));
            } else {
                setVar(env, name, "");
            }
        }
    }
    return env;
}

ChildSpec ExecEnvironment::childSpec(const ExecRequest &request) const
{
    ChildSpec spec;
    spec.argv = request.command;
    spec.tty = request.tty;
    const std::filesystem::path dir = std::filesystem::path(m_runRoot) / request.ns / request.pod / request.container;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
    spec.workingDir = dir.string();
    const SnapshotPtr s = m_store.get("pods", request.ns, request.pod);
    spec.env = podEnvironment(m_store, s ? s->obj : Json::object(), request.container, m_apiPort);
    // A container's own env wins over these two, as over the runtime's defaults.
    auto addDefault = [&](const std::string &name, const std::string &value) {
        for (const auto &e : spec.env)
            if (e.rfind(name + "=", 0) == 0)
                return;
        spec.env.push_back(name + "=" + value);
    };
    addDefault("HOME", spec.workingDir);
    if (request.tty)
        addDefault("TERM", "xterm");
    return spec;
}

} // namespace bc::sandbox
