#pragma once

#include "backend/cluster/cluster_progress.h"
#include "backend/core/result.h"
#include "backend/process/command.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>
#include <optional>

namespace bc {

// The shipped Terraform + Ansible of one provisioner (infra/NAME: "k3s", "loadgen"): under
// $BC_INFRA_DIR, else beside or above the executable in the source tree or the installed share/
// folder. Empty when not found.
QString locateShippedInfra(const QString &name);

class CommandRunner;
class RunContext;

// Runs the steps of one provisioning job (gcloud create then get-credentials; terraform init, apply,
// output, ansible-playbook) one after the other through a CommandRunner, stops at the first failure,
// and reports progress over the whole job. In a dry-run context every step is announced and none runs.
class ProvisioningJob : public QObject
{
    Q_OBJECT
public:
    struct LineProgress
    {
        QString phase;
        double fraction = -1.0; // within the step, 0..1; negative: unchanged
        bool isError = false;
    };

    struct Step
    {
        QString title; // "Creating the GKE cluster"
        Command command;
        double weight = 1.0; // share of the job's progress bar
        std::function<std::optional<LineProgress>(const QString &line, bool isStderr)> parseLine = {};
        std::function<Status(const CommandResult &result)> onSucceeded = {}; // e.g. write the inventory
        std::function<Error(const CommandResult &result)> describeFailure = {}; // default: result.toError()
    };

    // A `terraform ... -json` step (k3s cluster, GCE load generators): its lines move the bar, and its
    // error diagnostics name the failure.
    static Step terraformStep(QString title, Command command, double weight);

    explicit ProvisioningJob(RunContext *context, QObject *parent = nullptr);
    ~ProvisioningJob() override;

    // Starts the steps; false if a job is already running.
    bool start(QList<Step> steps);
    void cancel();
    bool isRunning() const { return m_running; }
    qint64 elapsedMs() const;
    int currentStep() const { return m_index; }

    static constexpr std::chrono::milliseconds kTick {1000};

Q_SIGNALS:
    void stepStarted(int index, const QString &title, const QString &displayLine);
    void progress(const bc::ClusterProgress &progress);
    void outputLine(const QString &line, bool isStderr);
    void finished(const bc::Status &status);

private:
    void runNext();
    void onLine(const QString &line, bool isStderr);
    void onStepFinished(const CommandResult &result);
    void report(const QString &phase, double stepFraction);
    void end(const Status &status);

    RunContext *m_context;
    CommandRunner *m_runner;
    QList<Step> m_steps;
    int m_index = -1;
    double m_totalWeight = 0;
    double m_doneWeight = 0;
    double m_stepFraction = 0;
    QString m_phase;
    QElapsedTimer m_clock;
    QTimer m_ticker;
    bool m_running = false;
    bool m_cancelled = false;
};

} // namespace bc
