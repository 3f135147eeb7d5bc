#include "backend/deploy/deploy_job.h"

#include "backend/kube/kube_client.h"

using namespace Qt::StringLiterals;

namespace bc {

DeployJob::DeployJob(RunContext *context, KubeTarget target, DeployRequest request, QObject *parent)
    : QObject(parent), m_context(context), m_target(std::move(target)), m_request(std::move(request)),
      m_client(new KubeClient(context, m_target, this))
{
}

void DeployJob::setPhase(Phase phase)
{
    m_phase = phase;
    Q_EMIT phaseChanged(phase);
}

void DeployJob::fail(const Error &error)
{
    setPhase(Phase::Failed);
    Q_EMIT finished(error);
}

void DeployJob::start()
{
    setPhase(Phase::Checking);
    const auto objects = ManifestSet::inspectAll(m_request.files);
    if (!objects) {
        // Report asynchronously, like every other outcome, so callers have one code path.
        QMetaObject::invokeMethod(this, [this, error = objects.error()] { fail(error); }, Qt::QueuedConnection);
        return;
    }
    m_deployments = ManifestSet::deploymentNames(objects.value());
    setPhase(Phase::Applying);
    m_client->apply(m_request.files, m_request.serverSide, [this](const Result<QString> &out) {
        if (m_cancelled)
            return;
        if (!out) {
            fail(out.error());
            return;
        }
        Q_EMIT applied(out.value());
        if (!m_request.wait || m_deployments.isEmpty()) {
            setPhase(Phase::Done);
            Q_EMIT finished(ok());
            return;
        }
        setPhase(Phase::WaitingForRollout);
        m_tracker = new RolloutTracker(m_context, m_target, m_deployments, this);
        m_tracker->setTimeout(m_request.timeout);
        m_tracker->setProblemGrace(m_request.problemGrace);
        connect(m_tracker, &RolloutTracker::progressChanged, this, &DeployJob::progressChanged);
        connect(m_tracker, &RolloutTracker::finished, this, [this](const Status &status) {
            if (status) {
                setPhase(Phase::Done);
                Q_EMIT finished(status);
            } else {
                fail(status.error());
            }
        });
        m_tracker->start();
    });
}

void DeployJob::cancel()
{
    if (m_tracker) {
        m_tracker->cancel();
        return;
    }
    m_cancelled = true;
    fail(Error{Error::Kind::Cancelled, u"Deploy cancelled."_s});
}

} // namespace bc
