#include "backend/cluster/gke_cluster_service.h"

#include "backend/cluster/gcloud_progress_parser.h"
#include "backend/cluster/gke_command_builder.h"
#include "backend/cluster/profile_validator.h"
#include "backend/cluster/provisioning_job.h"

#include <memory>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

enum Operation { kCreate, kCredentials, kDelete };

ProvisioningJob::Step gcloudStep(
    QString title, Command command, double weight, GcloudProgressParser::Operation op)
{
    auto parser = std::make_shared<GcloudProgressParser>(op);
    ProvisioningJob::Step step {std::move(title), std::move(command), weight};
    step.parseLine
        = [parser](const QString &line, bool isStderr) -> std::optional<ProvisioningJob::LineProgress> {
        if (!isStderr)
            return std::nullopt;
        const auto s = parser->feed(line);
        if (!s)
            return std::nullopt;
        return ProvisioningJob::LineProgress {s->phase, s->fraction, s->isError};
    };
    return step;
}

} // namespace

GkeClusterService::GkeClusterService(RunContext *context, QObject *parent)
    : ClusterService(context, parent)
{
}

Status GkeClusterService::create(const GkeSettings &settings)
{
    return begin(settings, kCreate);
}

Status GkeClusterService::fetchCredentials(const GkeSettings &settings)
{
    return begin(settings, kCredentials);
}

Status GkeClusterService::remove(const GkeSettings &settings)
{
    return begin(settings, kDelete);
}

Status GkeClusterService::begin(const GkeSettings &settings, int operation)
{
    if (job()->isRunning())
        return Error {Error::Kind::Invalid, u"Another cluster operation is still running."_s};
    ClusterProfile profile {.name = u"gke"_s, .kind = ClusterKind::Gke, .gke = settings};
    if (Status valid = ProfileValidator::validate(profile); !valid)
        return valid;

    const GkeCommandBuilder builder(settings);
    using Op = GcloudProgressParser::Operation;
    QList<ProvisioningJob::Step> steps;
    switch (operation) {
    case kCreate: {
        auto create = gcloudStep(
            u"Creating GKE cluster %1"_s.arg(settings.clusterName), builder.create(), 10, Op::Create);
        create.describeFailure = [](const CommandResult &r) {
            Error e = r.toError();
            if (r.outcome == CommandResult::Outcome::Cancelled
                || r.outcome == CommandResult::Outcome::TimedOut)
                e.message += u" GKE may still finish creating the cluster: check the console and delete it "
                             u"if you do not want it (it is billed)."_s;
            return e;
        };
        steps << create;
        steps << gcloudStep(
            u"Fetching cluster credentials"_s, builder.getCredentials(), 1, Op::GetCredentials);
        break;
    }
    case kCredentials:
        steps << gcloudStep(
            u"Fetching cluster credentials"_s, builder.getCredentials(), 1, Op::GetCredentials);
        break;
    case kDelete:
        steps << gcloudStep(
            u"Deleting GKE cluster %1"_s.arg(settings.clusterName), builder.remove(), 1, Op::Delete);
        break;
    }
    job()->start(steps);
    return ok();
}

Status GkeClusterService::run(Operation operation, const ClusterProfile &profile)
{
    switch (operation) {
    case Operation::Create: return create(profile.gke);
    case Operation::Credentials: return fetchCredentials(profile.gke);
    case Operation::Remove: return remove(profile.gke);
    }
    return Error {Error::Kind::Invalid, u"Unknown GKE operation."_s};
}

KubeTarget GkeClusterService::readyTarget(const ClusterProfile &profile) const
{
    return KubeTarget {profile.kubeconfig, GkeCommandBuilder(profile.gke).contextName()};
}

} // namespace bc
