#pragma once

// A minimal stand-in for the CloudNativePG operator, enough for the app's use of a
// `postgresql.cnpg.io/v1` Cluster: Services <name>-rw/-ro/-r (port 5432), instance pods
// <name>-1..N (the first one primary; owned by the Cluster, so they go with it) and the
// Cluster status. With a PostgreSQL address the pods map port 5432 to it
// (sandbox.boutique.dev/port-forward), so `kubectl port-forward svc/<name>-rw` reaches a real database.

#include "infra/sandbox/json.h"
#include "infra/sandbox/reconcile_loop.h"

#include <string>

namespace bc::sandbox {

class ClusterSimulator;
class ObjectStore;
class ResourceRegistry;

class CnpgController {
public:
    // postgresAddress: loopback HOST:PORT of a real PostgreSQL, or "" for none.
    CnpgController(ObjectStore &store, ResourceRegistry &registry, ClusterSimulator &simulator,
                   std::string postgresAddress);
    ~CnpgController();
    CnpgController(const CnpgController &) = delete;
    CnpgController &operator=(const CnpgController &) = delete;

    void start(); // reconciles every 200 ms on a background thread
    void stop();
    void reconcile(); // one pass

private:
    void reconcileCluster(const Json &cluster);
    void ensureService(const Json &cluster, const std::string &suffix, const std::string &role);
    void ensurePod(const Json &cluster, int index);
    void updateStatus(const Json &cluster, int instances);
    void removeOrphanedServices();
    Json ownerReference(const Json &cluster) const;

    ObjectStore &m_store;
    ResourceRegistry &m_registry;
    ClusterSimulator &m_simulator;
    std::string m_postgresAddress;
    ReconcileLoop m_loop; // last: stopped before the members its passes use go
};

} // namespace bc::sandbox
