#include "infra/sandbox/replicaset_controller.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/cluster_state.h"
#include "infra/sandbox/controller_support.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/pod_lifecycle.h"

#include <algorithm>
#include <map>

namespace bc::sandbox {

using namespace sim;

ReplicaSetController::ReplicaSetController(ClusterState &state, PodLifecycle &kubelet)
    : m_state(state), m_kubelet(kubelet)
{
}

void ReplicaSetController::reconcile(SimClock::time_point)
{
    const std::vector<SnapshotPtr> replicasets = m_state.store().list(kReplicaSets);
    const std::vector<SnapshotPtr> pods = m_state.store().list(kPods);
    std::map<std::string, std::vector<const Json *>> byOwner;
    for (const auto &ps : pods) {
        const Json &p = ps->obj;
        const Json *refs = at(p, "metadata.ownerReferences");
        if (refs && refs->is_array())
            for (const auto &r : *refs)
                byOwner[str(r, "uid")].push_back(&p);
    }
    for (const auto &rs : replicasets) {
        try {
            reconcileOne(rs->obj, byOwner[str(rs->obj["metadata"], "uid")]);
        } catch (const std::exception &) {
            // A malformed object must not stop the other replica sets.
        }
    }
}

void ReplicaSetController::reconcileOne(const Json &rs, const std::vector<const Json *> &pods)
{
    if (terminating(rs))
        return;
    const long long desired = intAt(rs, "spec.replicas", 1);
    std::vector<const Json *> active;
    for (const Json *p : pods)
        if (!terminating(*p))
            active.push_back(p);
    const long long have = static_cast<long long>(active.size());
    try {
        for (long long i = have; i < desired; ++i)
            createPod(rs);
        if (have > desired)
            deleteSurplus(rs, active, have - desired);
    } catch (const ApiError &) {
    }
    updateStatus(rs, active);
}

void ReplicaSetController::createPod(const Json &rs)
{
    const Json &md = rs["metadata"];
    const Json &tmpl = rs["spec"]["template"];
    Json pod = {{"apiVersion", "v1"}, {"kind", "Pod"}};
    pod["metadata"] = tmpl.contains("metadata") ? tmpl["metadata"] : Json::object();
    pod["metadata"]["name"] = str(md, "name") + "-" + randomSuffix(5);
    pod["metadata"]["generateName"] = str(md, "name") + "-";
    pod["metadata"]["namespace"] = str(md, "namespace");
    pod["metadata"]["ownerReferences"] = {{{"apiVersion", "apps/v1"},
                                           {"kind", "ReplicaSet"},
                                           {"name", str(md, "name")},
                                           {"uid", str(md, "uid")},
                                           {"controller", true},
                                           {"blockOwnerDeletion", true}}};
    pod["spec"] = tmpl["spec"];
    PodLifecycle::admit(pod);
    const SnapshotPtr created = m_state.store().create(kPods, pod);
    m_state.recordEvent(rs, "Normal", "SuccessfulCreate", "Created pod: " + str(created->obj["metadata"], "name"),
                        "replicaset-controller");
}

// Unscheduled first, then not ready, then the newest.
void ReplicaSetController::deleteSurplus(const Json &rs, std::vector<const Json *> active, long long surplus)
{
    std::sort(active.begin(), active.end(), [](const Json *a, const Json *b) {
        const bool sa = !str((*a)["spec"], "nodeName").empty();
        const bool sb = !str((*b)["spec"], "nodeName").empty();
        if (sa != sb)
            return !sa;
        const bool ra = podReady(*a), rb = podReady(*b);
        if (ra != rb)
            return !ra;
        return str((*a)["metadata"], "creationTimestamp") > str((*b)["metadata"], "creationTimestamp");
    });
    const std::string ns = str(rs["metadata"], "namespace");
    for (long long i = 0; i < surplus; ++i) {
        const std::string pod = str((*active[i])["metadata"], "name");
        m_kubelet.deletePod(ns, pod, -1);
        m_state.recordEvent(rs, "Normal", "SuccessfulDelete", "Deleted pod: " + pod, "replicaset-controller");
    }
}

void ReplicaSetController::updateStatus(const Json &rs, const std::vector<const Json *> &active)
{
    // Pods created in this pass show up in the next one.
    const long long replicas = static_cast<long long>(active.size());
    long long ready = 0;
    for (const Json *p : active)
        if (podReady(*p))
            ++ready;
    try {
        m_state.store().mutate(kReplicaSets, str(rs["metadata"], "namespace"), str(rs["metadata"], "name"), [&](Json &o) {
            Json st = {{"replicas", replicas},
                       {"fullyLabeledReplicas", replicas},
                       {"readyReplicas", ready},
                       {"availableReplicas", ready},
                       {"observedGeneration", intAt(o, "metadata.generation", 1)}};
            for (const char *f : {"fullyLabeledReplicas", "readyReplicas", "availableReplicas"})
                if (st[f] == 0)
                    st.erase(f);
            o["status"] = st;
            return true;
        });
    } catch (const ApiError &) {
    }
}

} // namespace bc::sandbox
