#pragma once

#include "infra/sandbox/cluster_simulator.h"

#include <functional>
#include <memory>
#include <string>

namespace bc::sandbox {

class ApiServer;
class CnpgController;
class ObjectStore;
class ResourceRegistry;

struct SandboxOptions {
    std::string host = "127.0.0.1";
    int port = 0;                 // 0 = any free port
    std::string kubeconfigPath;   // written once the server listens; empty = none
    std::string statePath;        // --state FILE: loaded at start, saved while running and at stop
    bool withCrds = false;        // pre-install the CNPG and Istio CRDs
    std::string postgresAddress;  // --postgres HOST:PORT (loopback): CNPG instance pods forward 5432 there
    SimulatorOptions simulator;
};

// The whole local cluster in one object: store, registry, simulator and HTTP API. A storefront
// simulation links bc_sandbox_core, runs a Sandbox in-process and feeds it work via simulator().
class Sandbox {
public:
    explicit Sandbox(SandboxOptions options);
    ~Sandbox();
    Sandbox(const Sandbox &) = delete;
    Sandbox &operator=(const Sandbox &) = delete;

    // Loads state, bootstraps, listens, writes the kubeconfig. Returns the port or throws std::runtime_error.
    int start();
    void stop();
    int port() const { return m_port; }

    ObjectStore &store() { return *m_store; }
    ResourceRegistry &registry() { return *m_registry; }
    ClusterSimulator &simulator() { return *m_simulator; }
    void setRequestLogger(std::function<void(const std::string &)> logger);

    void saveState() const;
    static std::string kubeconfigText(const std::string &host, int port);

private:
    void loadState();
    void writeKubeconfig() const;

    SandboxOptions m_options;
    std::unique_ptr<ObjectStore> m_store;
    std::unique_ptr<ResourceRegistry> m_registry;
    std::unique_ptr<ClusterSimulator> m_simulator;
    std::unique_ptr<ApiServer> m_api;
    std::unique_ptr<CnpgController> m_cnpg;
    int m_port = -1;
};

} // namespace bc::sandbox
