#pragma once

#include "infra/sandbox/json.h"

#include <vector>

namespace bc::sandbox {

class ObjectStore;
class ResourceRegistry;

// Registers a stored CustomResourceDefinition's kinds and marks it Established.
void activateCrd(ObjectStore &store, ResourceRegistry &registry, const Json &crd);
// Unserves the kinds of a CRD and drops every custom object of it.
void deactivateCrd(ObjectStore &store, ResourceRegistry &registry, const std::string &crdName);
// CNPG (postgresql.cnpg.io Cluster, ScheduledBackup, Backup) and Istio (networking.istio.io
// VirtualService, DestinationRule) definitions for --with-crds.
std::vector<Json> bundledCrds();

} // namespace bc::sandbox
