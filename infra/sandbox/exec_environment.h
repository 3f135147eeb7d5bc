#pragma once

// What `kubectl exec` runs for a pod of the sandbox, as KWOK's local exec does it: the command as a
// real process on this machine, argv as given, in a private working directory per pod and
// container, with the pod's environment:
//   PATH, HOME (the working directory), HOSTNAME = pod name, TERM=xterm with a tty,
//   KUBERNETES_SERVICE_HOST/PORT (the sandbox's own API address: it is what the in-cluster
//   kubernetes Service leads to here), then the container's `env` (value; valueFrom fieldRef,
//   secretKeyRef, configMapKeyRef).
// Instance pods of the CloudNativePG stand-in (cnpg.io/podRole=instance) whose port 5432 leads to
// the PostgreSQL given with --postgres also get PGHOST/PGPORT/PGUSER (postgres, as inside a CNPG
// container, or the sandbox's own PGUSER) and, when the sandbox has one, PGPASSWORD and
// PGDATABASE: `psql` then connects to that server. Secrets travel in the environment, never argv.

#include "infra/sandbox/json.h"
#include "infra/sandbox/pty_process.h"

#include <string>
#include <vector>

namespace bc::sandbox {

class ObjectStore;

// An answer to the upgrade request that is not 101: a Status (JSON) or the kubelet's plain text.
struct ExecRefusal {
    int code = 400;
    std::string contentType = "application/json";
    std::string body;
};

struct ExecRequest {
    std::string ns, pod, container;
    std::vector<std::string> command; // empty for attach
    bool stdinOn = false, stdoutOn = false, stderrOn = false, tty = false;
    bool attach = false;
};

// /api/v1/namespaces/NS/pods/NAME/exec?command=sh&command=-c&...&container=c&stdin=true&tty=true
// (or .../attach). False when the path is not one of those.
bool parseExecTarget(const std::string &target, ExecRequest &request);

class ExecEnvironment {
public:
    // runRoot: the directory under which every pod gets its working directory.
    ExecEnvironment(ObjectStore &store, std::string runRoot);

    void setApiPort(int port) { m_apiPort = port; }

    // Checks the pod and container as the API server and kubelet do and fills in request.container
    // when the pod has a single container. Returns false with `refusal` set on an error.
    bool admit(ExecRequest &request, ExecRefusal &refusal) const;
    // The process to start for an admitted request (creates the working directory).
    ChildSpec childSpec(const ExecRequest &request) const;

    static std::vector<std::string> podEnvironment(const ObjectStore &store, const Json &pod,
                                                   const std::string &container, int apiPort);

private:
    ObjectStore &m_store;
    std::string m_runRoot;
    int m_apiPort = 0;
};

} // namespace bc::sandbox
