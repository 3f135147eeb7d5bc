#include "widgets/loadtest/gce_generator_box.h"

#include "backend/load/locust_client.h"
#include "backend/loadgen/loadgen_prices.h"
#include "backend/loadgen/loadgen_results.h"
#include "backend/loadgen/loadgen_service.h"
#include "backend/loadgen/ssh_tunnel.h"
#include "widgets/common/confirm.h"
#include "widgets/common/job_progress.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bc {

GceGeneratorBox::GceGeneratorBox(RunContext *context, QWidget *parent)
    : QGroupBox(tr("Where Locust runs"), parent)
    , m_context(context)
    , m_parts(BackendFactory(context).createLoadgen(this))
    , m_service(m_parts.service)
    , m_tunnel(m_parts.tunnel)
    , m_client(m_parts.locust)
    , m_results(m_parts.results)
    , m_paths(LoadgenService::defaultPaths())
    , m_profileFile(LoadgenProfileStore::defaultPath())
{
    setObjectName(u"whereLocustRuns"_s);
    auto *layout = new QVBoxLayout(this);
    auto *choice = new QHBoxLayout;
    m_local = new QRadioButton(tr("This machine"), this);
    m_local->setObjectName(u"runLocal"_s);
    m_gce = new QRadioButton(tr("GCE VMs (a master, workers and a bastion from infra/loadgen)"), this);
    m_gce->setObjectName(u"runOnGce"_s);
    m_local->setChecked(true);
    choice->addWidget(m_local);
    choice->addWidget(m_gce);
    choice->addStretch();
    layout->addLayout(choice);
    m_gceForm = createGceForm();
    layout->addWidget(m_gceForm);
    m_gceForm->setVisible(false);
    connect(m_gce, &QRadioButton::toggled, m_gceForm, &QWidget::setVisible);

    connect(m_service, &LoadgenService::stepStarted, this,
        [this](const QString &title, const QString &) { m_progress->setPhase(title); });
    connect(m_service, &LoadgenService::progress, this, [this](const ClusterProgress &p) {
        m_progress->setPhase(p.phase);
        m_progress->setFraction(p.fraction);
    });
    connect(m_service, &LoadgenService::finished, this, &GceGeneratorBox::onJobFinished);
    connect(m_progress, &JobProgress::cancelRequested, m_service, &LoadgenService::cancel);

    connect(m_tunnel, &SshTunnel::up, this, [this](quint16 port) {
        m_client->setBaseUrl(QUrl(u"http://127.0.0.1:%1"_s.arg(port)));
        m_client->startPolling();
        updateState();
        Q_EMIT masterChanged(masterUrl());
    });
    connect(m_tunnel, &SshTunnel::dropped, this, [this](const Error &e) {
        m_tunnelLabel->setText(e.message);
        Q_EMIT masterChanged({});
    });
    connect(m_client, &LocustClient::snapshotReceived, this, &GceGeneratorBox::showWorkers);
    connect(m_results, &LoadgenResults::finished, this, &GceGeneratorBox::resultsCollected);

    if (const Result<LoadgenProfile> stored = LoadgenProfileStore(m_profileFile).load())
        fillForm(stored.value());
    if (LoadgenService::readHosts(m_paths))
        connectTunnel(); // a generator left up by an earlier session (or the CLI)
    updateState();
}

GceGeneratorBox::~GceGeneratorBox()
{
    m_client->stopPolling();
    m_tunnel->stop();
}

QWidget *GceGeneratorBox::createGceForm()
{
    auto *form = new QWidget(this);
    auto *layout = new QVBoxLayout(form);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *fields = new QHBoxLayout;
    auto *left = new QFormLayout;
    auto *right = new QFormLayout;
    m_project = new QLineEdit(form);
    m_project->setObjectName(u"project"_s);
    m_project->setPlaceholderText(u"my-gcp-project"_s);
    m_zone = new QLineEdit(form);
    m_zone->setObjectName(u"zone"_s);
    m_machineType = new QLineEdit(form);
    m_machineType->setObjectName(u"machine_type"_s);
    left->addRow(tr("Project"), m_project);
    left->addRow(tr("Zone"), m_zone);
    left->addRow(tr("Machine type"), m_machineType);
    m_workers = new QSpinBox(form);
    m_workers->setObjectName(u"worker_no"_s);
    m_workers->setRange(1, LoadgenProfileValidator::kMaxWorkers);
    m_spot = new QCheckBox(tr("Spot VMs (cheaper; GCE may stop them)"), form);
    m_spot->setObjectName(u"spot"_s);
    auto *workersRow = new QHBoxLayout;
    workersRow->addWidget(m_workers);
    workersRow->addWidget(m_spot);
    workersRow->addStretch();
    m_sshKey = new QLineEdit(form);
    m_sshKey->setObjectName(u"ssh_public_key"_s);
    m_sshKey->setPlaceholderText(u"~/.ssh/locust.pub"_s);
    auto *browse = new QPushButton(tr("Browse..."), form);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file
            = QFileDialog::getOpenFileName(this, tr("SSH public key"), {}, tr("Public keys (*.pub)"));
        if (!file.isEmpty())
            m_sshKey->setText(file);
    });
    auto *keyRow = new QHBoxLayout;
    keyRow->addWidget(m_sshKey, 1);
    keyRow->addWidget(browse);
    m_sshUser = new QLineEdit(form);
    m_sshUser->setObjectName(u"ssh_user"_s);
    right->addRow(tr("Workers (worker_no)"), workersRow);
    right->addRow(tr("SSH public key"), keyRow);
    right->addRow(tr("SSH user"), m_sshUser);
    fields->addLayout(left, 1);
    fields->addLayout(right, 1);
    layout->addLayout(fields);

    m_problem = new QLabel(form);
    m_problem->setObjectName(u"profileProblem"_s);
    m_problem->setStyleSheet(u"color: palette(highlight);"_s);
    m_problem->setWordWrap(true);
    m_problem->hide();
    layout->addWidget(m_problem);
    for (QLineEdit *edit : {m_project, m_zone, m_machineType, m_sshKey, m_sshUser})
        connect(edit, &QLineEdit::editingFinished, this, [this] { checkForm(); });

    auto *buttons = new QHBoxLayout;
    m_provision = new QPushButton(tr("Provision"), form);
    m_provision->setToolTip(
        tr("terraform apply, then ansible-playbook through the bastion; again: applies only "
           "what changed"));
    m_replace = new QPushButton(tr("Replace missing workers"), form);
    m_destroy = new QPushButton(tr("Destroy..."), form);
    connect(m_provision, &QPushButton::clicked, this, [this] { provision(false); });
    connect(m_replace, &QPushButton::clicked, this, [this] { provision(true); });
    connect(m_destroy, &QPushButton::clicked, this, &GceGeneratorBox::destroy);
    m_cost = new QLabel(form);
    m_cost->setObjectName(u"generatorCost"_s);
    m_cost->setWordWrap(true);
    buttons->addWidget(m_provision);
    buttons->addWidget(m_replace);
    buttons->addWidget(m_destroy);
    buttons->addWidget(m_cost, 1);
    layout->addLayout(buttons);

    m_progress = new JobProgress(form);
    m_progress->setObjectName(u"generatorProgress"_s);
    layout->addWidget(m_progress);

    m_tunnelLabel = new QLabel(tr("No load generator is up."), form);
    m_tunnelLabel->setObjectName(u"tunnelState"_s);
    m_tunnelLabel->setWordWrap(true);
    layout->addWidget(m_tunnelLabel);
    m_workerTable = new QTableWidget(0, 4, form);
    m_workerTable->setObjectName(u"workerTable"_s);
    m_workerTable->setHorizontalHeaderLabels({tr("Worker"), tr("Locust state"), tr("Users"), tr("CPU %")});
    m_workerTable->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_workerTable->verticalHeader()->hide();
    m_workerTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_workerTable->setMaximumHeight(130);
    layout->addWidget(m_workerTable);
    return form;
}

bool GceGeneratorBox::isGce() const
{
    return m_gce->isChecked();
}

bool GceGeneratorBox::isUp() const
{
    return LoadgenService::isUp(m_paths);
}

QUrl GceGeneratorBox::masterUrl() const
{
    return m_tunnel->isUp() ? QUrl(u"http://127.0.0.1:%1"_s.arg(m_tunnel->localPort())) : QUrl();
}

void GceGeneratorBox::setPaths(const LoadgenPaths &paths)
{
    m_paths = paths;
    updateState();
}

void GceGeneratorBox::setProfileFile(const QString &path)
{
    m_profileFile = path;
    if (const Result<LoadgenProfile> stored = LoadgenProfileStore(path).load())
        fillForm(stored.value());
}

LoadgenProfile GceGeneratorBox::profileFromForm() const
{
    LoadgenProfile p;
    p.project = m_project->text().trimmed();
    p.zone = m_zone->text().trimmed();
    p.machineType = m_machineType->text().trimmed();
    p.workerNo = m_workers->value();
    p.spot = m_spot->isChecked();
    p.sshPublicKeyPath = m_sshKey->text().trimmed();
    p.sshUser = m_sshUser->text().trimmed();
    return p;
}

void GceGeneratorBox::fillForm(const LoadgenProfile &p)
{
    m_project->setText(p.project);
    m_zone->setText(p.zone);
    m_machineType->setText(p.machineType);
    m_workers->setValue(p.workerNo);
    m_spot->setChecked(p.spot);
    m_sshKey->setText(p.sshPublicKeyPath);
    m_sshUser->setText(p.sshUser);
}

bool GceGeneratorBox::checkForm()
{
    const auto problem = LoadgenProfileValidator::check(profileFromForm());
    for (QLineEdit *edit : {m_project, m_zone, m_machineType, m_sshKey, m_sshUser})
        edit->setStyleSheet(
            problem && edit->objectName() == problem->field ? u"border: 2px solid #c0392b;"_s : QString());
    m_problem->setVisible(problem.has_value());
    m_problem->setText(problem ? problem->message : QString());
    if (!problem) {
        const Result<LoadgenPrices> prices = LoadgenPrices::load(m_paths.prices());
        m_cost->setText(prices ? prices.value().estimate(profileFromForm()).text : prices.error().message);
    }
    return !problem;
}

void GceGeneratorBox::provision(bool workersOnly)
{
    if (!checkForm())
        return;
    const LoadgenProfile profile = profileFromForm();
    if (Status saved = LoadgenProfileStore(m_profileFile).save(profile); !saved) {
        m_progress->finish(false, saved.error().message);
        return;
    }
    m_job = workersOnly ? Job::Replace : Job::Up;
    m_progress->start(workersOnly ? tr("Replacing missing workers") : tr("Provisioning the load generator"));
    const Status started = workersOnly
        ? m_service->replaceWorkers(profile, m_paths, LoadgenOptions {m_targetHost, m_ansibleVars})
        : m_service->up(profile, m_paths, LoadgenOptions {m_targetHost, m_ansibleVars});
    if (!started) {
        m_job = Job::None;
        m_progress->finish(false, started.error().message);
    }
    updateState();
}

void GceGeneratorBox::destroy()
{
    const LoadgenProfile profile = profileFromForm();
    const Result<LoadgenHosts> hosts = LoadgenService::readHosts(m_paths);
    const Result<LoadgenPrices> prices = LoadgenPrices::load(m_paths.prices());
    QString what = hosts
        ? tr("Running: bastion %1, master %2, workers %3.")
              .arg(hosts.value().bastionIp, hosts.value().masterIp, hosts.value().workerIps.join(u", "_s))
        : tr("The Terraform state in %1.").arg(m_paths.terraformDir());
    const QString details = (prices ? tr("While it runs it costs %1.").arg(prices.value().estimate(profile).text)
                                    : prices.error().message)
        + u"\n\n"_s + tr("terraform destroy -auto-approve deletes every VM, the network and the firewall rules.");
    if (!confirmDestructive(this,
            DestructiveQuestion {.title = tr("Destroy the load generator?"),
                .text = what,
                .action = tr("Destroy"),
                .details = details,
                .objectName = QLatin1String(kDestroyConfirmName),
                .actionObjectName = u"confirmDestroy"_s}))
        return;
    m_client->stopPolling();
    m_tunnel->stop();
    Q_EMIT masterChanged({});
    m_job = Job::Down;
    m_progress->start(tr("Destroying the load generator"));
    if (const Status started = m_service->down(profile, m_paths); !started) {
        m_job = Job::None;
        m_progress->finish(false, started.error().message);
    }
    updateState();
}

void GceGeneratorBox::onJobFinished(const Status &status)
{
    const Job job = std::exchange(m_job, Job::None);
    if (!status) {
        m_progress->finish(false, status.error().message);
    } else if (job == Job::Down) {
        m_progress->finish(true, tr("The load generator is destroyed; no Terraform state is left."));
        m_workerTable->setRowCount(0);
    } else {
        m_progress->finish(
            true, job == Job::Replace ? tr("Missing workers replaced.") : tr("The load generator is up."));
        if (!m_tunnel->isRunning())
            connectTunnel();
    }
    updateState();
}

void GceGeneratorBox::connectTunnel()
{
    const Result<LoadgenHosts> hosts = LoadgenService::readHosts(m_paths);
    if (!hosts)
        return;
    const LoadgenCommandBuilder builder(LoadgenProfile {}, m_paths);
    m_tunnelLabel->setText(tr("Opening the SSH tunnel to the master through the bastion..."));
    m_tunnel->start([builder, h = hosts.value()](quint16 port) { return builder.tunnel(h, port); });
}

void GceGeneratorBox::collectResults(const QString &runDir)
{
    const Result<LoadgenHosts> hosts = LoadgenService::readHosts(m_paths);
    if (!hosts) {
        Q_EMIT resultsCollected(hosts.error());
        return;
    }
    m_results->collect(LoadgenCommandBuilder(LoadgenProfile {}, m_paths), hosts.value(), masterUrl(), runDir);
}

void GceGeneratorBox::showWorkers(const StatsSnapshot &snapshot)
{
    m_workerTable->setRowCount(int(snapshot.workers.size()));
    for (int row = 0; row < snapshot.workers.size(); ++row) {
        const WorkerStats &w = snapshot.workers[row];
        const QStringList cells {w.id, locustStateName(w.state), QString::number(w.userCount),
            QString::number(w.cpuPercent, 'f', 0)};
        for (int col = 0; col < cells.size(); ++col) {
            auto *item = new QTableWidgetItem(cells[col]);
            if (w.state == LocustState::Missing)
                item->setForeground(QColor(0xc0, 0x39, 0x2b));
            m_workerTable->setItem(row, col, item);
        }
    }
    updateState();
}

void GceGeneratorBox::updateState()
{
    const bool busy = m_service->isRunning();
    const bool up = isUp();
    m_provision->setEnabled(!busy);
    m_replace->setEnabled(!busy && up);
    m_destroy->setEnabled(!busy && up);
    if (m_tunnel->isUp()) {
        const auto &last = m_client->lastSnapshot();
        const int missing = last ? last->missingWorkers() : 0;
        m_tunnelLabel->setText(tr("Master reached through the SSH tunnel at %1 (%2 workers, %3 missing).")
                                   .arg(masterUrl().toString())
                                   .arg(last ? last->workers.size() : 0)
                                   .arg(missing));
    } else if (!up && !busy) {
        m_tunnelLabel->setText(tr("No load generator is up."));
    }
}

QString GceGeneratorBox::quitWarning(const LoadgenPaths &given)
{
    const LoadgenPaths paths = given.workDir.isEmpty() ? LoadgenService::defaultPaths() : given;
    if (!LoadgenService::isUp(paths))
        return {};
    QString cost;
    const Result<LoadgenProfile> profile = LoadgenProfileStore().load();
    const Result<LoadgenPrices> prices = LoadgenPrices::load(paths.prices());
    if (profile && prices)
        cost = u" "_s + prices.value().estimate(profile.value()).text + u"."_s;
    return tr("A GCE load generator is still up and costs money while it runs.%1 Destroy it in the Load test "
              "panel (or with `boutique-control loadgen down --yes`).")
        .arg(cost);
}

} // namespace bc
