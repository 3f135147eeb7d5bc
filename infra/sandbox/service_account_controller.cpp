#include "infra/sandbox/service_account_controller.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/cluster_state.h"
#include "infra/sandbox/controller_support.h"
#include "infra/sandbox/object_store.h"

#include <string>

namespace bc::sandbox {

ServiceAccountController::ServiceAccountController(ClusterState &state) : m_state(state) {}

void ServiceAccountController::reconcile(SimClock::time_point)
{
    ObjectStore &store = m_state.store();
    for (const auto &ns : store.list("namespaces")) {
        const std::string name = str(ns->obj["metadata"], "name");
        if (!sim::terminating(ns->obj) && !store.get("serviceaccounts", name, "default")) {
            try {
                store.create("serviceaccounts", {{"apiVersion", "v1"},
                                                 {"kind", "ServiceAccount"},
                                                 {"metadata", {{"name", "default"}, {"namespace", name}}}});
            } catch (const ApiError &) {
            }
        }
    }
}

} // namespace bc::sandbox
