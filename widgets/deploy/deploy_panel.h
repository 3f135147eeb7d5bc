#pragma once

#include "backend/core/result.h"
#include "backend/deploy/manifest_set.h"
#include "backend/deploy/rollout_tracker.h"
#include "backend/kube/kube_target.h"
#include "widgets/common/confirm.h"
#include "widgets/common/panel.h"

#include <QHash>
#include <QPointer>
#include <QStringList>
#include <QTimer>

#include <functional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QTabWidget;
class QTableView;

namespace bc {

class ClusterSession;
class CommandRunner;
class DeployJob;
class JobProgress;
class KubeClient;
class FailureReasons;
class KubeWatch;
class RolloutView;
class WorkloadsModel;
struct WatchEvent;

// Deploy: apply the Online Boutique manifests (minimal or full, optionally the canary) to the session's
// cluster and follow each deployment's rollout live; show the storefront's address once it has one.
// The Workloads tab keeps deployments and pods from watches (never re-listing), follows a pod's logs,
// shows an object's YAML, scales and restarts deployments and deletes pods, all through KubeClient.
class DeployPanel : public Panel
{
    Q_OBJECT
public:
    explicit DeployPanel(ClusterSession *session, QWidget *parent = nullptr);
    ~DeployPanel() override;

    static PanelInfo describe();

    using Confirm = ConfirmHook; // default: confirmDestructive()
    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }

    // Deploy now, or as soon as the session has a target.
    void deployWhenConnected(ManifestSet::Edition edition, bool withCanary = false);
    bool deploy(); // with the edition and canary choice in the form; false when refused
    void setEdition(ManifestSet::Edition edition, bool withCanary);
    bool isDeploying() const { return m_job != nullptr; }
    QList<DeploymentProgress> rollout() const { return m_rollout; }
    bool rolloutSucceeded() const { return m_succeeded; }
    QString frontendAddress() const { return m_frontendUrl; } // empty while pending

    WorkloadsModel *podsModel() const { return m_pods; }
    WorkloadsModel *deploymentsModel() const { return m_deployments; }
    const FailureReasons *failureReasons() const { return m_failures; }
    void showWorkloads();

    // Workload actions (the buttons call these with the selected row; tests call them directly).
    void followLogs(const QString &pod);
    void stopLogs();
    QString logText() const;
    void showYaml(const QString &resource, const QString &name);
    QString yamlText() const;
    void scaleDeployment(const QString &name, int replicas);
    void restartDeployment(const QString &name);
    bool deletePod(const QString &name); // asks first; false when declined

Q_SIGNALS:
    void deployFinished(const bc::Status &status);
    void deployStarted(bc::DeployJob *job); // the job of the deploy that starts now
    void actionFinished(const QString &what, const bc::Status &status);
    // "Load test it": the main window fills the Load test panel with this address and shows it.
    void loadTestRequested(const QString &storefrontUrl);

private:
    void buildUi();
    QWidget *buildWorkloadsTab();
    void setTarget(const KubeTarget &target);
    void dropTarget();
    void onProgress(const QList<DeploymentProgress> &progress);
    void onServiceEvents(const QList<WatchEvent> &events);
    void setFrontendUrl(const QString &url);
    void flushLogs();
    void findInLogs(bool next);
    QString selectedName(QTableView *view, WorkloadsModel *model) const;
    void report(const QString &what, const Status &status);
    void updateButtons();

    ClusterSession *m_session;
    KubeClient *m_client;
    KubeWatch *m_podWatch = nullptr;
    KubeWatch *m_deploymentWatch = nullptr;
    KubeWatch *m_serviceWatch = nullptr;
    KubeWatch *m_eventWatch = nullptr; // Events: why a deployment's pods fail
    FailureReasons *m_failures = nullptr;
    WorkloadsModel *m_pods;
    WorkloadsModel *m_deployments;
    QSortFilterProxyModel *m_podsProxy;
    QSortFilterProxyModel *m_deploymentsProxy;
    DeployJob *m_job = nullptr;
    QPointer<CommandRunner> m_logs;
    QStringList m_logBuffer;
    QTimer m_logFlush;
    QTimer m_ageTick;
    Confirm m_confirm;
    bool m_hasTarget = false;
    bool m_pendingDeploy = false;
    bool m_succeeded = false;
    QList<DeploymentProgress> m_rollout;
    QString m_frontendUrl;

    QComboBox *m_edition = nullptr;
    QCheckBox *m_canary = nullptr;
    QCheckBox *m_orderlog = nullptr;
    QPushButton *m_deploy = nullptr;
    JobProgress *m_progress = nullptr;
    QLabel *m_target = nullptr;
    QLabel *m_address = nullptr;
    QPushButton *m_copy = nullptr;
    QPushButton *m_loadTest = nullptr;
    QTabWidget *m_tabs = nullptr;
    RolloutView *m_rolloutView = nullptr;
    QTableView *m_deploymentView = nullptr;
    QTableView *m_podView = nullptr;
    QSpinBox *m_replicas = nullptr;
    QTabWidget *m_detailTabs = nullptr;
    QLineEdit *m_logSearch = nullptr;
    QLabel *m_logSource = nullptr;
    QPlainTextEdit *m_logView = nullptr;
    QPlainTextEdit *m_yamlView = nullptr;
    QList<QPushButton *> m_workloadButtons;
};

} // namespace bc
