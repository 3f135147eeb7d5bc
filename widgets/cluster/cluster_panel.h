#pragma once

#include "backend/cluster/cluster_profile.h"
#include "backend/cluster/profile_store.h"
#include "backend/cluster/profile_validator.h"
#include "backend/core/result.h"
#include "backend/sandbox/sandbox_controller.h"
#include "widgets/common/panel.h"

#include <QHash>

#include <functional>
#include <optional>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QStackedWidget;

namespace bc {

class ClusterSession;
class GkeClusterService;
class JobProgress;
class K3sClusterService;
class ProfileListModel;

// Cluster: choose where Online Boutique runs (local sandbox, GKE, k3s on GCE, an existing kube context),
// keep environments as profiles, create/connect/delete clusters with live progress. Input is validated
// before anything runs; the message naming the field appears next to it. Once a cluster is reachable
// the ClusterSession gets its target and every other panel follows.
class ClusterPanel : public Panel
{
    Q_OBJECT
public:
    enum class Environment { Sandbox, Gke, K3s, Context };
    Q_ENUM(Environment)

    explicit ClusterPanel(ClusterSession *session, QWidget *parent = nullptr, ProfileStore store = ProfileStore());

    static PanelInfo describe();

    Environment environment() const;
    void setEnvironment(Environment environment);

    // The profile the form describes right now.
    ClusterProfile currentProfile() const;
    void loadProfile(const ClusterProfile &profile);
    // The message shown next to a field (YAML key: project, zone, node_count, ...); empty when none.
    QString fieldError(const QString &field) const;
    bool isBusy() const;
    // How the Start sandbox button starts it (tests: a temp state folder, fast pods).
    void setSandboxOptions(const SandboxOptions &options) { m_sandboxOptions = options; }

    // Asks before a destructive action; the default shows a QMessageBox whose button names the action.
    using Confirm = std::function<bool(const QString &title, const QString &text, const QString &action)>;
    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }

    // Actions (the buttons call these; tests too).
    bool createCluster(); // false: refused (invalid input or busy)
    bool fetchCredentials();
    bool deleteCluster();
    void startSandbox();
    void stopSandbox();
    void refreshContexts();
    bool useSelectedContext();
    bool saveProfile();

private:
    void buildUi();
    QWidget *buildSandboxPage();
    QWidget *buildGkePage();
    QWidget *buildK3sPage();
    QWidget *buildContextPage();
    QLineEdit *addLine(QFormLayout *form, const QString &label, const QString &field, const QString &placeholder = {});
    void addRow(QFormLayout *form, const QString &label, QWidget *input, const QStringList &fields);
    bool checkInput(const ClusterProfile &profile);
    void showProblem(const FieldProblem &problem);
    void clearProblems();
    void runStarted(const QString &title);
    void onServiceFinished(const Status &status);
    void updateButtons();
    void reloadProfiles(const QString &select = {});

    ClusterSession *m_session = nullptr;
    ProfileListModel *m_profiles = nullptr;
    GkeClusterService *m_gke = nullptr;
    K3sClusterService *m_k3s = nullptr;
    Confirm m_confirm;
    SandboxOptions m_sandboxOptions{.withOrderLog = true}; // the app's sandbox: with PostgreSQL and orderlog

    QComboBox *m_environment = nullptr;
    QComboBox *m_profileBox = nullptr;
    QStackedWidget *m_pages = nullptr;
    JobProgress *m_progress = nullptr;
    QLabel *m_connection = nullptr;

    // Inputs; the same profile-name field serves GKE and k3s.
    QHash<QString, QLabel *> m_errors; // "gke/project", "k3s/zone", ... -> the message next to the input
    QHash<QString, QWidget *> m_inputs;
    QLineEdit *m_gkeName, *m_gkeProject, *m_gkeLocation, *m_gkeCluster, *m_gkeMachine, *m_gkeVersion;
    QComboBox *m_gkeLocationKind;
    QSpinBox *m_gkeNodes;
    QCheckBox *m_gkeNetworkPolicy;
    QLineEdit *m_k3sName, *m_k3sProject, *m_k3sRegion, *m_k3sZone, *m_k3sCluster, *m_k3sMachine, *m_k3sUser,
        *m_k3sKey;
    QSpinBox *m_k3sMasters, *m_k3sWorkers;
    QCheckBox *m_k3sSpot;
    QLabel *m_sandboxState = nullptr;
    QPushButton *m_sandboxStart = nullptr, *m_sandboxStop = nullptr;
    QListWidget *m_contexts = nullptr;
    QLabel *m_kubeconfigFiles = nullptr;
    QList<QPushButton *> m_runButtons;

    enum class Operation { None, GkeCreate, GkeCredentials, GkeDelete, K3sCreate, K3sDestroy, Sandbox };
    Operation m_operation = Operation::None;
    ClusterProfile m_running; // the profile of the running operation
};

} // namespace bc
