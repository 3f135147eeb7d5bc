#pragma once

// The deployment controller: one ReplicaSet per pod template (named by its pod-template-hash, with a
// revision), scaled to spec.replicas; old ones scaled to 0 once the new one is available (at once for
// Recreate) and pruned beyond revisionHistoryLimit; the Deployment's status sums its ReplicaSets'.

#include "infra/sandbox/controller.h"
#include "infra/sandbox/json.h"

#include <string>
#include <vector>

namespace bc::sandbox {

class ClusterState;

class DeploymentController final : public Controller {
public:
    explicit DeploymentController(ClusterState &state);

    void reconcile(SimClock::time_point now) override;

    // The pod-template-hash a Deployment puts on its ReplicaSet (FNV-1a of the template, "safe" alphabet).
    static std::string templateHash(const Json &tmpl);

private:
    // One Deployment's rollout as this pass sees it. Pointers are into the pass's list of ReplicaSets.
    struct Rollout {
        const Json &deployment;
        std::string ns, name, uid;
        long long desired = 1;
        std::vector<const Json *> owned;
        const Json *newRs = nullptr;
        long long maxRevision = 0;
        long long revision = 0;
    };

    void reconcileOne(const Json &deployment, std::vector<Json> &replicasets);
    static void collectOwned(Rollout &r, const std::vector<Json> &replicasets, const std::string &hash);
    bool createNewReplicaSet(Rollout &r, std::vector<Json> &replicasets, const std::string &hash);
    void reviveOldTemplate(Rollout &r);
    void scaleReplicaSet(const Rollout &r, const Json &rs, long long to);
    void scaleAndPrune(const Rollout &r);
    void updateStatus(const Rollout &r);

    ClusterState &m_state;
};

} // namespace bc::sandbox
