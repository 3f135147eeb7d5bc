#pragma once

#include "backend/cluster/cluster_profile.h"
#include "backend/cluster/cluster_progress.h"
#include "backend/core/result.h"

#include <QObject>

namespace bc {

class ProvisioningJob;
class RunContext;

// Creates, connects to and deletes a GKE Standard cluster through gcloud. Each call validates the
// settings first (no process starts on bad input), then runs its steps as one ProvisioningJob.
class GkeClusterService : public QObject
{
    Q_OBJECT
public:
    explicit GkeClusterService(RunContext *context, QObject *parent = nullptr);

    // Returns an Invalid error at once for bad settings, or when a job is already running; otherwise
    // the job has started and finished() follows.
    Status create(const GkeSettings &settings); // clusters create, then get-credentials
    Status fetchCredentials(const GkeSettings &settings); // get-credentials
    Status remove(const GkeSettings &settings); // clusters delete --quiet
    void cancel();
    bool isRunning() const;

Q_SIGNALS:
    void stepStarted(const QString &title, const QString &displayLine);
    void progress(const bc::ClusterProgress &progress);
    void outputLine(const QString &line, bool isStderr);
    void finished(const bc::Status &status);

private:
    Status begin(const GkeSettings &settings, int operation);

    ProvisioningJob *m_job;
};

} // namespace bc
