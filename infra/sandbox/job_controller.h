#pragma once

#include "infra/sandbox/json.h"
#include "infra/sandbox/object_store.h"

#include <functional>
#include <string>
#include <vector>

namespace bc::sandbox {

// batch/v1 Job, as kube-controller-manager's job controller runs it for the NonIndexed mode that
// `kubectl create job` makes: pods from spec.template up to spec.parallelism until
// spec.completions of them succeeded (Complete), or more than spec.backoffLimit failed (Failed).
// The pods' containers run as the kubelet model says (container_runtime.h): a command that exits
// ends the pod, since restartPolicy is Never or OnFailure.
class JobController {
public:
    struct Hooks {
        // The pod admission of the API server (defaults), then the store does the rest.
        std::function<void(Json &pod)> admitPod;
        std::function<void(const Json &involved, const std::string &type, const std::string &reason,
                           const std::string &message)>
            event;
    };

    JobController(ObjectStore &store, Hooks hooks);

    // API server defaults and validation on create: completions, parallelism, backoffLimit,
    // the job-name labels; a restartPolicy other than Never/OnFailure is 422.
    static void admit(Json &job);

    void reconcile(); // one pass over every Job

private:
    void reconcileJob(const Json &job, const std::vector<const Json *> &pods);
    void createPod(const Json &job);

    ObjectStore &m_store;
    Hooks m_hooks;
};

} // namespace bc::sandbox
