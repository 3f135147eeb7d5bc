#pragma once

#include "backend/cluster/cluster_profile.h"
#include "backend/cluster/cluster_service.h"
#include "backend/cluster/profile_store.h"
#include "backend/cluster/profile_validator.h"
#include "backend/core/result.h"
#include "backend/sandbox/sandbox_controller.h"
#include "widgets/common/confirm.h"
#include "widgets/common/form_fields.h"
#include "widgets/common/panel.h"

#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QStackedWidget;

namespace bc {

class ClusterService;
class ClusterSession;
class GkeFormPage;
class JobProgress;
class K3sFormPage;
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

    // Asks before a destructive action; the default is confirmDestructive().
    using Confirm = ConfirmHook;
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
    QWidget *buildContextPage();
    ClusterService *serviceFor(ClusterKind kind) const;
    bool start(ClusterService::Operation operation, const ClusterProfile &profile, const QString &title);
    bool checkInput(const ClusterProfile &profile);
    void showProblem(const FieldProblem &problem);
    void clearProblems();
    void runStarted(const QString &title);
    void onServiceFinished(const Status &status);
    void updateButtons();
    void reloadProfiles(const QString &select = {});

    ClusterSession *m_session = nullptr;
    ProfileListModel *m_profiles = nullptr;
    ClusterService *m_gke = nullptr; // from the session
    ClusterService *m_k3s = nullptr;
    Confirm m_confirm;
    SandboxOptions m_sandboxOptions{.withOrderLog = true}; // the app's sandbox: with PostgreSQL and orderlog

    QComboBox *m_environment = nullptr;
    QComboBox *m_profileBox = nullptr;
    QStackedWidget *m_pages = nullptr;
    JobProgress *m_progress = nullptr;
    QLabel *m_connection = nullptr;

    FieldRows m_fields; // "gke/project", "k3s/zone", ... -> the input and the message next to it
    GkeFormPage *m_gkePage = nullptr;
    K3sFormPage *m_k3sPage = nullptr;
    QLabel *m_sandboxState = nullptr;
    QPushButton *m_sandboxStart = nullptr, *m_sandboxStop = nullptr;
    QListWidget *m_contexts = nullptr;
    QLabel *m_kubeconfigFiles = nullptr;
    QList<QPushButton *> m_runButtons;

    enum class Operation { None, Service, Sandbox };
    Operation m_operation = Operation::None;
    ClusterService::Operation m_serviceOperation = ClusterService::Operation::Create;
    ClusterProfile m_running; // the profile of the running operation
};

} // namespace bc
