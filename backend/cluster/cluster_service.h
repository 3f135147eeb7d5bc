#pragma once

#include "backend/cluster/cluster_profile.h"
#include "backend/cluster/cluster_progress.h"
#include "backend/core/result.h"
#include "backend/kube/kube_target.h"

#include <QObject>

namespace bc {

class ProvisioningJob;
class RunContext;

// What every cluster target's service reports while it provisions or tears down: the panel connects
// to these once, whatever the target, and starts every operation through run(). Subclasses add their
// own typed create/delete calls and run their steps through job(); only one job runs at a time per service.
class ClusterService : public QObject
{
    Q_OBJECT
public:
    enum class Operation { Create, Credentials, Remove };

    ~ClusterService() override = 0;

    void cancel();
    bool isRunning() const;

    // Starts `operation` for the profile (of this service's kind); an Invalid error at once when the
    // target has no such operation (k3s has no Credentials), the settings are bad or a job runs.
    virtual Status run(Operation operation, const ClusterProfile &profile) = 0;
    // Where kubectl reaches the profile's cluster once Create or Credentials has finished.
    virtual KubeTarget readyTarget(const ClusterProfile &profile) const = 0;

Q_SIGNALS:
    void stepStarted(const QString &title, const QString &displayLine);
    void progress(const bc::ClusterProgress &progress);
    void outputLine(const QString &line, bool isStderr);
    void finished(const bc::Status &status);

protected:
    explicit ClusterService(RunContext *context, QObject *parent = nullptr);
    ProvisioningJob *job() const { return m_job; }

private:
    ProvisioningJob *m_job;
};

} // namespace bc
