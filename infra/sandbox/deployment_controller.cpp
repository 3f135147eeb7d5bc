#include "infra/sandbox/deployment_controller.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/cluster_state.h"
#include "infra/sandbox/controller_support.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/rollout_history.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

namespace bc::sandbox {

using namespace sim;

DeploymentController::DeploymentController(ClusterState &state) : m_state(state) {}

std::string DeploymentController::templateHash(const Json &tmpl)
{
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : tmpl.dump()) {
        h ^= c;
        h *= 1099511628211ull;
    }
    static const char *alnum = "bcdfghjklmnpqrstvwxz2456789";
    std::string s;
    for (int i = 0; i < 10; ++i) {
        s += alnum[h % 27];
        h /= 27;
    }
    return s;
}

void DeploymentController::reconcile(SimClock::time_point)
{
    const std::vector<SnapshotPtr> deployments = m_state.store().list(kDeployments);
    std::vector<Json> replicasets;
    for (const auto &s : m_state.store().list(kReplicaSets))
        replicasets.push_back(s->obj);
    for (const auto &d : deployments) {
        try {
            reconcileOne(d->obj, replicasets);
        } catch (const std::exception &) {
            // A malformed object must not stop the other deployments.
        }
    }
}

void DeploymentController::reconcileOne(const Json &d, std::vector<Json> &replicasets)
{
    if (terminating(d))
        return;
    const Json &md = d["metadata"];
    Rollout r{d, str(md, "namespace"), str(md, "name"), str(md, "uid"), intAt(d, "spec.replicas", 1), {}, nullptr, 0, 0};
    const Json &tmpl = d["spec"]["template"];
    const std::string hash = templateHash(tmpl);
    collectOwned(r, replicasets, hash);
    if (!r.newRs)
        r.newRs = rollout::matchingTemplate(r.owned, tmpl); // `rollout undo` brought an old template back
    r.revision = r.maxRevision;
    if (!r.newRs) {
        if (!createNewReplicaSet(r, replicasets, hash))
            return;
    } else {
        reviveOldTemplate(r);
    }
    scaleAndPrune(r);
    updateStatus(r);
}

void DeploymentController::collectOwned(Rollout &r, const std::vector<Json> &replicasets, const std::string &hash)
{
    for (const Json &rs : replicasets) {
        if (!isOwnedBy(rs, r.uid))
            continue;
        r.owned.push_back(&rs);
        const Json *rev = at(rs, "metadata.annotations");
        if (rev && rev->contains("deployment.kubernetes.io/revision"))
            r.maxRevision = std::max(r.maxRevision, std::atoll(str(*rev, "deployment.kubernetes.io/revision").c_str()));
        if (str(rs["metadata"]["labels"], "pod-template-hash") == hash)
            r.newRs = &rs;
    }
}

// A template no ReplicaSet has: a new ReplicaSet with the next revision, at the desired count.
bool DeploymentController::createNewReplicaSet(Rollout &r, std::vector<Json> &replicasets, const std::string &hash)
{
    const Json &d = r.deployment;
    Json rsTemplate = d["spec"]["template"];
    rsTemplate["metadata"]["labels"]["pod-template-hash"] = hash;
    Json selector = d["spec"]["selector"];
    selector["matchLabels"]["pod-template-hash"] = hash;
    r.revision = r.maxRevision + 1;
    const long long desired = r.desired;
    Json rs = {{"apiVersion", "apps/v1"},
               {"kind", "ReplicaSet"},
               {"metadata",
                {{"name", r.name + "-" + hash},
                 {"namespace", r.ns},
                 {"labels", rsTemplate["metadata"]["labels"]},
                 {"annotations",
                  {{"deployment.kubernetes.io/desired-replicas", std::to_string(desired)},
                   {"deployment.kubernetes.io/max-replicas", std::to_string(desired + (desired + 3) / 4)},
                   {"deployment.kubernetes.io/revision", std::to_string(r.revision)}}},
                 {"ownerReferences",
                  {{{"apiVersion", "apps/v1"},
                    {"kind", "Deployment"},
                    {"name", r.name},
                    {"uid", r.uid},
                    {"controller", true},
                    {"blockOwnerDeletion", true}}}}}},
               {"spec", {{"replicas", desired}, {"selector", selector}, {"template", rsTemplate}}},
               {"status", {{"replicas", 0}}}};
    try {
        const SnapshotPtr created = m_state.store().create(kReplicaSets, rs);
        replicasets.push_back(created->obj);
        r.newRs = &replicasets.back();
        // pointers into `replicasets` may have moved: rebuild `owned`
        r.owned.clear();
        for (const Json &x : replicasets)
            if (isOwnedBy(x, r.uid))
                r.owned.push_back(&x);
        m_state.recordEvent(d, "Normal", "ScalingReplicaSet",
                            "Scaled up replica set " + r.name + "-" + hash + " from 0 to " + std::to_string(desired),
                            "deployment-controller");
        return true;
    } catch (const ApiError &) {
        return false;
    }
}

void DeploymentController::reviveOldTemplate(Rollout &r)
{
    if ((r.revision = rollout::revisionOf(*r.newRs)) >= r.maxRevision)
        return;
    r.revision = r.maxRevision + 1; // an old template is the newest revision again
    const long long revision = r.revision;
    m_state.store().mutate(kReplicaSets, r.ns, str((*r.newRs)["metadata"], "name"),
                           [&](Json &o) { return rollout::setRevision(o, revision); });
}

void DeploymentController::scaleReplicaSet(const Rollout &r, const Json &rs, long long to)
{
    const long long from = intAt(rs, "spec.replicas", 1);
    if (from == to)
        return;
    m_state.store().mutate(kReplicaSets, r.ns, str(rs["metadata"], "name"), [&](Json &o) {
        o["spec"]["replicas"] = to;
        o["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] = std::to_string(r.desired);
        return true;
    });
    m_state.recordEvent(r.deployment, "Normal", "ScalingReplicaSet",
                        std::string("Scaled ") + (to > from ? "up" : "down") + " replica set "
                            + str(rs["metadata"], "name") + " from " + std::to_string(from) + " to " + std::to_string(to),
                        "deployment-controller");
}

// The new ReplicaSet to the desired count; old ones to 0 once the new one is available.
void DeploymentController::scaleAndPrune(const Rollout &r)
{
    const Json &d = r.deployment;
    const std::string newRsName = str((*r.newRs)["metadata"], "name");
    const long long newAvailable = intAt(*r.newRs, "status.availableReplicas");
    try {
        scaleReplicaSet(r, *r.newRs, r.desired);
        for (const Json *rs : r.owned)
            if (rs != r.newRs && str((*rs)["metadata"], "name") != newRsName
                && (newAvailable >= r.desired || str(d["spec"]["strategy"], "type") == "Recreate"))
                scaleReplicaSet(r, *rs, 0);
        for (const std::string &old :
             rollout::beyondHistoryLimit(r.owned, r.newRs, intAt(d, "spec.revisionHistoryLimit", 10)))
            m_state.store().remove(kReplicaSets, r.ns, old);
    } catch (const ApiError &) {
    }
}

void DeploymentController::updateStatus(const Rollout &r)
{
    const std::string newRsName = str((*r.newRs)["metadata"], "name");
    const long long desired = r.desired;
    long long replicas = 0, ready = 0, available = 0, updated = 0;
    for (const Json *rs : r.owned) {
        replicas += intAt(*rs, "status.replicas");
        ready += intAt(*rs, "status.readyReplicas");
        available += intAt(*rs, "status.availableReplicas");
        if (str((*rs)["metadata"], "name") == newRsName)
            updated = intAt(*rs, "status.replicas");
    }
    const long long maxUnavailable = desired / 4;
    const bool isAvailable = available >= desired - maxUnavailable;
    const bool complete = updated == desired && replicas == desired && available == desired;
    const std::string now = timeNow();
    try {
        m_state.store().mutate(kDeployments, r.ns, r.name, [&](Json &o) {
            Json &st = o["status"];
            if (!st.is_object())
                st = Json::object();
            st["observedGeneration"] = intAt(o, "metadata.generation", 1);
            st["replicas"] = replicas;
            st["updatedReplicas"] = updated;
            st["readyReplicas"] = ready;
            st["availableReplicas"] = available;
            if (desired - available > 0)
                st["unavailableReplicas"] = desired - available;
            else
                st.erase("unavailableReplicas");
            for (const char *f : {"replicas", "updatedReplicas", "readyReplicas", "availableReplicas"})
                if (st[f] == 0)
                    st.erase(f);
            Json avail = condition("Available", isAvailable, now,
                                   isAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                                   isAvailable ? "Deployment has minimum availability."
                                               : "Deployment does not have minimum availability.");
            Json prog = condition("Progressing", true, now, complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                                  complete ? "ReplicaSet \"" + newRsName + "\" has successfully progressed."
                                           : "ReplicaSet \"" + newRsName + "\" is progressing.");
            avail.erase("lastProbeTime");
            prog.erase("lastProbeTime");
            avail["lastUpdateTime"] = now;
            prog["lastUpdateTime"] = now;
            setConditions(st, {avail, prog});
            o["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = std::to_string(r.revision);
            return true;
        });
    } catch (const ApiError &) {
    }
}

} // namespace bc::sandbox
