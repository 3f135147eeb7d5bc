#pragma once

#include "backend/cluster/cluster_progress.h"
#include "backend/core/result.h"

#include <QObject>

namespace bc {

class ProvisioningJob;
class RunContext;

// What every cluster target's service reports while it provisions or tears down: the panel connects
// to these once, whatever the target. Subclasses add their own create/delete calls and run their
// steps through job(); only one job runs at a time per service.
class ClusterService : public QObject
{
    Q_OBJECT
public:
    ~ClusterService() override = 0;

    void cancel();
    bool isRunning() const;

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
