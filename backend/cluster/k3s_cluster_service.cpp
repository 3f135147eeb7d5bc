#include "backend/cluster/k3s_cluster_service.h"

#include "backend/cluster/k3s_inventory.h"
#include "backend/cluster/profile_validator.h"
#include "backend/cluster/provisioning_job.h"
#include "backend/cluster/terraform_work_copy.h"
#include "backend/process/run_context.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

#include <memory>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

constexpr int kPlaybookTasksEstimate = 16; // tasks in infra/k3s/ansible/playbook.yml for a small cluster

ProvisioningJob::Step playbookStep(QString title, Command command, double weight)
{
    auto tasks = std::make_shared<int>(0);
    ProvisioningJob::Step step {std::move(title), std::move(command), weight};
    step.parseLine
        = [tasks](const QString &line, bool isStderr) -> std::optional<ProvisioningJob::LineProgress> {
        if (isStderr)
            return std::nullopt;
        // "PLAY [Join the workers] ****", "TASK [Install the k3s agent] ****"
        if (line.startsWith(u"TASK [") || line.startsWith(u"PLAY [")) {
            const bool isTask = line.startsWith(u"TASK");
            *tasks += isTask ? 1 : 0;
            const QString name = line.section(u'[', 1).section(u']', 0, 0);
            return ProvisioningJob::LineProgress {
                name, std::min(0.95, double(*tasks) / kPlaybookTasksEstimate), false};
        }
        if (line.startsWith(u"fatal:") || line.startsWith(u"failed:"))
            return ProvisioningJob::LineProgress {line.left(200), -1.0, true};
        return std::nullopt;
    };
    return step;
}

} // namespace

K3sClusterService::K3sClusterService(RunContext *context, QObject *parent)
    : ClusterService(context, parent)
    , m_context(context)
{
}

QString K3sClusterService::locateInfraDir()
{
    return locateShippedInfra(u"k3s"_s);
}

QString K3sClusterService::workDirFor(const QString &profileName)
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/clusters/"_s + profileName;
}

K3sPaths K3sClusterService::defaultPaths(const QString &profileName)
{
    return K3sPaths {locateInfraDir(), workDirFor(profileName)};
}

Status K3sClusterService::check(const K3sSettings &settings, const K3sPaths &paths) const
{
    if (job()->isRunning())
        return Error {Error::Kind::Invalid, u"Another cluster operation is still running."_s};
    ClusterProfile profile {.name = u"k3s"_s, .kind = ClusterKind::K3s, .k3s = settings};
    if (Status valid = ProfileValidator::validate(profile); !valid)
        return valid;
    if (paths.infraDir.isEmpty() || !QFileInfo::exists(paths.playbook()))
        return Error {Error::Kind::NotFound,
            u"infra-dir: the k3s Terraform and Ansible files (infra/k3s) were not "
            u"found; set BC_INFRA_DIR or pass --infra-dir."_s};
    if (paths.workDir.isEmpty())
        return Error {Error::Kind::Invalid, u"work-dir: no working directory for the Terraform state."_s};
    return ok();
}

Status K3sClusterService::prepareWorkDir(const K3sPaths &paths) const
{
    return TerraformWorkCopy::refresh(paths.infraDir, paths.workDir);
}

Status K3sClusterService::create(const K3sSettings &settings, const K3sPaths &paths)
{
    if (Status s = check(settings, paths); !s)
        return s;
    const bool dryRun = m_context && m_context->dryRun();
    if (!dryRun) {
        if (Status s = prepareWorkDir(paths); !s)
            return s;
    }
    const K3sCommandBuilder builder(settings, paths);
    ProvisioningJob::Step output {u"Reading the VM addresses"_s, builder.output(), 0.2};
    output.onSucceeded
        = [paths, user = settings.sshUser, key = builder.privateKeyPath()](const CommandResult &r) -> Status {
        if (r.dryRun)
            return ok();
        const auto inventory = K3sInventory::fromTerraformOutput(r.stdoutData, user, key);
        if (!inventory)
            return inventory.error();
        QSaveFile file(paths.inventory());
        if (!file.open(QIODevice::WriteOnly))
            return Error {
                Error::Kind::Failed, u"Cannot write %1: %2"_s.arg(paths.inventory(), file.errorString())};
        file.write(inventory.value().toUtf8());
        if (!file.commit())
            return Error {
                Error::Kind::Failed, u"Cannot write %1: %2"_s.arg(paths.inventory(), file.errorString())};
        return ok();
    };
    job()->start({
        ProvisioningJob::Step {u"Preparing Terraform"_s, builder.init(), 0.5},
        ProvisioningJob::terraformStep(u"Creating the VMs (terraform apply)"_s, builder.apply(), 4),
        output,
        playbookStep(u"Installing k3s (ansible-playbook)"_s, builder.playbook(), 4),
    });
    return ok();
}

Status K3sClusterService::destroy(const K3sSettings &settings, const K3sPaths &paths)
{
    if (Status s = check(settings, paths); !s)
        return s;
    const bool dryRun = m_context && m_context->dryRun();
    if (!dryRun && !QFileInfo::exists(paths.terraformDir() + u"/terraform.tfstate"_s))
        return Error {Error::Kind::NotFound,
            u"There is no Terraform state in %1: nothing to destroy for this "
            u"profile."_s.arg(paths.terraformDir())};
    if (!dryRun) {
        if (Status s = prepareWorkDir(paths); !s)
            return s;
    }
    const K3sCommandBuilder builder(settings, paths);
    job()->start({
        ProvisioningJob::Step {u"Preparing Terraform"_s, builder.init(), 0.5},
        ProvisioningJob::terraformStep(u"Deleting the VMs (terraform destroy)"_s, builder.destroy(), 4),
    });
    return ok();
}

Status K3sClusterService::run(Operation operation, const ClusterProfile &profile)
{
    switch (operation) {
    case Operation::Create: return create(profile.k3s, defaultPaths(profile.name));
    case Operation::Remove: return destroy(profile.k3s, defaultPaths(profile.name));
    case Operation::Credentials: break;
    }
    return Error {Error::Kind::Invalid, u"A k3s cluster has no separate credentials step: creating it fetches the kubeconfig."_s};
}

KubeTarget K3sClusterService::readyTarget(const ClusterProfile &profile) const
{
    return KubeTarget {defaultPaths(profile.name).kubeconfig(), {}};
}

} // namespace bc
