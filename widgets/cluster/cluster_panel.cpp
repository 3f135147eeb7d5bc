#include "widgets/cluster/cluster_panel.h"

#include "backend/cluster/gke_cluster_service.h"
#include "backend/cluster/gke_command_builder.h"
#include "backend/cluster/k3s_cluster_service.h"
#include "backend/cluster/kube_contexts.h"
#include "backend/cluster/profile_list_model.h"
#include "backend/session/cluster_session.h"
#include "widgets/common/inline_banner.h"
#include "widgets/common/job_progress.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

QString pagePrefix(ClusterPanel::Environment environment)
{
    return environment == ClusterPanel::Environment::K3s ? u"k3s/"_s : u"gke/"_s;
}

QWidget *buttonRow(const QList<QWidget *> &widgets)
{
    auto *row = new QWidget;
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QWidget *w : widgets)
        layout->addWidget(w);
    layout->addStretch(1);
    return row;
}

} // namespace

ClusterPanel::ClusterPanel(ClusterSession *session, QWidget *parent, ProfileStore store)
    : Panel(describe(), parent)
    , m_session(session)
    , m_profiles(new ProfileListModel(std::move(store), this))
{
    m_confirm = [this](const QString &title, const QString &text, const QString &action) {
        QMessageBox box(QMessageBox::Warning, title, text, QMessageBox::Cancel, this);
        QPushButton *yes = box.addButton(action, QMessageBox::DestructiveRole);
        box.setDefaultButton(QMessageBox::Cancel);
        box.exec();
        return box.clickedButton() == yes;
    };
    if (m_session) {
        m_gke = new GkeClusterService(m_session->context(), this);
        m_k3s = new K3sClusterService(m_session->context(), this);
    }
    buildUi();
    if (const Status loaded = m_profiles->reload(); !loaded)
        banner()->showError(loaded.error());
    reloadProfiles();
    refreshContexts();

    for (ClusterService *service : {static_cast<ClusterService *>(m_gke), static_cast<ClusterService *>(m_k3s)}) {
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
    m_pages->addWidget(buildGkePage());
    m_pages->addWidget(buildK3sPage());
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

QLineEdit *ClusterPanel::addLine(QFormLayout *form, const QString &label, const QString &field, const QString &placeholder)
{
    auto *edit = new QLineEdit;
    edit->setPlaceholderText(placeholder);
    addRow(form, label, edit, {field});
    return edit;
}

void ClusterPanel::addRow(QFormLayout *form, const QString &label, QWidget *input, const QStringList &fields)
{
    auto *cell = new QWidget;
    auto *layout = new QVBoxLayout(cell);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(input);
    auto *error = new QLabel;
    error->setWordWrap(true);
    QPalette pal = error->palette();
    pal.setColor(QPalette::WindowText, QColor(0xc6, 0x28, 0x28));
    error->setPalette(pal);
    error->setVisible(false);
    layout->addWidget(error);
    form->addRow(label, cell);
    const QString prefix = form->objectName();
    for (const QString &field : fields) {
        m_errors.insert(prefix + field, error);
        m_inputs.insert(prefix + field, input);
    }
    input->setObjectName(prefix + fields.first()); // "gke/project": tests and accessibility find it
    error->setObjectName(prefix + fields.first() + u"/error"_s);
    input->setAccessibleName(QString(label).remove(u'&').remove(u':'));
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

QWidget *ClusterPanel::buildGkePage()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    auto *form = new QFormLayout;
    form->setObjectName(u"gke/"_s);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_gkeName = addLine(form, u"Profile name:"_s, u"name"_s, u"my-gke"_s);
    m_gkeProject = addLine(form, u"Project ID:"_s, u"project"_s, u"my-project-123"_s);
    auto *location = new QWidget;
    auto *locationLayout = new QHBoxLayout(location);
    locationLayout->setContentsMargins(0, 0, 0, 0);
    m_gkeLocationKind = new QComboBox;
    m_gkeLocationKind->setObjectName(u"gke/location_kind"_s);
    m_gkeLocationKind->addItems({u"Zone"_s, u"Region"_s});
    m_gkeLocation = new QLineEdit;
    m_gkeLocation->setPlaceholderText(u"us-central1-b"_s);
    locationLayout->addWidget(m_gkeLocationKind);
    locationLayout->addWidget(m_gkeLocation, 1);
    addRow(form, u"Zone or region:"_s, location, {u"zone"_s, u"region"_s});
    m_gkeLocation->setObjectName(u"gke/location"_s);
    m_gkeCluster = addLine(form, u"Cluster name:"_s, u"cluster_name"_s, u"online-boutique"_s);
    m_gkeMachine = addLine(form, u"Machine type:"_s, u"machine_type"_s);
    m_gkeNodes = new QSpinBox;
    m_gkeNodes->setRange(0, 1000);
    addRow(form, u"Node count:"_s, m_gkeNodes, {u"node_count"_s});
    m_gkeVersion = addLine(form, u"Cluster version:"_s, u"cluster_version"_s, u"GKE default"_s);
    m_gkeNetworkPolicy = new QCheckBox(u"Enable network policy (needed by the canary's balancing)"_s);
    m_gkeNetworkPolicy->setObjectName(u"gke/network_policy"_s);
    form->addRow(QString(), m_gkeNetworkPolicy);
    layout->addLayout(form);

    auto *create = new QPushButton(u"Create cluster"_s);
    create->setObjectName(u"gkeCreate"_s);
    auto *credentials = new QPushButton(u"Get credentials"_s);
    credentials->setObjectName(u"gkeCredentials"_s);
    auto *remove = new QPushButton(u"Delete cluster\u2026"_s);
    remove->setObjectName(u"gkeDelete"_s);
    layout->addWidget(buttonRow({create, credentials, remove}));
    layout->addStretch(1);
    m_runButtons << create << credentials << remove;
    connect(create, &QPushButton::clicked, this, &ClusterPanel::createCluster);
    connect(credentials, &QPushButton::clicked, this, &ClusterPanel::fetchCredentials);
    connect(remove, &QPushButton::clicked, this, &ClusterPanel::deleteCluster);

    const GkeSettings defaults;
    m_gkeMachine->setText(defaults.machineType);
    m_gkeNodes->setValue(defaults.nodeCount);
    m_gkeNetworkPolicy->setChecked(defaults.networkPolicy);
    return page;
}

QWidget *ClusterPanel::buildK3sPage()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    auto *form = new QFormLayout;
    form->setObjectName(u"k3s/"_s);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_k3sName = addLine(form, u"Profile name:"_s, u"name"_s, u"my-k3s"_s);
    m_k3sProject = addLine(form, u"Project ID:"_s, u"project"_s, u"my-project-123"_s);
    m_k3sRegion = addLine(form, u"Region:"_s, u"region"_s, u"europe-west6"_s);
    m_k3sZone = addLine(form, u"Zone:"_s, u"zone"_s, u"europe-west6-a"_s);
    m_k3sCluster = addLine(form, u"Name prefix:"_s, u"cluster_name"_s);
    m_k3sMasters = new QSpinBox;
    m_k3sMasters->setRange(0, 99);
    addRow(form, u"Masters:"_s, m_k3sMasters, {u"masters"_s});
    m_k3sWorkers = new QSpinBox;
    m_k3sWorkers->setRange(0, 999);
    addRow(form, u"Workers:"_s, m_k3sWorkers, {u"workers"_s});
    m_k3sMachine = addLine(form, u"Machine type:"_s, u"machine_type"_s);
    m_k3sUser = addLine(form, u"SSH user:"_s, u"ssh_user"_s);
    auto *key = new QWidget;
    auto *keyLayout = new QHBoxLayout(key);
    keyLayout->setContentsMargins(0, 0, 0, 0);
    m_k3sKey = new QLineEdit;
    m_k3sKey->setPlaceholderText(u"~/.ssh/id_ed25519.pub"_s);
    auto *browse = new QPushButton(u"Browse\u2026"_s);
    keyLayout->addWidget(m_k3sKey, 1);
    keyLayout->addWidget(browse);
    addRow(form, u"SSH public key:"_s, key, {u"ssh_public_key"_s});
    m_k3sKey->setObjectName(u"k3s/ssh_public_key_path"_s);
    m_k3sSpot = new QCheckBox(u"Spot VMs (cheaper, may be preempted)"_s);
    m_k3sSpot->setObjectName(u"k3s/spot"_s);
    form->addRow(QString(), m_k3sSpot);
    layout->addLayout(form);

    auto *create = new QPushButton(u"Create cluster"_s);
    create->setObjectName(u"k3sCreate"_s);
    auto *destroy = new QPushButton(u"Destroy cluster\u2026"_s);
    destroy->setObjectName(u"k3sDestroy"_s);
    layout->addWidget(buttonRow({create, destroy}));
    layout->addStretch(1);
    m_runButtons << create << destroy;
    connect(create, &QPushButton::clicked, this, &ClusterPanel::createCluster);
    connect(destroy, &QPushButton::clicked, this, &ClusterPanel::deleteCluster);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, u"SSH public key"_s, QDir::homePath() + u"/.ssh"_s, u"Public keys (*.pub)"_s);
        if (!path.isEmpty())
            m_k3sKey->setText(path);
    });

    const K3sSettings defaults;
    m_k3sCluster->setText(defaults.clusterName);
    m_k3sMasters->setValue(defaults.masters);
    m_k3sWorkers->setValue(defaults.workers);
    m_k3sMachine->setText(defaults.machineType);
    m_k3sUser->setText(defaults.sshUser);
    m_k3sSpot->setChecked(defaults.spot);
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
    case Environment::Gke: {
        p.kind = ClusterKind::Gke;
        p.name = m_gkeName->text().trimmed();
        p.gke.project = m_gkeProject->text().trimmed();
        const QString location = m_gkeLocation->text().trimmed();
        (m_gkeLocationKind->currentIndex() == 0 ? p.gke.zone : p.gke.region) = location;
        p.gke.clusterName = m_gkeCluster->text().trimmed();
        p.gke.machineType = m_gkeMachine->text().trimmed();
        p.gke.nodeCount = m_gkeNodes->value();
        p.gke.clusterVersion = m_gkeVersion->text().trimmed();
        p.gke.networkPolicy = m_gkeNetworkPolicy->isChecked();
        break;
    }
    case Environment::K3s:
        p.kind = ClusterKind::K3s;
        p.name = m_k3sName->text().trimmed();
        p.k3s.project = m_k3sProject->text().trimmed();
        p.k3s.region = m_k3sRegion->text().trimmed();
        p.k3s.zone = m_k3sZone->text().trimmed();
        p.k3s.clusterName = m_k3sCluster->text().trimmed();
        p.k3s.masters = m_k3sMasters->value();
        p.k3s.workers = m_k3sWorkers->value();
        p.k3s.machineType = m_k3sMachine->text().trimmed();
        p.k3s.sshUser = m_k3sUser->text().trimmed();
        p.k3s.sshPublicKeyPath = m_k3sKey->text().trimmed();
        p.k3s.spot = m_k3sSpot->isChecked();
        break;
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
        m_gkeName->setText(p.name);
        m_gkeProject->setText(p.gke.project);
        m_gkeLocationKind->setCurrentIndex(p.gke.region.isEmpty() ? 0 : 1);
        m_gkeLocation->setText(p.gke.region.isEmpty() ? p.gke.zone : p.gke.region);
        m_gkeCluster->setText(p.gke.clusterName);
        m_gkeMachine->setText(p.gke.machineType);
        m_gkeNodes->setValue(p.gke.nodeCount);
        m_gkeVersion->setText(p.gke.clusterVersion);
        m_gkeNetworkPolicy->setChecked(p.gke.networkPolicy);
        break;
    case ClusterKind::K3s:
        setEnvironment(Environment::K3s);
        m_k3sName->setText(p.name);
        m_k3sProject->setText(p.k3s.project);
        m_k3sRegion->setText(p.k3s.region);
        m_k3sZone->setText(p.k3s.zone);
        m_k3sCluster->setText(p.k3s.clusterName);
        m_k3sMasters->setValue(p.k3s.masters);
        m_k3sWorkers->setValue(p.k3s.workers);
        m_k3sMachine->setText(p.k3s.machineType);
        m_k3sUser->setText(p.k3s.sshUser);
        m_k3sKey->setText(p.k3s.sshPublicKeyPath);
        m_k3sSpot->setChecked(p.k3s.spot);
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
    const QLabel *label = m_errors.value(pagePrefix(environment()) + field);
    return label && !label->isHidden() ? label->text() : QString();
}

bool ClusterPanel::isBusy() const
{
    return m_operation != Operation::None;
}

void ClusterPanel::clearProblems()
{
    for (QLabel *label : std::as_const(m_errors)) {
        label->clear();
        label->setVisible(false);
    }
}

void ClusterPanel::showProblem(const FieldProblem &problem)
{
    const QString key = pagePrefix(environment()) + problem.field;
    if (QLabel *label = m_errors.value(key)) {
        label->setText(problem.message);
        label->setVisible(true);
        if (QWidget *input = m_inputs.value(key))
            input->setFocus(Qt::OtherFocusReason);
    } else {
        banner()->showError(Error {Error::Kind::Invalid, problem.message});
    }
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

bool ClusterPanel::createCluster()
{
    if (isBusy() || !m_session)
        return false;
    const ClusterProfile profile = currentProfile();
    if (!checkInput(profile))
        return false;
    Status started;
    if (profile.kind == ClusterKind::Gke) {
        started = m_gke->create(profile.gke);
        m_operation = Operation::GkeCreate;
    } else if (profile.kind == ClusterKind::K3s) {
        started = m_k3s->create(profile.k3s, K3sClusterService::defaultPaths(profile.name));
        m_operation = Operation::K3sCreate;
    } else {
        return false;
    }
    if (!started) {
        m_operation = Operation::None;
        banner()->showError(started.error());
        return false;
    }
    m_running = profile;
    (void)m_profiles->upsert(profile); // valid: checked above
    reloadProfiles(profile.name);
    runStarted(profile.kind == ClusterKind::Gke
            ? u"Creating GKE cluster %1\u2026"_s.arg(profile.gke.clusterName)
            : u"Creating k3s cluster %1\u2026"_s.arg(profile.k3s.clusterName));
    return true;
}

bool ClusterPanel::fetchCredentials()
{
    if (isBusy() || !m_session || environment() != Environment::Gke)
        return false;
    const ClusterProfile profile = currentProfile();
    if (!checkInput(profile))
        return false;
    const Status started = m_gke->fetchCredentials(profile.gke);
    if (!started) {
        banner()->showError(started.error());
        return false;
    }
    m_operation = Operation::GkeCredentials;
    m_running = profile;
    runStarted(u"Getting credentials for %1\u2026"_s.arg(profile.gke.clusterName));
    return true;
}

bool ClusterPanel::deleteCluster()
{
    if (isBusy() || !m_session)
        return false;
    const ClusterProfile profile = currentProfile();
    if (!checkInput(profile))
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
    const Status started = gke ? m_gke->remove(profile.gke)
                               : m_k3s->destroy(profile.k3s, K3sClusterService::defaultPaths(profile.name));
    if (!started) {
        banner()->showError(started.error());
        return false;
    }
    m_operation = gke ? Operation::GkeDelete : Operation::K3sDestroy;
    m_running = profile;
    runStarted(u"%1 %2\u2026"_s.arg(gke ? u"Deleting"_s : u"Destroying"_s, name));
    return true;
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
    switch (op) {
    case Operation::GkeCreate:
    case Operation::GkeCredentials: {
        const QString context = GkeCommandBuilder(m_running.gke).contextName();
        m_running.context = context;
        (void)m_profiles->upsert(m_running);
        m_progress->finish(true, u"Cluster %1 is ready; kubectl uses context %2."_s.arg(m_running.gke.clusterName, context));
        m_session->useTarget(KubeTarget {m_running.kubeconfig, context}, u"GKE %1"_s.arg(m_running.gke.clusterName));
        break;
    }
    case Operation::K3sCreate: {
        const QString kubeconfig = K3sClusterService::defaultPaths(m_running.name).kubeconfig();
        m_running.kubeconfig = kubeconfig;
        (void)m_profiles->upsert(m_running);
        m_progress->finish(true, u"k3s cluster %1 is ready."_s.arg(m_running.k3s.clusterName));
        m_session->useTarget(KubeTarget {kubeconfig, {}}, u"k3s %1"_s.arg(m_running.k3s.clusterName));
        break;
    }
    case Operation::GkeDelete:
    case Operation::K3sDestroy:
        m_progress->finish(true, u"Cluster deleted."_s);
        break;
    default: m_progress->finish(true, u"Done."_s); break;
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
