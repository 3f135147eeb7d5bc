#pragma once

#include "backend/cluster/cluster_progress.h"
#include "backend/core/result.h"
#include "backend/loadgen/loadgen_command_builder.h"

#include <QObject>

namespace bc {

class ProvisioningJob;
class RunContext;

// The lab's main.sh and setup.sh as one job. up = terraform init, terraform apply (-json: the progress
// bar), terraform output (written as hosts.json, inventory.ini, ssh_config), ansible-playbook site.yml
// through the bastion; run again it applies only what changed. replaceWorkers = apply, output and the
// playbook for the workers only (starts what died). down = terraform destroy, then the state goes.
class LoadgenService : public QObject
{
    Q_OBJECT
public:
    explicit LoadgenService(RunContext *context, QObject *parent = nullptr);

    // infra/loadgen: $BC_INFRA_DIR/loadgen, else the nearest infra/loadgen above the executable, else
    // the installed share/boutique-control/infra/loadgen. Empty when none is found.
    static QString locateInfraDir();
    static QString defaultWorkDir(); // the app's data location/loadgen
    static LoadgenPaths defaultPaths();
    static bool isUp(const LoadgenPaths &paths); // terraform state with resources, or hosts.json
    static Result<LoadgenHosts> readHosts(const LoadgenPaths &paths);

    Status up(const LoadgenProfile &profile, const LoadgenPaths &paths, const LoadgenOptions &options);
    Status replaceWorkers(
        const LoadgenProfile &profile, const LoadgenPaths &paths, const LoadgenOptions &options);
    Status down(const LoadgenProfile &profile, const LoadgenPaths &paths);
    void cancel();
    bool isRunning() const;

    static constexpr int kPlaybookTasksEstimate = 20; // TASK lines of site.yml for master + 2 workers

Q_SIGNALS:
    void stepStarted(const QString &title, const QString &displayLine);
    void progress(const bc::ClusterProgress &progress);
    void outputLine(const QString &line, bool isStderr);
    void finished(const bc::Status &status);

private:
    Status check(const LoadgenProfile &profile, const LoadgenPaths &paths) const;
    Status start(const LoadgenProfile &profile, const LoadgenPaths &paths, const LoadgenOptions &options,
        bool workersOnly);

    RunContext *m_context;
    ProvisioningJob *m_job;
};

} // namespace bc
