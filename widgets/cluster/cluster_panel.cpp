#include "widgets/cluster/cluster_panel.h"

#include "backend/cluster/kube_contexts.h"
#include "backend/cluster/profile_list_model.h"
#include "backend/session/cluster_session.h"
#include "widgets/cluster/cluster_form_pages.h"
#include "widgets/common/inline_banner.h"
#include "widgets/common/job_progress.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QStackedWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

QString pagePrefix(ClusterPanel::Environment environment)
{
    return environment == ClusterPanel::Environment::K3s ? u"k3s/"_s : u"gke/"_s;
}

} // namespace

ClusterPanel::ClusterPanel(ClusterSession *session, QWidget *parent, ProfileStore store)
    : Panel(describe(), parent)
    , m_session(session)
    , m_profiles(BackendFactory::createProfileListModel(std::move(store), this))
{
    m_confirm = confirmDestructiveHook(this);
    if (m_session) {
        m_gke = m_session->createClusterService(ClusterKind::Gke, this);
        m_k3s = m_session->createClusterService(ClusterKind::K3s, this);
    }
    buildUi();
    if (const Status loaded = m_profiles->reload(); !loaded)
        banner()->showError(loaded.error());
    reloadProfiles();
    refreshContexts();

    for (ClusterService *service : {m_gke, m_k3s}) {
        if (!service)
            continue;
        connect(service, &ClusterService::stepStarted, this,
            [this](const QString &title, const QString &) { m_progress->setPhase(title); });
        connect(service, &ClusterService::progress, this, [this](const ClusterProgress &p) {
            m_progress->setPhase(p.phase);
            m_progress->setFraction(p.fraction);
        });
        connect(service, &ClusterService::finished, this, &ClusterPanel::onServiceFinished);
    }
    connect(m_progress, &JobProgress::cancelRequested, this, [this] {
        if (m_operation == Operation::Sandbox) {
            stopSandbox();
        } else if (m_gke && m_gke->isRunning()) {
            m_gke->cancel();
        } else if (m_k3s && m_k3s->isRunning()) {
            m_k3s->cancel();
        }
    });

    if (m_session) {
        connect(m_session, &ClusterSession::targetChanged, this, [this](const KubeTarget &target) {
            m_connection->setText(u"Connected: %1 (context %2)"_s.arg(m_session->environmentName(),
                target.context.isEmpty() ? u"current"_s : target.context));
            if (m_operation == Operation::Sandbox) {
                m_operation = Operation::None;
                m_progress->finish(true, u"The local sandbox is running."_s);
            }
            updateButtons();
        });
        connect(m_session, &ClusterSession::disconnected, this, [this] {
            m_connection->setText(u"Not connected to a cluster."_s);
            updateButtons();
        });
        connect(m_session, &ClusterSession::failed, this, [this](const Error &error) {
            if (m_operation == Operation::Sandbox) {
                m_operation = Operation::None;
                m_progress->finish(false, error.message);
            }
            banner()->showError(error);
            updateButtons();
        });
        connect(m_session->sandbox(), &SandboxController::stateChanged, this, [this] { updateButtons(); });
        connect(m_session->sandbox(), &SandboxController::progress, this, [this](const QString &step) {
            if (m_operation == Operation::Sandbox)
                m_progress->setPhase(step);
        });
        // The sandbox may be started from elsewhere (--environment sandbox): show its progress here too.
        connect(m_session, &ClusterSession::connectingChanged, this, [this](bool connecting) {
            if (connecting && m_operation == Operation::None) {
                m_operation = Operation::Sandbox;
                setEnvironment(Environment::Sandbox);
                runStarted(u"Starting the local sandbox\u2026"_s);
            }
        });
        if (m_session->hasTarget()) {
            m_connection->setText(u"Connected: %1"_s.arg(m_session->environmentName()));
        } else if (m_session->sandbox()->state() == SandboxController::State::Starting) {
            m_operation = Operation::Sandbox;
            m_progress->start(u"Starting the local sandbox\u2026"_s);
        }
    }
    updateButtons();
}

PanelInfo ClusterPanel::describe()
{
    return PanelInfo {
        .key = u"cluster"_s,
        .title = u"Cluster"_s,
        .icon = u"cluster"_s,
        .summary
        = u"Choose where Online Boutique runs: the local sandbox, a GKE cluster, or k3s on your own machines. Create, check and delete clusters from here."_s,
        .features = {u"Pick an environment: the local sandbox, a GKE cluster or k3s nodes"_s,
            u"Create a GKE cluster with gcloud, or k3s nodes with Terraform and Ansible, with live progress"_s,
            u"Show the nodes, their capacity and the kube context every command uses"_s,
            u"Delete a cluster, after you confirm it by name"_s},
        .needs = {u"kubectl"_s, u"For GKE: gcloud and a Google Cloud project you are logged in to"_s,
            u"For k3s: terraform, ansible-playbook and ssh access to the machines"_s,
            u"Nothing else for the local sandbox"_s},
    };
}

void ClusterPanel::buildUi()
{
    auto *top = new QWidget;
    top->setObjectName(u"clusterControls"_s);
    auto *topForm = new QFormLayout(top);
    topForm->setContentsMargins(0, 0, 0, 0);
    m_environment = new QComboBox;
    m_environment->setObjectName(u"environment"_s);
    m_environment->addItems({u"Local sandbox"_s, u"GKE (Google Kubernetes Engine)"_s, u"k3s on GCE"_s,
        u"Existing kube context"_s});
    topForm->addRow(u"&Environment:"_s, m_environment);

    m_profileBox = new QComboBox;
    m_profileBox->setObjectName(u"profiles"_s);
    m_profileBox->setModel(m_profiles);
    m_profileBox->setPlaceholderText(u"No saved profile"_s);
    m_profileBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto *save = new QPushButton(u"Save profile"_s);
    save->setObjectName(u"saveProfile"_s);
    auto *remove = new QPushButton(u"Remove profile"_s);
    remove->setObjectName(u"removeProfile"_s);
    topForm->addRow(u"&Profile:"_s, buttonRow({m_profileBox, save, remove}));
    contentLayout()->addWidget(top);

    m_pages = new QStackedWidget;
    m_pages->addWidget(buildSandboxPage());
    m_gkePage = new GkeFormPage(&m_fields);
    m_k3sPage = new K3sFormPage(&m_fields);
    m_pages->addWidget(m_gkePage);
    m_pages->addWidget(m_k3sPage);
    m_runButtons << m_gkePage->runButtons() << m_k3sPage->runButtons();
    connect(m_gkePage, &GkeFormPage::createClicked, this, &ClusterPanel::createCluster);
    connect(m_gkePage, &GkeFormPage::credentialsClicked, this, &ClusterPanel::fetchCredentials);
    connect(m_gkePage, &GkeFormPage::deleteClicked, this, &ClusterPanel::deleteCluster);
    connect(m_k3sPage, &K3sFormPage::createClicked, this, &ClusterPanel::createCluster);
    connect(m_k3sPage, &K3sFormPage::deleteClicked, this, &ClusterPanel::deleteCluster);
    m_pages->addWidget(buildContextPage());
    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(m_pages);
    contentLayout()->addWidget(scroll, 1);

    m_progress = new JobProgress;
    m_progress->setObjectName(u"clusterProgress"_s);
    contentLayout()->addWidget(m_progress);
    m_connection = new QLabel(u"Not connected to a cluster."_s);
    m_connection->setObjectName(u"connection"_s);
    m_connection->setWordWrap(true);
    contentLayout()->addWidget(m_connection);

    connect(m_environment, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_pages->setCurrentIndex(index);
        clearProblems();
        updateButtons();
    });
    connect(m_profileBox, &QComboBox::activated, this, [this](int row) {
        if (const ClusterProfile *p = m_profiles->profile(row))
            loadProfile(*p);
    });
    connect(save, &QPushButton::clicked, this, &ClusterPanel::saveProfile);
    connect(remove, &QPushButton::clicked, this, [this] {
        const int row = m_profileBox->currentIndex();
        const ClusterProfile *p = m_profiles->profile(row);
        if (!p)
            return;
        const QString name = p->name;
        if (!m_confirm(u"Remove profile"_s,
                u"Remove the saved profile \u201c%1\u201d? The cluster itself is not touched."_s.arg(name),
                u"Remove profile"_s))
            return;
        if (const Status s = m_profiles->remove(name); !s)
            banner()->showError(s.error());
        reloadProfiles();
    });
}

QWidget *ClusterPanel::buildSandboxPage()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    auto *intro = new QLabel(
        u"A simulated Kubernetes cluster on this machine (boutique-sandbox): three nodes, real kubectl, "
        u"LoadBalancer services on 127.0.0.1. Nothing leaves the machine."_s);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    m_sandboxState = new QLabel;
    m_sandboxState->setObjectName(u"sandboxState"_s);
    layout->addWidget(m_sandboxState);
    m_sandboxStart = new QPushButton(u"Start sandbox"_s);
    m_sandboxStart->setObjectName(u"sandboxStart"_s);
    m_sandboxStop = new QPushButton(u"Stop sandbox"_s);
    m_sandboxStop->setObjectName(u"sandboxStop"_s);
    layout->addWidget(buttonRow({m_sandboxStart, m_sandboxStop}));
    layout->addStretch(1);
    connect(m_sandboxStart, &QPushButton::clicked, this, &ClusterPanel::startSandbox);
    connect(m_sandboxStop, &QPushButton::clicked, this, &ClusterPanel::stopSandbox);
    return page;
}

QWidget *ClusterPanel::buildContextPage()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    m_kubeconfigFiles = new QLabel;
    m_kubeconfigFiles->setObjectName(u"kubeconfigFiles"_s);
    m_kubeconfigFiles->setWordWrap(true);
    m_kubeconfigFiles->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_kubeconfigFiles);
    m_contexts = new QListWidget;
    m_contexts->setObjectName(u"contexts"_s);
    m_contexts->setAccessibleName(u"Kube contexts"_s);
    layout->addWidget(m_contexts, 1);
    auto *refresh = new QPushButton(u"Refresh"_s);
    refresh->setObjectName(u"refreshContexts"_s);
    auto *use = new QPushButton(u"Use this context"_s);
    use->setObjectName(u"useContext"_s);
    layout->addWidget(buttonRow({use, refresh}));
    m_runButtons << use;
    connect(refresh, &QPushButton::clicked, this, &ClusterPanel::refreshContexts);
    connect(use, &QPushButton::clicked, this, &ClusterPanel::useSelectedContext);
    connect(m_contexts, &QListWidget::itemDoubleClicked, this, &ClusterPanel::useSelectedContext);
    return page;
}

ClusterPanel::Environment ClusterPanel::environment() const
{
    return Environment(m_environment->currentIndex());
}

void ClusterPanel::setEnvironment(Environment environment)
{
    m_environment->setCurrentIndex(int(environment));
}

ClusterProfile ClusterPanel::currentProfile() const
{
    ClusterProfile p;
    switch (environment()) {
    case Environment::Sandbox:
        p.kind = ClusterKind::Sandbox;
        p.name = u"sandbox"_s;
        break;
    case Environment::Gke: m_gkePage->read(p); break;
    case Environment::K3s: m_k3sPage->read(p); break;
    case Environment::Context:
        p.kind = ClusterKind::ExistingContext;
        if (QListWidgetItem *item = m_contexts->currentItem())
            p.context = item->text();
        p.name = p.context;
        break;
    }
    return p;
}

void ClusterPanel::loadProfile(const ClusterProfile &p)
{
    clearProblems();
    switch (p.kind) {
    case ClusterKind::Sandbox: setEnvironment(Environment::Sandbox); break;
    case ClusterKind::Gke:
        setEnvironment(Environment::Gke);
        m_gkePage->load(p);
        break;
    case ClusterKind::K3s:
        setEnvironment(Environment::K3s);
        m_k3sPage->load(p);
        break;
    case ClusterKind::ExistingContext: {
        setEnvironment(Environment::Context);
        const auto found = m_contexts->findItems(p.context, Qt::MatchExactly);
        if (!found.isEmpty())
            m_contexts->setCurrentItem(found.first());
        break;
    }
    }
}

QString ClusterPanel::fieldError(const QString &field) const
{
    return m_fields.message(pagePrefix(environment()) + field);
}

bool ClusterPanel::isBusy() const
{
    return m_operation != Operation::None;
}

void ClusterPanel::clearProblems()
{
    m_fields.clear();
}

void ClusterPanel::showProblem(const FieldProblem &problem)
{
    if (!m_fields.show(pagePrefix(environment()) + problem.field, problem.message))
        banner()->showError(Error {Error::Kind::Invalid, problem.message});
}

bool ClusterPanel::checkInput(const ClusterProfile &profile)
{
    clearProblems();
    if (const auto problem = ProfileValidator::check(profile)) {
        showProblem(*problem);
        return false;
    }
    return true;
}

void ClusterPanel::runStarted(const QString &title)
{
    banner()->dismiss();
    m_progress->start(title);
    updateButtons();
}

ClusterService *ClusterPanel::serviceFor(ClusterKind kind) const
{
    switch (kind) {
    case ClusterKind::Gke: return m_gke;
    case ClusterKind::K3s: return m_k3s;
    default: return nullptr;
    }
}

bool ClusterPanel::start(ClusterService::Operation operation, const ClusterProfile &profile, const QString &title)
{
    ClusterService *service = serviceFor(profile.kind);
    if (!service)
        return false;
    m_operation = Operation::Service;
    m_serviceOperation = operation;
    m_running = profile;
    if (const Status started = service->run(operation, profile); !started) {
        m_operation = Operation::None;
        banner()->showError(started.error());
        return false;
    }
    runStarted(title);
    return true;
}

bool ClusterPanel::createCluster()
{
    if (isBusy() || !m_session)
        return false;
    const ClusterProfile profile = currentProfile();
    if (!serviceFor(profile.kind) || !checkInput(profile))
        return false;
    const bool gke = profile.kind == ClusterKind::Gke;
    if (!start(ClusterService::Operation::Create, profile,
            gke ? u"Creating GKE cluster %1\u2026"_s.arg(profile.gke.clusterName)
                : u"Creating k3s cluster %1\u2026"_s.arg(profile.k3s.clusterName)))
        return false;
    (void)m_profiles->upsert(profile); // valid: checked above
    reloadProfiles(profile.name);
    return true;
}

bool ClusterPanel::fetchCredentials()
{
    if (isBusy() || !m_session || environment() != Environment::Gke)
        return false;
    const ClusterProfile profile = currentProfile();
    if (!checkInput(profile))
        return false;
    return start(ClusterService::Operation::Credentials, profile,
        u"Getting credentials for %1\u2026"_s.arg(profile.gke.clusterName));
}

bool ClusterPanel::deleteCluster()
{
    if (isBusy() || !m_session)
        return false;
    const ClusterProfile profile = currentProfile();
    if (!serviceFor(profile.kind) || !checkInput(profile))
        return false;
    const bool gke = profile.kind == ClusterKind::Gke;
    const QString name = gke ? profile.gke.clusterName : profile.k3s.clusterName;
    const QString where = gke ? u"project %1, %2"_s.arg(profile.gke.project,
                                    profile.gke.zone.isEmpty() ? profile.gke.region : profile.gke.zone)
                              : u"project %1, %2"_s.arg(profile.k3s.project, profile.k3s.zone);
    const QString action = gke ? u"Delete cluster"_s : u"Destroy cluster"_s;
    if (!m_confirm(action,
            u"%1 \u201c%2\u201d (%3)? Every workload and disk on it is lost; this cannot be undone."_s.arg(
                action, name, where),
            action))
        return false;
    return start(ClusterService::Operation::Remove, profile,
        u"%1 %2\u2026"_s.arg(gke ? u"Deleting"_s : u"Destroying"_s, name));
}

void ClusterPanel::onServiceFinished(const Status &status)
{
    const Operation op = std::exchange(m_operation, Operation::None);
    if (!status) {
        const bool cancelled = status.error().kind == Error::Kind::Cancelled;
        m_progress->finish(false, cancelled ? u"Cancelled."_s : status.error().message);
        if (!cancelled)
            banner()->showError(status.error());
        updateButtons();
        return;
    }
    if (op != Operation::Service) {
        m_progress->finish(true, u"Done."_s);
    } else if (m_serviceOperation == ClusterService::Operation::Remove) {
        m_progress->finish(true, u"Cluster deleted."_s);
    } else {
        const KubeTarget target = serviceFor(m_running.kind)->readyTarget(m_running);
        m_running.kubeconfig = target.kubeconfig;
        if (!target.context.isEmpty())
            m_running.context = target.context;
        (void)m_profiles->upsert(m_running);
        if (m_running.kind == ClusterKind::Gke) {
            m_progress->finish(true, u"Cluster %1 is ready; kubectl uses context %2."_s.arg(m_running.gke.clusterName, target.context));
            m_session->useTarget(target, u"GKE %1"_s.arg(m_running.gke.clusterName));
        } else {
            m_progress->finish(true, u"k3s cluster %1 is ready."_s.arg(m_running.k3s.clusterName));
            m_session->useTarget(target, u"k3s %1"_s.arg(m_running.k3s.clusterName));
        }
    }
    updateButtons();
}

void ClusterPanel::startSandbox()
{
    if (!m_session || isBusy())
        return;
    m_operation = Operation::Sandbox;
    runStarted(u"Starting the local sandbox\u2026"_s);
    m_session->useSandbox(m_sandboxOptions);
}

void ClusterPanel::stopSandbox()
{
    if (!m_session)
        return;
    if (m_operation == Operation::Sandbox) {
        m_operation = Operation::None;
        m_progress->finish(false, u"Cancelled."_s);
    }
    m_session->disconnect();
    updateButtons();
}

void ClusterPanel::refreshContexts()
{
    const QString current = m_contexts->currentItem() ? m_contexts->currentItem()->text() : QString();
    m_contexts->clear();
    const Result<KubeContextList> list = KubeContexts::list();
    if (!list) {
        m_kubeconfigFiles->setText(list.error().message);
        return;
    }
    const KubeContextList &contexts = list.value();
    m_kubeconfigFiles->setText(contexts.files.isEmpty()
            ? u"No kubeconfig found (KUBECONFIG is unset and ~/.kube/config does not exist)."_s
            : u"From %1"_s.arg(contexts.files.join(u", "_s)));
    for (const QString &name : contexts.names) {
        auto *item = new QListWidgetItem(name, m_contexts);
        if (name == contexts.current)
            item->setToolTip(u"The kubeconfig's current context"_s);
    }
    const QString select = current.isEmpty() ? contexts.current : current;
    const auto found = m_contexts->findItems(select, Qt::MatchExactly);
    if (!found.isEmpty())
        m_contexts->setCurrentItem(found.first());
    updateButtons();
}

bool ClusterPanel::useSelectedContext()
{
    if (!m_session || environment() != Environment::Context)
        return false;
    const QListWidgetItem *item = m_contexts->currentItem();
    if (!item) {
        banner()->showMessage(InlineBanner::Level::Warning, u"context: choose a context from your kubeconfig"_s);
        return false;
    }
    banner()->dismiss();
    m_session->useTarget(KubeTarget {{}, item->text()}, item->text());
    return true;
}

bool ClusterPanel::saveProfile()
{
    const ClusterProfile profile = currentProfile();
    if (profile.kind == ClusterKind::Sandbox) {
        banner()->showMessage(InlineBanner::Level::Info, u"The local sandbox needs no profile."_s);
        return false;
    }
    if (!checkInput(profile))
        return false;
    if (const Status s = m_profiles->upsert(profile); !s) {
        banner()->showError(s.error());
        return false;
    }
    reloadProfiles(profile.name);
    return true;
}

void ClusterPanel::reloadProfiles(const QString &select)
{
    const int row = select.isEmpty() ? -1 : m_profiles->rowOf(select);
    m_profileBox->setCurrentIndex(row);
}

void ClusterPanel::updateButtons()
{
    const bool busy = isBusy();
    for (QPushButton *b : std::as_const(m_runButtons))
        b->setEnabled(!busy && m_session);
    if (m_session) {
        const auto state = m_session->sandbox()->state();
        const bool up = state == SandboxController::State::Running || state == SandboxController::State::Starting;
        m_sandboxStart->setEnabled(!busy && !up);
        m_sandboxStop->setEnabled(up);
        QString name;
        switch (state) {
        case SandboxController::State::Stopped: name = u"Stopped"_s; break;
        case SandboxController::State::Starting: name = u"Starting\u2026"_s; break;
        case SandboxController::State::Running: name = u"Running"_s; break;
        case SandboxController::State::Failed: name = u"Failed"_s; break;
        }
        QString text = u"Sandbox: %1"_s.arg(name);
        if (state == SandboxController::State::Running && !m_session->sandbox()->serverUrl().isEmpty())
            text += u" (API server %1)"_s.arg(m_session->sandbox()->serverUrl());
        if (const LocalDatabaseAccess *db = m_session->sandbox()->orderDatabase())
            text += u"; order log: orderlog-server %1, PostgreSQL %2"_s.arg(m_session->sandbox()->orderlogAddress(),
                                                                           db->address());
        m_sandboxState->setText(text);
    } else {
        m_sandboxStart->setEnabled(false);
        m_sandboxStop->setEnabled(false);
    }
}

} // namespace bc
