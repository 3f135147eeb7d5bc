#pragma once

// The `loadgenerator` of the upstream Online Boutique manifest, run for real: for every Running pod
// with a container whose image is the upstream loadgenerator, the sandbox starts headless Locust on
// the repository's copy of the upstream locustfile (infra/locust/locustfile.py), as the image's
// entrypoint does (`locust --host=http://$FRONTEND_ADDR --headless -u ${USERS:-10} 2>&1`), with the
// frontend address mapped to where the sandbox storefront listens. Locust's output, the statistics
// table with its `Aggregated` row every 2 s included, becomes the container's log (`kubectl logs`);
// its real CPU time is charged to the pod (`kubectl top pods`).
//
// Processes follow the sandbox's rules (ChildProcess): own process group, PR_SET_PDEATHSIG, niced,
// stopped (group, grace, SIGKILL) when the pod stops running, is deleted, or the sandbox stops. A
// Locust that exits is started again after the kubelet's restart back-off.

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace bc::sandbox {

class ClusterSimulator;
class ObjectStore;

struct LoadgenOptions {
    std::string locustProgram = "locust"; // looked up in PATH
    std::string locustDir;                 // holds locustfile.py; "" = BC_LOCUST_DIR or found beside the binary
    int niceness = 10;                     // load generation yields to the sandbox and the storefront
};

class LoadgenController {
public:
    using FrontendUrl = std::function<std::string()>; // "http://127.x.y.1:80", "" while not serving

    LoadgenController(ObjectStore &store, ClusterSimulator &simulator, FrontendUrl frontendUrl,
                      LoadgenOptions options = {});
    ~LoadgenController();
    LoadgenController(const LoadgenController &) = delete;
    LoadgenController &operator=(const LoadgenController &) = delete;

    void start(); // a background thread: reconcile, relay output, charge CPU
    void stop();  // stops every Locust
    std::size_t running() const;

    // True for the upstream image (`.../loadgenerator:v0.10.6`, `.../loadgenerator@sha256:...`).
    static bool isLoadgenImage(const std::string &image);
    // The locustfile: BC_LOCUST_DIR, then share/boutique-control/infra/locust beside the binary, then
    // infra/locust in a parent of the binary's directory (a build tree). "" when none is found.
    static std::string findLocustfile(const std::string &locustDir);

private:
    struct Runner;
    void loop();
    void reconcile();
    void pump(int timeoutMs);
    void startRunner(Runner &runner);

    ObjectStore &m_store;
    ClusterSimulator &m_simulator;
    FrontendUrl m_frontendUrl;
    LoadgenOptions m_options;
    std::string m_locustfile;
    std::string m_runRoot;
    std::map<std::string, std::unique_ptr<Runner>> m_runners; // by pod uid; only the loop thread touches it
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_running = false;
    std::size_t m_count = 0;
    std::thread m_thread;
};

} // namespace bc::sandbox
