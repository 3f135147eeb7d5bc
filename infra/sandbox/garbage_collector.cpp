#include "infra/sandbox/garbage_collector.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/cluster_state.h"
#include "infra/sandbox/controller_support.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/pod_lifecycle.h"

#include <string>

namespace bc::sandbox {

using namespace sim;

GarbageCollector::GarbageCollector(ClusterState &state, PodLifecycle &kubelet) : m_state(state), m_kubelet(kubelet) {}

void GarbageCollector::reconcile(SimClock::time_point)
{
    for (const char *key : {kReplicaSets, kPods}) {
        for (const auto &snap : m_state.store().list(key)) {
            const Json *refs = at(snap->obj, "metadata.ownerReferences");
            if (!refs || !refs->is_array() || refs->empty())
                continue;
            bool orphan = true;
            for (const auto &r : *refs)
                if (m_state.store().uidExists(str(r, "uid")))
                    orphan = false;
            if (!orphan)
                continue;
            const std::string ns = str(snap->obj["metadata"], "namespace");
            const std::string name = str(snap->obj["metadata"], "name");
            try {
                if (std::string(key) == kPods) {
                    if (!terminating(snap->obj)) {
                        // Background propagation: the garbage collector deletes with the pod's grace.
                        m_kubelet.deletePod(ns, name, -1);
                    }
                } else {
                    m_state.store().remove(key, ns, name);
                }
            } catch (const ApiError &) {
            }
        }
    }
}

} // namespace bc::sandbox
