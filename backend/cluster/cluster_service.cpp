#include "backend/cluster/cluster_service.h"
#include "backend/cluster/provisioning_job.h"

namespace bc {

ClusterService::ClusterService(RunContext *context, QObject *parent)
    : QObject(parent)
    , m_job(new ProvisioningJob(context, this))
{
    connect(m_job, &ProvisioningJob::stepStarted, this,
        [this](int, const QString &title, const QString &line) { Q_EMIT stepStarted(title, line); });
    connect(m_job, &ProvisioningJob::progress, this, &ClusterService::progress);
    connect(m_job, &ProvisioningJob::outputLine, this, &ClusterService::outputLine);
    connect(m_job, &ProvisioningJob::finished, this, &ClusterService::finished);
}

ClusterService::~ClusterService() = default;

void ClusterService::cancel()
{
    m_job->cancel();
}

bool ClusterService::isRunning() const
{
    return m_job->isRunning();
}

} // namespace bc
