#include "backend/deploy/deploy_job.h"

#include "backend/deploy/storefront_address.h"
#include "backend/kube/kube_client.h"

#include <algorithm>

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
    m_hasStorefront = std::any_of(objects.value().cbegin(), objects.value().cend(), [](const ManifestObject &o) {
        return o.kind == u"Service" && o.name == QLatin1String(StorefrontAddress::kService);
    });
    m_wiresCheckoutTap = ManifestSet::wiresCheckoutTap(objects.value());
    setPhase(Phase::Applying);
    m_client->apply(m_request.files, m_request.serverSide, [this](const Result<QString> &out) {
        if (m_cancelled)
            return;
        if (!out) {
            fail(out.error());
            return;
        }
        Q_EMIT applied(out.value());
        if (m_wiresCheckoutTap)
            wireCheckoutTap();
        else
            followRollout();
    });
}

void DeployJob::wireCheckoutTap()
{
    const QString assignment = u"%1=%2"_s.arg(QLatin1String(ManifestSet::kCheckoutVariable),
                                              QLatin1String(ManifestSet::kCheckoutTapAddress));
    // kubectl set env: a strategic merge patch of the container's env, hence a new frontend rollout.
    const QStringList args = m_target.namespacedArguments()
        << u"set"_s << u"env"_s << u"deployment/%1"_s.arg(QLatin1String(ManifestSet::kFrontendDeployment)) << assignment;
    m_client->run(args, std::chrono::seconds(60), [this](const Result<QByteArray> &out) {
        if (m_cancelled)
            return;
        if (!out) {
            Error error = out.error();
            error.message = u"The order log is deployed, but the frontend could not be pointed at its checkout tap: "_s
                + error.message;
            fail(error);
            return;
        }
        Q_EMIT applied(QString::fromUtf8(out.value()));
        followRollout();
    });
}

void DeployJob::followRollout()
{
    if (!m_request.wait || m_deployments.isEmpty()) {
        setPhase(Phase::Done);
        Q_EMIT finished(ok());
        return;
    }
    setPhase(Phase::WaitingForRollout);
    m_waiting.start();
    m_tracker = new RolloutTracker(m_context, m_target, m_deployments, this);
    m_tracker->setTimeout(m_request.timeout);
    m_tracker->setProblemGrace(m_request.problemGrace);
    connect(m_tracker, &RolloutTracker::progressChanged, this, &DeployJob::progressChanged);
    connect(m_tracker, &RolloutTracker::finished, this, [this](const Status &status) {
        if (status && m_hasStorefront && !(m_context && m_context->dryRun())) {
            waitForStorefront();
        } else if (status) {
            setPhase(Phase::Done);
            Q_EMIT finished(status);
        } else {
            fail(status.error());
        }
    });
    m_tracker->start();
}

void DeployJob::waitForStorefront()
{
    setPhase(Phase::WaitingForAddress);
    // One deadline for the rollout and the address together, with a moment left for the address.
    const auto left = std::max(std::chrono::milliseconds(m_request.timeout.count() - m_waiting.elapsed()),
                               std::chrono::milliseconds(std::chrono::seconds(5)));
    m_address = new StorefrontAddress(m_context, m_target, this);
    m_address->waitFor(left, [this](const Result<QString> &url) {
        if (!url && url.error().kind == Error::Kind::Invalid) { // not a LoadBalancer: no address to hand over
            setPhase(Phase::Done);
            Q_EMIT finished(ok());
            return;
        }
        if (!url) {
            fail(url.error());
            return;
        }
        m_storefrontUrl = url.value();
        setPhase(Phase::Done);
        Q_EMIT finished(ok());
    });
}

void DeployJob::cancel()
{
    if (m_address) {
        m_address->cancel();
        return;
    }
    if (m_tracker) {
        m_tracker->cancel();
        return;
    }
    m_cancelled = true;
    fail(Error{Error::Kind::Cancelled, u"Deploy cancelled."_s});
}

} // namespace bc
