#include "infra/sandbox/container_runtime.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace bc::sandbox {

namespace {

std::string timeNow()
{
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

bool endsWith(const std::string &s, const std::string &tail)
{
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool knownRegistry(const std::string &host)
{
    static const char *exact[] = {"docker.io",       "index.docker.io", "registry-1.docker.io", "gcr.io",
                                  "ghcr.io",         "quay.io",         "registry.k8s.io",      "mcr.microsoft.com",
                                  "public.ecr.aws", "registry.gitlab.com"};
    for (const char *e : exact)
        if (host == e)
            return true;
    return endsWith(host, ".gcr.io") || endsWith(host, ".pkg.dev"); // GCR mirrors, Artifact Registry
}

struct ImageRef
{
    std::string host, repository, tag, full; // full: as containerd names it (docker.io/library/busybox:1.36)
};

ImageRef parseImage(const std::string &image)
{
    ImageRef ref;
    std::string rest = image.substr(0, image.find('@'));
    const auto slash = rest.find('/');
    const std::string first = slash == std::string::npos ? std::string() : rest.substr(0, slash);
    if (!first.empty() && (first.find('.') != std::string::npos || first.find(':') != std::string::npos
                           || first == "localhost")) {
        ref.host = first;
        rest = rest.substr(slash + 1);
    } else {
        ref.host = "docker.io";
        if (rest.find('/') == std::string::npos)
            rest = "library/" + rest;
    }
    const auto colon = rest.rfind(':');
    if (colon != std::string::npos && rest.find('/', colon) == std::string::npos) {
        ref.tag = rest.substr(colon + 1);
        rest = rest.substr(0, colon);
    } else {
        ref.tag = "latest";
    }
    ref.repository = rest;
    ref.full = ref.host + "/" + ref.repository + ":" + ref.tag;
    return ref;
}

std::string trim(const std::string &s)
{
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

std::optional<double> seconds(const std::string &word)
{
    std::string w = word;
    if (!w.empty() && w.back() == 's')
        w.pop_back();
    if (w.empty() || w.find_first_not_of("0123456789.") != std::string::npos)
        return std::nullopt;
    return std::stod(w);
}

std::optional<int> integer(const std::string &word)
{
    if (word.empty() || word.find_first_not_of("0123456789") != std::string::npos || word.size() > 3)
        return std::nullopt;
    return std::stoi(word) & 0xff;
}

std::string unquote(std::string s)
{
    s = trim(s);
    if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
        return s.substr(1, s.size() - 2);
    return s;
}

// A shell script of echo/sleep/true/false/exit statements joined by ';', '&&' or newlines.
std::optional<ExitPlan> scriptPlan(const std::string &script)
{
    if (script.find_first_of("|$`<>(){}*") != std::string::npos)
        return std::nullopt;
    ExitPlan plan;
    int status = 0;
    bool skipNext = false; // after a failed statement followed by &&
    std::size_t pos = 0;
    while (pos <= script.size()) {
        std::size_t end = script.size(), sepLen = 0;
        bool andThen = false;
        for (std::size_t i = pos; i < script.size(); ++i) {
            if (script[i] == ';' || script[i] == '\n') {
                end = i, sepLen = 1;
                break;
            }
            if (script.compare(i, 2, "&&") == 0) {
                end = i, sepLen = 2, andThen = true;
                break;
            }
        }
        const std::string stmt = trim(script.substr(pos, end - pos));
        pos = end + (sepLen ? sepLen : 1);
        const bool skip = skipNext;
        skipNext = false;
        if (stmt.empty())
            continue;
        const auto space = stmt.find_first_of(" \t");
        const std::string word = stmt.substr(0, space);
        const std::string arg = space == std::string::npos ? std::string() : trim(stmt.substr(space));
        int result = 0;
        if (word == "echo") {
            if (!skip)
                plan.output.push_back(unquote(arg));
        } else if (word == "sleep") {
            const auto s = seconds(arg);
            if (!s)
                return std::nullopt;
            if (!skip)
                plan.afterSeconds += *s;
        } else if (word == "true" || word == ":") {
        } else if (word == "false") {
            result = 1;
        } else if (word == "exit") {
            const auto code = arg.empty() ? std::optional<int>(status) : integer(arg);
            if (!code)
                return std::nullopt;
            if (!skip) {
                plan.exitCode = *code;
                return plan;
            }
        } else {
            return std::nullopt;
        }
        if (skip) {
            skipNext = andThen; // a skipped `a && b && c` skips the whole chain
            continue;
        }
        status = result;
        skipNext = andThen && status != 0;
    }
    plan.exitCode = status;
    return plan;
}

std::string goDuration(double seconds)
{
    const long long s = std::llround(seconds);
    if (s < 60)
        return std::to_string(s) + "s";
    return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
}

double number(const Json &j, const char *key, double dflt)
{
    if (!j.is_object() || !j.contains(key) || !j[key].is_number())
        return dflt;
    return j[key].get<double>();
}

} // namespace

std::string imagePullError(const std::string &image)
{
    const ImageRef ref = parseImage(image);
    if (!knownRegistry(ref.host))
        return "rpc error: code = Unknown desc = failed to pull and unpack image \"" + ref.full
               + "\": failed to resolve reference \"" + ref.full + "\": failed to do request: Head \"https://"
               + ref.host + "/v2/" + ref.repository + "/manifests/" + ref.tag + "\": dial tcp: lookup " + ref.host
               + ": no such host";
    if (ref.tag == "does-not-exist" || ref.tag.rfind("nonexistent", 0) == 0)
        return "rpc error: code = NotFound desc = failed to pull and unpack image \"" + ref.full
               + "\": failed to resolve reference \"" + ref.full + "\": " + ref.full + ": not found";
    return {};
}

std::optional<ExitPlan> exitPlan(const Json &command, const Json &args)
{
    std::vector<std::string> argv;
    for (const Json *part : {&command, &args})
        if (part->is_array())
            for (const auto &a : *part) {
                if (!a.is_string())
                    return std::nullopt;
                argv.push_back(a.get<std::string>());
            }
    if (argv.empty() || !command.is_array() || command.empty())
        return std::nullopt; // the image's own entrypoint: unknown, it runs
    std::string prog = argv[0].substr(argv[0].rfind('/') == std::string::npos ? 0 : argv[0].rfind('/') + 1);
    if ((prog == "sh" || prog == "bash" || prog == "ash" || prog == "dash") && argv.size() >= 3 && argv[1] == "-c")
        return scriptPlan(argv[2]);
    if (prog == "true" && argv.size() == 1)
        return ExitPlan{0, 0, {}};
    if (prog == "false" && argv.size() == 1)
        return ExitPlan{1, 0, {}};
    if (prog == "sleep" && argv.size() == 2)
        if (const auto s = seconds(argv[1]))
            return ExitPlan{0, *s, {}};
    return std::nullopt;
}

double backOffSeconds(int failures)
{
    return std::min(300.0, 10.0 * std::pow(2.0, std::max(0, failures - 1)));
}

// ---- PodRuntime ----

namespace {

// A failing exec probe: its command exits non-zero by the rules above.
bool failingProbe(const Json &probe, std::vector<std::string> &output)
{
    const Json *cmd = at(probe, "exec.command");
    if (!cmd)
        return false;
    const auto plan = exitPlan(*cmd, Json());
    if (!plan || plan->exitCode == 0)
        return false;
    output = plan->output;
    return true;
}

} // namespace

bool PodRuntime::needed(const Json &pod)
{
    const Json *cs = at(pod, "spec.containers");
    if (!cs || !cs->is_array())
        return false;
    std::vector<std::string> ignored;
    for (const auto &c : *cs) {
        if (!imagePullError(str(c, "image")).empty())
            return true;
        if (exitPlan(c.contains("command") ? c["command"] : Json(), c.contains("args") ? c["args"] : Json()))
            return true;
        for (const char *probe : {"readinessProbe", "livenessProbe"})
            if (c.contains(probe) && failingProbe(c[probe], ignored))
                return true;
    }
    return false;
}

PodRuntime::PodRuntime(const Json &pod, double timeScale)
    : m_ns(str(pod["metadata"], "namespace"))
    , m_name(str(pod["metadata"], "name"))
    , m_uid(str(pod["metadata"], "uid"))
    , m_timeScale(timeScale)
{
    m_restartPolicy = str(pod["spec"], "restartPolicy");
    if (m_restartPolicy.empty())
        m_restartPolicy = "Always";
    for (const auto &c : pod["spec"]["containers"]) {
        Container run;
        run.name = str(c, "name");
        run.image = str(c, "image");
        run.pullError = imagePullError(run.image);
        run.exit = exitPlan(c.contains("command") ? c["command"] : Json(), c.contains("args") ? c["args"] : Json());
        for (auto [key, probe] : {std::pair{"readinessProbe", &run.readiness}, std::pair{"livenessProbe", &run.liveness}})
            if (c.contains(key)) {
                probe->failing = failingProbe(c[key], probe->output);
                probe->initialDelay = number(c[key], "initialDelaySeconds", 0);
                probe->period = std::max(1.0, number(c[key], "periodSeconds", 10));
                probe->failureThreshold = std::max(1, static_cast<int>(number(c[key], "failureThreshold", 3)));
            }
        m_containers.push_back(std::move(run));
    }
}

std::string PodRuntime::Container::containerId() const
{
    char buf[24];
    std::snprintf(buf, sizeof buf, "%08x%04x", static_cast<unsigned>(std::hash<std::string>{}(name + image)),
                  static_cast<unsigned>(restarts & 0xffff));
    return std::string("containerd://") + buf;
}

PodRuntime::Clock::duration PodRuntime::real(double simSeconds) const
{
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(simSeconds * m_timeScale));
}

std::string PodRuntime::podRef() const
{
    return m_name + "_" + m_ns + "(" + m_uid + ")";
}

PodRuntime::Clock::time_point PodRuntime::nextChange(const Container &c) const
{
    if (c.state != Container::State::Running)
        return c.next;
    Clock::time_point t = c.exit ? c.next : Clock::time_point::max();
    if (c.readiness.failing)
        t = std::min(t, c.nextReadiness);
    if (c.liveness.failing)
        t = std::min(t, c.nextLiveness);
    return t;
}

bool PodRuntime::due(Clock::time_point now) const
{
    for (const Container &c : m_containers)
        if (nextChange(c) <= now)
            return true;
    return false;
}

void PodRuntime::pull(Container &c, Clock::time_point now, std::vector<RuntimeEvent> &events)
{
    ++c.pullFailures;
    c.state = Container::State::PullFailed;
    c.message = c.pullError;
    events.push_back({"Normal", "Pulling", "Pulling image \"" + c.image + "\""});
    events.push_back({"Warning", "Failed", "Failed to pull image \"" + c.image + "\": " + c.pullError});
    events.push_back({"Warning", "Failed", "Error: ErrImagePull"});
    c.next = now + real(2); // the next pod sync turns it into a back-off
}

void PodRuntime::start(Container &c, Clock::time_point now, std::vector<RuntimeEvent> &events,
                       std::vector<LogLine> &logs)
{
    events.push_back({"Normal", "Pulled", "Container image \"" + c.image + "\" already present on machine"});
    events.push_back({"Normal", "Created", "Created container " + c.name});
    events.push_back({"Normal", "Started", "Started container " + c.name});
    c.state = Container::State::Running;
    c.everStarted = true;
    c.startedAt = timeNow();
    c.message.clear();
    c.ready = !c.readiness.failing;
    c.livenessFailures = 0;
    c.next = c.exit ? now + real(c.exit->afterSeconds) : Clock::time_point::max();
    c.nextReadiness = now + real(std::max(1.0, c.readiness.initialDelay));
    c.nextLiveness = now + real(std::max(1.0, c.liveness.initialDelay));
    if (c.exit)
        for (const std::string &line : c.exit->output)
            logs.push_back({c.name, line});
}

void PodRuntime::terminate(Container &c, int exitCode, Clock::time_point now)
{
    c.lastTerminated = {{"containerID", c.containerId()},
                        {"exitCode", exitCode},
                        {"finishedAt", timeNow()},
                        {"reason", exitCode == 0 ? "Completed" : "Error"},
                        {"startedAt", c.startedAt}};
    if (m_restartPolicy == "Never" || (m_restartPolicy == "OnFailure" && exitCode == 0)) {
        c.state = Container::State::Terminated; // the kubelet does not restart it: the pod completes
        c.ready = false;
        c.next = Clock::time_point::max();
        return;
    }
    ++c.restarts;
    c.state = Container::State::CrashBackOff;
    c.ready = false;
    const double wait = backOffSeconds(c.restarts);
    c.message = "back-off " + goDuration(wait) + " restarting failed container=" + c.name + " pod=" + podRef();
    c.next = now + real(wait);
}

void PodRuntime::step(Container &c, Clock::time_point now, std::vector<RuntimeEvent> &events,
                      std::vector<LogLine> &logs)
{
    using State = Container::State;
    switch (c.state) {
    case State::Creating:
        if (!c.pullError.empty())
            pull(c, now, events);
        else
            start(c, now, events, logs);
        return;
    case State::PullFailed:
        c.state = State::PullBackOff;
        c.message = "Back-off pulling image \"" + c.image + "\": ErrImagePull: " + c.pullError;
        events.push_back({"Normal", "BackOff", "Back-off pulling image \"" + c.image + "\""});
        events.push_back({"Warning", "Failed", "Error: ImagePullBackOff"});
        c.next = now + real(backOffSeconds(c.pullFailures));
        return;
    case State::PullBackOff: pull(c, now, events); return;
    case State::CrashBackOff: start(c, now, events, logs); return;
    case State::Terminated: return;
    case State::Running: break;
    }
    if (c.exit && c.next <= now) {
        terminate(c, c.exit->exitCode, now);
        if (c.state != State::Terminated)
            events.push_back({"Warning", "BackOff", "Back-off restarting failed container " + c.name + " in pod " + podRef()});
        return;
    }
    const auto probeMessage = [](const char *kind, const Probe &p) {
        std::string out;
        for (const std::string &line : p.output)
            out += (out.empty() ? "" : "\n") + line;
        return std::string(kind) + " probe failed: " + out;
    };
    if (c.readiness.failing && c.nextReadiness <= now) {
        c.ready = false;
        events.push_back({"Warning", "Unhealthy", probeMessage("Readiness", c.readiness)});
        c.nextReadiness = now + real(c.readiness.period);
    }
    if (c.liveness.failing && c.nextLiveness <= now) {
        events.push_back({"Warning", "Unhealthy", probeMessage("Liveness", c.liveness)});
        c.nextLiveness = now + real(c.liveness.period);
        if (++c.livenessFailures >= c.liveness.failureThreshold) {
            events.push_back({"Normal", "Killing", "Container " + c.name + " failed liveness probe, will be restarted"});
            terminate(c, 137, now);
        }
    }
}

bool PodRuntime::advance(Clock::time_point now, std::vector<RuntimeEvent> &events, std::vector<LogLine> &logs)
{
    bool changed = false;
    for (Container &c : m_containers) {
        // Bounded: a long stall (suspended process) catches up a few steps per pass, not a burst.
        for (int i = 0; i < 4 && nextChange(c) <= now; ++i) {
            step(c, now, events, logs);
            changed = true;
        }
    }
    return changed;
}

bool PodRuntime::started() const
{
    return std::any_of(m_containers.begin(), m_containers.end(), [](const Container &c) { return c.everStarted; });
}

std::string PodRuntime::phase() const
{
    const auto ended = [](const Container &c) { return c.state == Container::State::Terminated; };
    if (!m_containers.empty() && std::all_of(m_containers.begin(), m_containers.end(), ended))
        return std::all_of(m_containers.begin(), m_containers.end(),
                           [](const Container &c) { return c.lastTerminated.value("exitCode", 1) == 0; })
            ? "Succeeded"
            : "Failed";
    return started() ? "Running" : "Pending";
}

bool PodRuntime::ready() const
{
    return std::all_of(m_containers.begin(), m_containers.end(), [](const Container &c) { return c.ready; });
}

std::string PodRuntime::notReadyMessage() const
{
    std::string names;
    for (const Container &c : m_containers)
        if (!c.ready)
            names += (names.empty() ? "" : " ") + c.name;
    return "containers with unready status: [" + names + "]";
}

Json PodRuntime::containerStatuses() const
{
    using State = Container::State;
    Json out = Json::array();
    for (const Container &c : m_containers) {
        Json st = {{"name", c.name},
                   {"image", c.image},
                   {"imageID", c.everStarted ? "sandbox://" + c.image : ""},
                   {"ready", c.ready},
                   {"restartCount", c.restarts},
                   {"started", c.state == State::Running}};
        if (c.everStarted)
            st["containerID"] = c.containerId();
        switch (c.state) {
        case State::Running: st["state"] = {{"running", {{"startedAt", c.startedAt}}}}; break;
        case State::Creating: st["state"] = {{"waiting", {{"reason", "ContainerCreating"}}}}; break;
        case State::PullFailed: st["state"] = {{"waiting", {{"message", c.message}, {"reason", "ErrImagePull"}}}}; break;
        case State::PullBackOff:
            st["state"] = {{"waiting", {{"message", c.message}, {"reason", "ImagePullBackOff"}}}};
            break;
        case State::CrashBackOff:
            st["state"] = {{"waiting", {{"message", c.message}, {"reason", "CrashLoopBackOff"}}}};
            break;
        case State::Terminated: st["state"] = {{"terminated", c.lastTerminated}}; break;
        }
        st["lastState"] = c.lastTerminated.is_null() || c.state == State::Terminated ? Json::object()
                                                                                     : Json{{"terminated", c.lastTerminated}};
        out.push_back(st);
    }
    return out;
}

} // namespace bc::sandbox
