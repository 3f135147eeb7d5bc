#pragma once

#include "infra/sandbox/json.h"

#include <string>
#include <vector>

namespace bc::sandbox::rollout {

// The deployment controller's bookkeeping of old ReplicaSets, as kube-controller-manager keeps it:
// every template a Deployment had is a ReplicaSet with a `deployment.kubernetes.io/revision`
// annotation; old ones stay at 0 replicas (what `kubectl rollout history` lists and `rollout undo`
// copies back) until there are more than spec.revisionHistoryLimit (default 10) of them.

constexpr const char *kRevision = "deployment.kubernetes.io/revision";
constexpr const char *kRevisionHistory = "deployment.kubernetes.io/revision-history";

long long revisionOf(const Json &rs);

// The owned ReplicaSet whose pod template equals the Deployment's, ignoring the pod-template-hash
// label and the order of keys (`rollout undo` patches the template back from an old ReplicaSet).
const Json *matchingTemplate(const std::vector<const Json *> &owned, const Json &deploymentTemplate);

// Gives `rs` the revision `revision`, remembering its earlier ones in revision-history, as the
// controller does when an old template becomes the current one again. True when it changed.
bool setRevision(Json &rs, long long revision);

// Names of the old ReplicaSets to delete: scaled to 0 and drained, the oldest revisions beyond
// `historyLimit`.
std::vector<std::string> beyondHistoryLimit(const std::vector<const Json *> &owned, const Json *current,
                                            long long historyLimit);

} // namespace bc::sandbox::rollout
