#pragma once

// pods/exec and pods/attach for the sandbox. kubectl's
// upgrade — WebSocket with subprotocol v5.channel.k8s.io (or v4), or the classic POST with
// `Upgrade: SPDY/3.1` and X-Stream-Protocol-Version v4.channel.k8s.io — is answered here on the
// raw connection the HTTP server hands over; an ExecSession then runs the command as a real
// process (ExecEnvironment says which, where, with what environment); an AttachSession streams
// the container's output.

#include "infra/sandbox/exec_environment.h"
#include "infra/sandbox/upgrade_acceptor.h"

#include <functional>
#include <string>

namespace bc::sandbox {

class ClusterSimulator;
class ObjectStore;

class ExecService {
public:
    // simulator: where attach reads the containers' output (none: attach is refused).
    explicit ExecService(ObjectStore &store, const ClusterSimulator *simulator = nullptr);
    ~ExecService(); // removes the pods' working directories
    ExecService(const ExecService &) = delete;
    ExecService &operator=(const ExecService &) = delete;

    // True for "GET|POST /api/v1/namespaces/x/pods/y/exec?... HTTP/1.1" (or attach).
    static bool isExecRequestLine(const std::string &line);

    void setApiPort(int port) { m_env.setApiPort(port); }
    // Reads the request from the connected socket `fd`, answers the upgrade (or an error) and runs
    // the session until the command ends, kubectl goes away or stopAll() is called. Closes `fd`.
    void serve(int fd);
    void stopAll();
    void setLogger(std::function<void(const std::string &)> logger) { m_acceptor.setLogger(std::move(logger)); }

private:
    const ClusterSimulator *m_simulator;
    std::string m_runRoot;
    ExecEnvironment m_env;
    UpgradeAcceptor m_acceptor;
};

} // namespace bc::sandbox
