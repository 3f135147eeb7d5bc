#pragma once

#include "backend/cluster/cluster_profile.h"
#include "backend/cluster/cluster_service.h"
#include "backend/core/result.h"

namespace bc {

class RunContext;

// Creates, connects to and deletes a GKE Standard cluster through gcloud. Each call validates the
// settings first (no process starts on bad input), then runs its steps as one ProvisioningJob.
class GkeClusterService : public ClusterService
{
    Q_OBJECT
public:
    explicit GkeClusterService(RunContext *context, QObject *parent = nullptr);

    // Returns an Invalid error at once for bad settings, or when a job is already running; otherwise
    // the job has started and finished() follows.
    Status create(const GkeSettings &settings); // clusters create, then get-credentials
    Status fetchCredentials(const GkeSettings &settings); // get-credentials
    Status remove(const GkeSettings &settings); // clusters delete --quiet

    Status run(Operation operation, const ClusterProfile &profile) override;
    KubeTarget readyTarget(const ClusterProfile &profile) const override; // the gke_... context

private:
    Status begin(const GkeSettings &settings, int operation);

};

} // namespace bc
