#include "backend/loadgen/loadgen_service.h"

#include "backend/cluster/provisioning_job.h"
#include "backend/cluster/terraform_work_copy.h"
#include "backend/process/run_context.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

#include <memory>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

// "TASK [Locust worker-0-0 started] ****" lines move the bar; "fatal:" lines name the failure.
ProvisioningJob::Step playbookStep(QString title, Command command, double weight)
{
    auto tasks = std::make_shared<int>(0);
    auto lastFatal = std::make_shared<QString>();
    ProvisioningJob::Step step {std::move(title), std::move(command), weight};
    step.parseLine = [tasks, lastFatal](
                         const QString &line, bool isStderr) -> std::optional<ProvisioningJob::LineProgress> {
        if (isStderr)
            return std::nullopt;
        if (line.startsWith(u"TASK [") || line.startsWith(u"PLAY [")) {
            const bool isTask = line.startsWith(u"TASK");
            *tasks += isTask ? 1 : 0;
            const QString name = line.section(u'[', 1).section(u']', 0, 0);
            return ProvisioningJob::LineProgress {isTask ? u"%1 (task %2)"_s.arg(name).arg(*tasks) : name,
                std::min(0.95, double(*tasks) / LoadgenService::kPlaybookTasksEstimate), false};
        }
        if (line.startsWith(u"fatal:") || line.startsWith(u"failed:")) {
            *lastFatal = line.left(300);
            return ProvisioningJob::LineProgress {line.left(200), -1.0, true};
        }
        return std::nullopt;
    };
    step.describeFailure = [lastFatal](const CommandResult &r) {
        Error e = r.toError();
        if (!lastFatal->isEmpty())
            e.message = u"ansible-playbook: %1"_s.arg(*lastFatal);
        return e;
    };
    return step;
}

Status writeFile(const QString &path, const QByteArray &data, QFileDevice::Permissions permissions)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error {Error::Kind::Failed, u"Cannot write %1: %2"_s.arg(path, file.errorString())};
    file.write(data);
    if (!file.commit())
        return Error {Error::Kind::Failed, u"Cannot write %1: %2"_s.arg(path, file.errorString())};
    QFile::setPermissions(path, permissions);
    return ok();
}

constexpr auto kPrivate = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

} // namespace

LoadgenService::LoadgenService(RunContext *context, QObject *parent)
    : QObject(parent)
    , m_context(context)
    , m_job(new ProvisioningJob(context, this))
{
    connect(m_job, &ProvisioningJob::stepStarted, this,
        [this](int, const QString &title, const QString &line) { Q_EMIT stepStarted(title, line); });
    connect(m_job, &ProvisioningJob::progress, this, &LoadgenService::progress);
    connect(m_job, &ProvisioningJob::outputLine, this, &LoadgenService::outputLine);
    connect(m_job, &ProvisioningJob::finished, this, &LoadgenService::finished);
}

QString LoadgenService::locateInfraDir()
{
    return locateShippedInfra(u"loadgen"_s);
}

QString LoadgenService::defaultWorkDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/loadgen"_s;
}

LoadgenPaths LoadgenService::defaultPaths()
{
    return LoadgenPaths {locateInfraDir(), defaultWorkDir()};
}

bool LoadgenService::isUp(const LoadgenPaths &paths)
{
    return QFileInfo::exists(paths.hostsFile()) || QFileInfo::exists(paths.stateFile());
}

Result<LoadgenHosts> LoadgenService::readHosts(const LoadgenPaths &paths)
{
    QFile file(paths.hostsFile());
    if (!file.open(QIODevice::ReadOnly))
        return Error {Error::Kind::NotFound,
            u"No load generator is up (no %1): run `boutique-control loadgen up` first."_s.arg(
                paths.hostsFile())};
    return LoadgenHosts::fromJson(file.readAll());
}

void LoadgenService::cancel()
{
    m_job->cancel();
}

bool LoadgenService::isRunning() const
{
    return m_job->isRunning();
}

Status LoadgenService::check(const LoadgenProfile &profile, const LoadgenPaths &paths) const
{
    if (m_job->isRunning())
        return Error {Error::Kind::Invalid, u"Another load generator operation is still running."_s};
    if (Status s = LoadgenProfileValidator::validate(profile); !s)
        return s;
    if (paths.infraDir.isEmpty() || !QFileInfo::exists(paths.playbook()))
        return Error {Error::Kind::NotFound,
            u"infra-dir: the load generator's Terraform and Ansible files (infra/loadgen) were not found; "
            u"set BC_INFRA_DIR or pass --infra-dir."_s};
    if (paths.workDir.isEmpty())
        return Error {Error::Kind::Invalid, u"work-dir: no working folder for the Terraform state."_s};
    return ok();
}

Status LoadgenService::up(
    const LoadgenProfile &profile, const LoadgenPaths &paths, const LoadgenOptions &options)
{
    return start(profile, paths, options, false);
}

Status LoadgenService::replaceWorkers(
    const LoadgenProfile &profile, const LoadgenPaths &paths, const LoadgenOptions &options)
{
    return start(profile, paths, options, true);
}

Status LoadgenService::start(
    const LoadgenProfile &profile, const LoadgenPaths &paths, const LoadgenOptions &options, bool workersOnly)
{
    if (Status s = check(profile, paths); !s)
        return s;
    if (options.targetHost.isEmpty())
        return Error {Error::Kind::Invalid,
            u"target-host: the shop to load (the cluster's frontend-external address, http://IP) is required."_s};
    const bool dryRun = m_context && m_context->dryRun();
    if (!dryRun) {
        if (Status s = TerraformWorkCopy::refresh(paths.infraDir, paths.workDir); !s)
            return s;
    }
    const LoadgenCommandBuilder builder(profile, paths, options);
    ProvisioningJob::Step output {u"Reading the VM addresses (terraform output)"_s, builder.output(), 0.3};
    output.onSucceeded = [paths, options, key = profile.privateKeyPath()](const CommandResult &r) -> Status {
        if (r.dryRun)
            return ok();
        Result<LoadgenHosts> hosts = LoadgenHosts::fromTerraformOutput(r.stdoutData);
        if (!hosts)
            return hosts.error();
        hosts.value().webPort = options.ansibleVar(u"web_port"_s, u"8089"_s).toInt();
        hosts.value().locustHome = options.ansibleVar(u"locust_home"_s, u"/opt/locust"_s);
        if (Status s = writeFile(paths.hostsFile(), hosts.value().toJson(), kPrivate); !s)
            return s;
        if (Status s = writeFile(
                paths.sshConfig(), hosts.value().sshConfig(key, paths.knownHosts()).toUtf8(), kPrivate);
            !s)
            return s;
        return writeFile(paths.inventory(), hosts.value().inventory(paths.sshConfig()).toUtf8(), kPrivate);
    };
    QList<ProvisioningJob::Step> steps;
    steps << ProvisioningJob::Step {u"Preparing Terraform (terraform init)"_s, builder.init(), 0.5};
    steps << ProvisioningJob::terraformStep(workersOnly ? u"Replacing missing workers (terraform apply)"_s
                                       : u"Creating the VMs (terraform apply)"_s,
        builder.apply(), 3);
    steps << output;
    steps << playbookStep(workersOnly ? u"Starting Locust on the workers (ansible-playbook)"_s
                                      : u"Installing and starting Locust (ansible-playbook)"_s,
        builder.playbook(workersOnly ? u"workers"_s : QString()), 4);
    m_job->start(steps);
    return ok();
}

Status LoadgenService::down(const LoadgenProfile &profile, const LoadgenPaths &paths)
{
    if (Status s = check(profile, paths); !s)
        return s;
    const bool dryRun = m_context && m_context->dryRun();
    if (!dryRun && !QFileInfo::exists(paths.stateFile()))
        return Error {Error::Kind::NotFound,
            u"There is no Terraform state in %1: no load generator to destroy."_s.arg(paths.terraformDir())};
    if (!dryRun) {
        if (Status s = TerraformWorkCopy::refresh(paths.infraDir, paths.workDir); !s)
            return s;
    }
    const LoadgenCommandBuilder builder(profile, paths);
    ProvisioningJob::Step destroy
        = ProvisioningJob::terraformStep(u"Deleting the VMs (terraform destroy)"_s, builder.destroy(), 3);
    destroy.onSucceeded = [paths](const CommandResult &r) -> Status {
        if (r.dryRun)
            return ok();
        // Nothing is left: the (now empty) state, its backup, the addresses and the ssh files go.
        QDir(paths.workDir + u"/loadgen"_s).removeRecursively();
        QDir(paths.workDir + u"/modules"_s).removeRecursively();
        for (const QString &f : {paths.hostsFile(), paths.inventory(), paths.sshConfig(), paths.knownHosts()})
            QFile::remove(f);
        return ok();
    };
    m_job->start({
        ProvisioningJob::Step {u"Preparing Terraform (terraform init)"_s, builder.init(), 0.5},
        destroy,
    });
    return ok();
}

} // namespace bc
