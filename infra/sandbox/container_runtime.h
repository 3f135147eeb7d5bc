#pragma once

#include "infra/sandbox/json.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace bc::sandbox {

// The rules by which the sandbox decides what a container does. Nothing is pulled or executed on the
// host: an image reference and a command are read, and the outcome is modelled (README, "Failures").

// The containerd error for an image the sandbox cannot pull, or "" when the pull works: a registry host
// outside the known upstream registries, or a tag named `does-not-exist` / `nonexistent*`.
std::string imagePullError(const std::string &image);

// What a container's command does when the whole command is one the sandbox can read: `sh -c` (or bash)
// scripts made only of `echo`, `sleep N`, `true`, `false` and `exit N`, or a bare `true`, `false`,
// `sleep N`. Anything else (a real server binary) runs until stopped: nullopt.
struct ExitPlan
{
    int exitCode = 0;
    double afterSeconds = 0;        // simulated seconds from start to exit
    std::vector<std::string> output; // what `echo` printed
};
std::optional<ExitPlan> exitPlan(const Json &command, const Json &args);

// The kubelet's restart and image-pull back-off: 10 s, doubled per failure, capped at 5 minutes.
double backOffSeconds(int failures);

struct RuntimeEvent
{
    std::string type, reason, message;
};

struct LogLine
{
    std::string container, line;
};

// The kubelet's view of one pod whose containers do not simply start and stay up: an image that cannot be
// pulled (ErrImagePull, then ImagePullBackOff), a command that exits (restarts with CrashLoopBackOff and
// lastState.terminated), exec probes that fail (Unhealthy; a liveness failure restarts the container).
// It keeps the state and produces pod status and the kubelet's events; the simulator writes them.
class PodRuntime
{
public:
    using Clock = std::chrono::steady_clock;

    // True when some container of the pod follows one of the rules above.
    static bool needed(const Json &pod);

    PodRuntime(const Json &pod, double timeScale);

    // Moves every container whose next change is due; false when nothing changed.
    bool advance(Clock::time_point now, std::vector<RuntimeEvent> &events, std::vector<LogLine> &logs);
    bool due(Clock::time_point now) const;

    // Pod status parts as the kubelet reports them.
    std::string phase() const; // Pending until a container started once, then Running; Succeeded/Failed
                               // once every container ended for good (restartPolicy Never/OnFailure)
    bool started() const;
    bool ready() const;
    std::string notReadyMessage() const; // "containers with unready status: [app]"
    Json containerStatuses() const;

private:
    struct Probe
    {
        bool failing = false;
        double initialDelay = 0, period = 10;
        int failureThreshold = 3;
        std::vector<std::string> output;
    };
    struct Container
    {
        std::string name, image, pullError;
        std::optional<ExitPlan> exit;
        Probe readiness, liveness;
        enum class State { Creating, PullFailed, PullBackOff, Running, CrashBackOff, Terminated } state = State::Creating;
        std::string message;
        Clock::time_point next{};
        Clock::time_point nextReadiness{}, nextLiveness{};
        int livenessFailures = 0;
        int restarts = 0, pullFailures = 0;
        bool ready = false, everStarted = false;
        std::string startedAt;
        Json lastTerminated; // null until the container ended once
        std::string containerId() const;
    };

    void start(Container &c, Clock::time_point now, std::vector<RuntimeEvent> &events, std::vector<LogLine> &logs);
    void pull(Container &c, Clock::time_point now, std::vector<RuntimeEvent> &events);
    void terminate(Container &c, int exitCode, Clock::time_point now);
    void step(Container &c, Clock::time_point now, std::vector<RuntimeEvent> &events, std::vector<LogLine> &logs);
    Clock::duration real(double simSeconds) const;
    Clock::time_point nextChange(const Container &c) const;
    std::string podRef() const; // name_namespace(uid), as the kubelet names a pod in messages

    std::string m_ns, m_name, m_uid;
    std::string m_restartPolicy; // Always, OnFailure, Never
    double m_timeScale;
    std::vector<Container> m_containers;
};

} // namespace bc::sandbox
