#pragma once

#include "backend/load/locust_stats.h"
#include "backend/loadgen/loadgen_command_builder.h"
#include "backend/session/backend_factory.h"

#include <QGroupBox>
#include <QUrl>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QTableWidget;
class QWidget;

namespace bc {

class JobProgress;
class LoadgenResults;
class LoadgenService;
class LocustClient;
class RunContext;
class SshTunnel;

// "Where Locust runs" in the Load test panel: this machine, or the GCE load generator of infra/loadgen.
// For GCE: the generator profile (validated per field, kept in loadgen.yaml beside the cluster
// profiles), Provision (terraform + ansible, live), the SSH tunnel to the master (restarted if it
// drops), each worker's Locust state from the master, Replace missing workers, Destroy with its cost
// per hour. The panel drives the master through masterUrl() exactly as a local one.
class GceGeneratorBox : public QGroupBox
{
    Q_OBJECT
public:
    GceGeneratorBox(RunContext *context, QWidget *parent = nullptr);
    ~GceGeneratorBox() override;

    bool isGce() const;
    QUrl masterUrl() const; // http://127.0.0.1:PORT while the tunnel is up, else empty
    void setTargetHost(const QString &url) { m_targetHost = url; }
    // Collects the master's HTML report and CSVs into RUN/locust (after a GCE run).
    void collectResults(const QString &runDir);

    // For tests: where the generator's files are, and extra playbook variables.
    void setPaths(const LoadgenPaths &paths);
    void setProfileFile(const QString &path);
    void setAnsibleVars(const QStringList &vars) { m_ansibleVars = vars; }

    QRadioButton *localButton() const { return m_local; }
    QRadioButton *gceButton() const { return m_gce; }
    QLineEdit *projectEdit() const { return m_project; }
    QLineEdit *zoneEdit() const { return m_zone; }
    QLineEdit *machineTypeEdit() const { return m_machineType; }
    QSpinBox *workersBox() const { return m_workers; }
    QCheckBox *spotBox() const { return m_spot; }
    QLineEdit *sshKeyEdit() const { return m_sshKey; }
    QLineEdit *sshUserEdit() const { return m_sshUser; }
    QLabel *problemLabel() const { return m_problem; }
    QLabel *tunnelLabel() const { return m_tunnelLabel; }
    QLabel *costLabel() const { return m_cost; }
    QPushButton *provisionButton() const { return m_provision; }
    QPushButton *replaceButton() const { return m_replace; }
    QPushButton *destroyButton() const { return m_destroy; }
    JobProgress *progress() const { return m_progress; }
    QTableWidget *workerTable() const { return m_workerTable; }
    SshTunnel *tunnel() const { return m_tunnel; }
    LoadgenService *service() const { return m_service; }
    bool isUp() const;

    // Why quitting needs a second thought: a generator that is still up (costs money). Empty if none.
    static QString quitWarning(const LoadgenPaths &paths = {});

    static constexpr const char *kDestroyConfirmName = "destroyConfirm";

Q_SIGNALS:
    void masterChanged(const QUrl &url); // tunnel up (url) or down (empty)
    void resultsCollected(const bc::Status &status);

private:
    QWidget *createGceForm();
    LoadgenProfile profileFromForm() const;
    void fillForm(const LoadgenProfile &profile);
    bool checkForm(); // shows the first field problem; false if there is one
    void provision(bool workersOnly);
    void destroy();
    void onJobFinished(const Status &status);
    void connectTunnel();
    void showWorkers(const StatsSnapshot &snapshot);
    void updateState();

    RunContext *m_context;
    BackendFactory::Loadgen m_parts; // from the factory; the members below name them
    LoadgenService *m_service;
    SshTunnel *m_tunnel;
    LocustClient *m_client;
    LoadgenResults *m_results;
    LoadgenPaths m_paths;
    QString m_profileFile;
    QStringList m_ansibleVars;
    QString m_targetHost;
    enum class Job { None, Up, Replace, Down } m_job = Job::None;

    QRadioButton *m_local = nullptr;
    QRadioButton *m_gce = nullptr;
    QWidget *m_gceForm = nullptr;
    QLineEdit *m_project = nullptr;
    QLineEdit *m_zone = nullptr;
    QLineEdit *m_machineType = nullptr;
    QSpinBox *m_workers = nullptr;
    QCheckBox *m_spot = nullptr;
    QLineEdit *m_sshKey = nullptr;
    QLineEdit *m_sshUser = nullptr;
    QLabel *m_problem = nullptr;
    QLabel *m_tunnelLabel = nullptr;
    QLabel *m_cost = nullptr;
    QPushButton *m_provision = nullptr;
    QPushButton *m_replace = nullptr;
    QPushButton *m_destroy = nullptr;
    JobProgress *m_progress = nullptr;
    QTableWidget *m_workerTable = nullptr;
};

} // namespace bc
