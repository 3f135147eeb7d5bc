#include "widgets/deploy/deploy_panel.h"

#include "backend/core/logging.h"
#include "backend/deploy/deploy_job.h"
#include "backend/deploy/failure_reasons.h"
#include "backend/deploy/workloads_model.h"
#include "backend/kube/kube_client.h"
#include "backend/kube/kube_watch.h"
#include "backend/process/command_runner.h"
#include "backend/session/cluster_session.h"
#include "widgets/common/form_fields.h"
#include "widgets/common/inline_banner.h"
#include "widgets/common/job_progress.h"
#include "widgets/common/yaml_highlighter.h"
#include "widgets/deploy/rollout_view.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDesktopServices>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextEdit>
#include <QUrl>
#include <QVBoxLayout>

#include <utility>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace bc {

namespace {

constexpr int kLogTail = 500;
constexpr int kLogMaxLines = 20000;
constexpr auto kResyncSweep = 3s;
const QString kFrontendService = u"frontend-external"_s;
const QString kPending = u"<pending>"_s;

QTableView *makeTable(QSortFilterProxyModel *proxy, const QString &name)
{
    auto *view = new QTableView;
    view->setObjectName(name);
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->setVisible(false);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    view->horizontalHeader()->resizeSection(0, 260);
    view->sortByColumn(0, Qt::AscendingOrder);
    return view;
}

} // namespace

DeployPanel::DeployPanel(ClusterSession *session, QWidget *parent)
    : Panel(describe(), parent)
    , m_session(session)
    , m_client(session ? session->createClient(this) : nullptr)
    , m_pods(BackendFactory::createPodsModel(this))
    , m_deployments(BackendFactory::createDeploymentsModel(this))
    , m_podsProxy(new QSortFilterProxyModel(this))
    , m_deploymentsProxy(new QSortFilterProxyModel(this))
{
    m_confirm = confirmDestructiveHook(this);
    for (QSortFilterProxyModel *proxy : {m_podsProxy, m_deploymentsProxy}) {
        proxy->setSortRole(WorkloadsModel::SortRole);
        proxy->setFilterKeyColumn(0);
        proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    }
    m_podsProxy->setSourceModel(m_pods);
    m_deploymentsProxy->setSourceModel(m_deployments);
    m_failures = BackendFactory::createFailureReasons(this);
    m_deployments->setFailureReasons(m_failures);

    buildUi();

    m_logFlush.setInterval(100);
    m_logFlush.setSingleShot(true);
    connect(&m_logFlush, &QTimer::timeout, this, &DeployPanel::flushLogs);
    // Ages move on without events: repaint the tables (no model change) every few seconds.
    m_ageTick.setInterval(5000);
    connect(&m_ageTick, &QTimer::timeout, this, [this] {
        m_podView->viewport()->update();
        m_deploymentView->viewport()->update();
    });
    m_ageTick.start();

    if (m_session) {
        connect(m_session, &ClusterSession::targetChanged, this, &DeployPanel::setTarget);
        connect(m_session, &ClusterSession::disconnected, this, &DeployPanel::dropTarget);
        if (m_session->hasTarget())
            setTarget(m_session->target());
    }
    updateButtons();
}

DeployPanel::~DeployPanel()
{
    stopLogs();
}

PanelInfo DeployPanel::describe()
{
    return PanelInfo {
        .key = u"deploy"_s,
        .title = u"Deploy"_s,
        .icon = u"deploy"_s,
        .summary = u"Deploy Online Boutique to the selected cluster and watch every workload roll out."_s,
        .features = {u"Apply the Online Boutique manifests, with the order log service and its PostgreSQL"_s,
            u"Follow each deployment's rollout live: desired, ready and available replicas"_s,
            u"Open the storefront as soon as the frontend has an address"_s, u"Remove the demo again"_s},
        .needs = {u"A cluster (Cluster panel)"_s, u"kubectl"_s},
    };
}

void DeployPanel::buildUi()
{
    m_edition = new QComboBox;
    m_edition->setObjectName(u"edition"_s);
    m_edition->addItem(u"Minimal (the lab's 8 core services)"_s, int(ManifestSet::Edition::Minimal));
    m_edition->addItem(u"Full (the upstream release: 11 services and its load generator)"_s, int(ManifestSet::Edition::Full));
    m_canary = new QCheckBox(u"With canary"_s);
    m_canary->setObjectName(u"withCanary"_s);
    m_orderlog = new QCheckBox(u"With order log"_s);
    m_orderlog->setObjectName(u"withOrderlog"_s);
    m_orderlog->setToolTip(u"Also deploy orderlog-server (manifests/orderlog.yaml) with its checkout tap in front of "
                           "checkoutservice, and point the frontend's CHECKOUT_SERVICE_ADDR at it (kubectl set env), so "
                           "every checkout is logged and shows in the Order log panel. Deploying without it points the "
                           "frontend back at checkoutservice. Chosen for the local sandbox; on another cluster it needs "
                           "the orderlog image and the orderlog-db Secret."_s);
    m_deploy = new QPushButton(u"Deploy"_s);
    m_deploy->setObjectName(u"deployButton"_s);
    m_deploy->setDefault(true);
    auto *manifestLabel = new QLabel(u"&Manifests:"_s);
    manifestLabel->setBuddy(m_edition);
    contentLayout()->addWidget(buttonRow({manifestLabel, m_edition, m_canary, m_orderlog, m_deploy}));

    m_target = new QLabel(u"No cluster selected: choose one in the Cluster panel."_s);
    m_target->setObjectName(u"deployTarget"_s);
    m_target->setWordWrap(true);
    contentLayout()->addWidget(m_target);

    m_progress = new JobProgress;
    m_progress->setObjectName(u"deployProgress"_s);
    contentLayout()->addWidget(m_progress);

    auto *addressLabel = new QLabel(u"Storefront:"_s);
    m_address = new QLabel(kPending);
    m_address->setObjectName(u"frontendAddress"_s);
    m_address->setTextFormat(Qt::PlainText);
    m_address->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_copy = new QPushButton(u"Copy"_s);
    m_copy->setObjectName(u"copyAddress"_s);
    m_copy->setEnabled(false);
    m_loadTest = new QPushButton(u"Load test it"_s);
    m_loadTest->setObjectName(u"loadTestIt"_s);
    m_loadTest->setToolTip(u"Open the Load test panel aimed at this storefront"_s);
    m_loadTest->setEnabled(false);
    contentLayout()->addWidget(buttonRow({addressLabel, m_address, m_copy, m_loadTest}));

    m_tabs = new QTabWidget;
    m_tabs->setObjectName(u"deployTabs"_s);
    m_rolloutView = new RolloutView;
    m_tabs->addTab(m_rolloutView, u"Rollout"_s);
    m_tabs->addTab(buildWorkloadsTab(), u"Workloads"_s);
    contentLayout()->addWidget(m_tabs, 1);

    connect(m_deploy, &QPushButton::clicked, this, &DeployPanel::deploy);
    connect(m_progress, &JobProgress::cancelRequested, this, [this] {
        if (m_job)
            m_job->cancel();
    });
    connect(m_address, &QLabel::linkActivated, this,
        [](const QString &link) { QDesktopServices::openUrl(QUrl(link)); });
    connect(m_copy, &QPushButton::clicked, this, [this] {
        if (!m_frontendUrl.isEmpty())
            QApplication::clipboard()->setText(m_frontendUrl);
    });
    connect(m_loadTest, &QPushButton::clicked, this, [this] {
        if (!m_frontendUrl.isEmpty())
            Q_EMIT loadTestRequested(m_frontendUrl);
    });
}

QWidget *DeployPanel::buildWorkloadsTab()
{
    m_deploymentView = makeTable(m_deploymentsProxy, u"deploymentsTable"_s);
    m_podView = makeTable(m_podsProxy, u"podsTable"_s);
    m_podView->horizontalHeader()->resizeSection(WorkloadsModel::PodStatus, 150);
    // Narrow counts, so the Problem column (why a deployment fails) is in view.
    m_deploymentView->horizontalHeader()->resizeSection(WorkloadsModel::DeploymentName, 180);
    for (int column : {WorkloadsModel::DeploymentReady, WorkloadsModel::DeploymentUpToDate,
                       WorkloadsModel::DeploymentAvailable, WorkloadsModel::DeploymentAge})
        m_deploymentView->horizontalHeader()->resizeSection(column, 70);

    m_replicas = new QSpinBox;
    m_replicas->setObjectName(u"replicas"_s);
    m_replicas->setRange(0, 100);
    m_replicas->setPrefix(u"Replicas: "_s);
    auto *scale = new QPushButton(u"Scale"_s);
    scale->setObjectName(u"scaleButton"_s);
    auto *restart = new QPushButton(u"Restart rollout"_s);
    restart->setObjectName(u"restartButton"_s);
    auto *deploymentYaml = new QPushButton(u"YAML"_s);
    deploymentYaml->setObjectName(u"deploymentYaml"_s);
    auto *deployments = new QWidget;
    auto *dl = new QVBoxLayout(deployments);
    dl->setContentsMargins(0, 0, 0, 0);
    dl->addWidget(new QLabel(u"Deployments"_s));
    dl->addWidget(m_deploymentView, 1);
    dl->addWidget(buttonRow({m_replicas, scale, restart, deploymentYaml}));

    auto *filter = new QLineEdit;
    filter->setObjectName(u"podFilter"_s);
    filter->setPlaceholderText(u"Filter pods by name"_s);
    filter->setClearButtonEnabled(true);
    auto *logs = new QPushButton(u"Follow logs"_s);
    logs->setObjectName(u"logsButton"_s);
    auto *podYaml = new QPushButton(u"YAML"_s);
    podYaml->setObjectName(u"podYaml"_s);
    auto *remove = new QPushButton(u"Delete pod\u2026"_s);
    remove->setObjectName(u"deletePodButton"_s);
    auto *pods = new QWidget;
    auto *pl = new QVBoxLayout(pods);
    pl->setContentsMargins(0, 0, 0, 0);
    pl->addWidget(buttonRow({new QLabel(u"Pods"_s), filter}, false));
    pl->addWidget(m_podView, 1);
    pl->addWidget(buttonRow({logs, podYaml, remove}));
    m_workloadButtons << scale << restart << deploymentYaml << logs << podYaml << remove;

    auto *tables = new QSplitter(Qt::Horizontal);
    tables->addWidget(deployments);
    tables->addWidget(pods);
    tables->setStretchFactor(0, 2);
    tables->setStretchFactor(1, 3);

    m_logSearch = new QLineEdit;
    m_logSearch->setObjectName(u"logSearch"_s);
    m_logSearch->setPlaceholderText(u"Search the log (Enter: next match)"_s);
    m_logSearch->setClearButtonEnabled(true);
    m_logSource = new QLabel(u"No pod selected."_s);
    m_logSource->setObjectName(u"logSource"_s);
    m_logView = new QPlainTextEdit;
    m_logView->setObjectName(u"logView"_s);
    m_logView->setReadOnly(true);
    m_logView->setMaximumBlockCount(kLogMaxLines);
    m_logView->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_logView->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto *stop = new QPushButton(u"Stop"_s);
    stop->setObjectName(u"stopLogs"_s);
    auto *logTab = new QWidget;
    auto *ll = new QVBoxLayout(logTab);
    ll->setContentsMargins(0, 4, 0, 0);
    auto *logBar = new QWidget;
    auto *lb = new QHBoxLayout(logBar);
    lb->setContentsMargins(0, 0, 0, 0);
    lb->addWidget(m_logSource, 1);
    lb->addWidget(m_logSearch, 1);
    lb->addWidget(stop);
    ll->addWidget(logBar);
    ll->addWidget(m_logView, 1);

    m_yamlView = new QPlainTextEdit;
    m_yamlView->setObjectName(u"yamlView"_s);
    m_yamlView->setReadOnly(true);
    m_yamlView->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_yamlView->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    new YamlHighlighter(m_yamlView->document());

    m_detailTabs = new QTabWidget;
    m_detailTabs->addTab(logTab, u"Logs"_s);
    m_detailTabs->addTab(m_yamlView, u"YAML"_s);

    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(tables);
    split->addWidget(m_detailTabs);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    connect(filter, &QLineEdit::textChanged, m_podsProxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_deploymentView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        if (const Deployment *d = m_deployments->deployment(
                m_deployments->rowOf(selectedName(m_deploymentView, m_deployments))))
            m_replicas->setValue(d->desiredReplicas);
        updateButtons();
    });
    connect(m_podView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &DeployPanel::updateButtons);
    connect(scale, &QPushButton::clicked, this, [this] {
        const QString name = selectedName(m_deploymentView, m_deployments);
        if (!name.isEmpty())
            scaleDeployment(name, m_replicas->value());
    });
    connect(restart, &QPushButton::clicked, this, [this] {
        const QString name = selectedName(m_deploymentView, m_deployments);
        if (!name.isEmpty())
            restartDeployment(name);
    });
    connect(deploymentYaml, &QPushButton::clicked, this, [this] {
        const QString name = selectedName(m_deploymentView, m_deployments);
        if (!name.isEmpty())
            showYaml(u"deployment"_s, name);
    });
    connect(logs, &QPushButton::clicked, this, [this] {
        const QString name = selectedName(m_podView, m_pods);
        if (!name.isEmpty())
            followLogs(name);
    });
    connect(m_podView, &QTableView::doubleClicked, this, [this] {
        const QString name = selectedName(m_podView, m_pods);
        if (!name.isEmpty())
            followLogs(name);
    });
    connect(podYaml, &QPushButton::clicked, this, [this] {
        const QString name = selectedName(m_podView, m_pods);
        if (!name.isEmpty())
            showYaml(u"pod"_s, name);
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const QString name = selectedName(m_podView, m_pods);
        if (!name.isEmpty())
            deletePod(name);
    });
    connect(stop, &QPushButton::clicked, this, &DeployPanel::stopLogs);
    connect(m_logSearch, &QLineEdit::textChanged, this, [this] { findInLogs(false); });
    connect(m_logSearch, &QLineEdit::returnPressed, this, [this] { findInLogs(true); });
    return split;
}

void DeployPanel::setTarget(const KubeTarget &target)
{
    dropTarget();
    m_hasTarget = true;
    m_client->setTarget(target);
    m_orderlog->setChecked(m_session->sandbox() && target == m_session->sandbox()->target());
    m_target->setText(u"Cluster: %1 (context %2, namespace %3)"_s.arg(
        m_session->environmentName(), target.context.isEmpty() ? u"current"_s : target.context, target.ns));
    m_podWatch = m_session->createWatch(u"pods"_s, this);
    m_deploymentWatch = m_session->createWatch(u"deployments"_s, this);
    m_serviceWatch = m_session->createWatch(u"services"_s, this);
    for (auto [watch, model] : {std::pair {m_podWatch, m_pods}, std::pair {m_deploymentWatch, m_deployments}}) {
        connect(watch, &KubeWatch::eventsReceived, model, &WorkloadsModel::applyEvents);
        connect(watch, &KubeWatch::resynced, model, [model] {
            model->beginResync();
            QTimer::singleShot(kResyncSweep, model, &WorkloadsModel::sweepStale);
        });
    }
    connect(m_serviceWatch, &KubeWatch::eventsReceived, this, &DeployPanel::onServiceEvents);
    m_eventWatch = m_session->createWatch(u"events"_s, this);
    connect(m_podWatch, &KubeWatch::eventsReceived, m_failures, &FailureReasons::applyPodEvents);
    connect(m_podWatch, &KubeWatch::resynced, m_failures, &FailureReasons::clearPods);
    connect(m_eventWatch, &KubeWatch::eventsReceived, m_failures, &FailureReasons::applyClusterEvents);
    m_eventWatch->start();
    m_podWatch->start();
    m_deploymentWatch->start();
    m_serviceWatch->start();
    updateButtons();
    if (std::exchange(m_pendingDeploy, false))
        deploy();
}

void DeployPanel::dropTarget()
{
    stopLogs();
    for (KubeWatch **watch : {&m_podWatch, &m_deploymentWatch, &m_serviceWatch, &m_eventWatch}) {
        if (*watch) {
            (*watch)->stop();
            (*watch)->deleteLater();
            *watch = nullptr;
        }
    }
    m_pods->clear();
    m_deployments->clear();
    m_failures->clear();
    setFrontendUrl({});
    m_hasTarget = false;
    m_target->setText(u"No cluster selected: choose one in the Cluster panel."_s);
    updateButtons();
}

void DeployPanel::setEdition(ManifestSet::Edition edition, bool withCanary)
{
    m_edition->setCurrentIndex(m_edition->findData(int(edition)));
    m_canary->setChecked(withCanary);
}

void DeployPanel::deployWhenConnected(ManifestSet::Edition edition, bool withCanary)
{
    setEdition(edition, withCanary);
    if (m_hasTarget)
        deploy();
    else
        m_pendingDeploy = true;
}

bool DeployPanel::deploy()
{
    if (m_job || !m_session)
        return false;
    if (!m_hasTarget) {
        banner()->showMessage(InlineBanner::Level::Warning,
            u"No cluster selected: choose the local sandbox or another cluster in the Cluster panel first."_s);
        return false;
    }
    banner()->dismiss();
    const auto edition = ManifestSet::Edition(m_edition->currentData().toInt());
    DeployRequest request;
    request.files = ManifestSet::files(edition, m_canary->isChecked(), m_orderlog->isChecked());
    m_job = m_session->createDeployJob(request, this);
    m_succeeded = false;
    m_rollout.clear();
    onProgress({});
    connect(m_job, &DeployJob::phaseChanged, this, [this](DeployJob::Phase phase) {
        switch (phase) {
        case DeployJob::Phase::Checking: m_progress->setPhase(u"Reading the manifests\u2026"_s); break;
        case DeployJob::Phase::Applying:
            m_progress->setPhase(u"Applying the manifests (kubectl apply)\u2026"_s);
            break;
        case DeployJob::Phase::WaitingForRollout:
            m_progress->setPhase(u"Waiting for every deployment to become available\u2026"_s);
            break;
        case DeployJob::Phase::WaitingForAddress:
            m_progress->setPhase(u"Waiting for the storefront's external address (Service frontend-external)\u2026"_s);
            break;
        default: break;
        }
    });
    connect(m_job, &DeployJob::progressChanged, this, &DeployPanel::onProgress);
    connect(m_job, &DeployJob::finished, this, [this, job = m_job](const Status &status) {
        m_job->deleteLater();
        m_job = nullptr;
        m_succeeded = bool(status);
        qCInfo(lcUi).noquote() << u"deploy finished: %1"_s.arg(status ? u"ok"_s : status.error().message);
        if (status) {
            const QString url = job->storefrontUrl();
            if (!url.isEmpty())
                setFrontendUrl(url);
            m_progress->finish(true, url.isEmpty() ? u"Deployed: every deployment is available."_s
                                                   : u"Deployed: every deployment is available; the shop is at %1."_s.arg(url));
        } else {
            const bool cancelled = status.error().kind == Error::Kind::Cancelled;
            m_progress->finish(false, cancelled ? u"Cancelled."_s : u"Deploy failed: %1"_s.arg(status.error().message));
            if (!cancelled)
                banner()->showError(status.error());
        }
        updateButtons();
        Q_EMIT deployFinished(status);
    });
    m_progress->start(u"Reading the manifests\u2026"_s);
    qCInfo(lcUi).noquote() << u"deploy started: %1"_s.arg(request.files.join(u' '));
    m_tabs->setCurrentIndex(0);
    updateButtons();
    Q_EMIT deployStarted(m_job);
    m_job->start();
    return true;
}

void DeployPanel::onProgress(const QList<DeploymentProgress> &progress)
{
    m_rollout = progress;
    const double fraction = m_rolloutView->show(progress);
    if (m_job && fraction >= 0)
        m_progress->setFraction(fraction);
}

void DeployPanel::onServiceEvents(const QList<WatchEvent> &events)
{
    for (const WatchEvent &event : events) {
        const Service service = serviceFromJson(event.object);
        if (service.meta.name != kFrontendService)
            continue;
        setFrontendUrl(event.type == WatchEvent::Type::Deleted ? QString() : service.externalUrl());
    }
}

void DeployPanel::setFrontendUrl(const QString &url)
{
    m_frontendUrl = url;
    m_copy->setEnabled(!url.isEmpty());
    m_loadTest->setEnabled(!url.isEmpty());
    if (url.isEmpty()) {
        m_address->setTextFormat(Qt::PlainText);
        m_address->setText(kPending);
        m_address->setToolTip({});
    } else {
        m_address->setTextFormat(Qt::RichText);
        m_address->setText(u"<a href=\"%1\">%1</a>"_s.arg(url.toHtmlEscaped()));
        m_address->setToolTip(u"Open the shop in your browser"_s);
    }
}

void DeployPanel::showWorkloads()
{
    m_tabs->setCurrentIndex(1);
}

QString DeployPanel::selectedName(QTableView *view, WorkloadsModel *model) const
{
    const QModelIndex current = view->selectionModel()->currentIndex();
    if (!current.isValid())
        return {};
    return model->nameAt(static_cast<QSortFilterProxyModel *>(view->model())->mapToSource(current).row());
}

void DeployPanel::followLogs(const QString &pod)
{
    stopLogs();
    m_logView->clear();
    m_logBuffer.clear();
    m_logSource->setText(u"Following %1 (last %2 lines)"_s.arg(pod).arg(kLogTail));
    m_detailTabs->setCurrentIndex(0);
    CommandRunner *runner = m_client ? m_client->streamLogs(pod, kLogTail, true, this) : nullptr;
    if (!runner) {
        report(u"logs"_s, Error {Error::Kind::Failed, u"Could not follow the logs of %1."_s.arg(pod)});
        return;
    }
    m_logs = runner;
    connect(runner, &CommandRunner::stdoutLine, this, [this](const QString &line) {
        m_logBuffer.append(line);
        if (!m_logFlush.isActive())
            m_logFlush.start();
    });
    connect(runner, &CommandRunner::finished, this, [this, runner, pod](const CommandResult &result) {
        flushLogs();
        if (m_logs == runner) {
            m_logs = nullptr;
            if (!result.succeeded() && result.outcome != CommandResult::Outcome::Cancelled) {
                m_logSource->setText(u"Logs of %1 ended: %2"_s.arg(pod, result.toError().message));
            } else {
                m_logSource->setText(u"Logs of %1 (stopped)"_s.arg(pod));
            }
        }
        runner->deleteLater();
    });
}

void DeployPanel::stopLogs()
{
    if (CommandRunner *runner = m_logs.data()) {
        m_logs = nullptr;
        runner->cancel();
    }
}

void DeployPanel::flushLogs()
{
    if (m_logBuffer.isEmpty())
        return;
    QScrollBar *bar = m_logView->verticalScrollBar();
    const bool atEnd = bar->value() == bar->maximum();
    m_logView->appendPlainText(m_logBuffer.join(u'\n'));
    m_logBuffer.clear();
    if (atEnd)
        bar->setValue(bar->maximum());
    if (!m_logSearch->text().isEmpty())
        findInLogs(false);
}

QString DeployPanel::logText() const
{
    return m_logView->toPlainText();
}

void DeployPanel::findInLogs(bool next)
{
    const QString needle = m_logSearch->text();
    QList<QTextEdit::ExtraSelection> marks;
    if (!needle.isEmpty()) {
        QTextCharFormat format;
        format.setBackground(QColor(0xff, 0xe0, 0x82));
        format.setForeground(Qt::black);
        QTextDocument *doc = m_logView->document();
        QTextCursor cursor(doc);
        while (marks.size() < 1000) {
            cursor = doc->find(needle, cursor);
            if (cursor.isNull())
                break;
            marks.append(QTextEdit::ExtraSelection {cursor, format});
        }
        if (next && !m_logView->find(needle)) {
            m_logView->moveCursor(QTextCursor::Start);
            m_logView->find(needle);
        }
    }
    m_logView->setExtraSelections(marks);
}

void DeployPanel::showYaml(const QString &resource, const QString &name)
{
    m_detailTabs->setCurrentIndex(1);
    m_yamlView->setPlainText(u"# Loading %1/%2\u2026"_s.arg(resource, name));
    if (!m_client)
        return;
    m_client->getYaml(resource, name, [this, resource, name](const Result<QString> &yaml) {
        if (!yaml) {
            m_yamlView->setPlainText(u"# %1"_s.arg(yaml.error().message));
            report(u"yaml"_s, yaml.error());
            return;
        }
        m_yamlView->setPlainText(yaml.value());
        Q_EMIT actionFinished(u"yaml"_s, Status {std::monostate {}});
    });
}

QString DeployPanel::yamlText() const
{
    return m_yamlView->toPlainText();
}

void DeployPanel::scaleDeployment(const QString &name, int replicas)
{
    if (!m_client)
        return;
    m_client->scale(name, replicas, [this](const Result<QString> &r) {
        report(u"scale"_s, r ? Status {std::monostate {}} : Status {r.error()});
    });
}

void DeployPanel::restartDeployment(const QString &name)
{
    if (!m_client)
        return;
    m_client->rolloutRestart(name, [this](const Result<QString> &r) {
        report(u"restart"_s, r ? Status {std::monostate {}} : Status {r.error()});
    });
}

bool DeployPanel::deletePod(const QString &name)
{
    if (!m_client)
        return false;
    if (!m_confirm(u"Delete pod"_s,
            u"Delete pod \u201c%1\u201d? Its deployment starts a replacement."_s.arg(name), u"Delete pod"_s))
        return false;
    m_client->deleteObject(u"pod"_s, name, [this](const Result<QString> &r) {
        report(u"delete"_s, r ? Status {std::monostate {}} : Status {r.error()});
    });
    return true;
}

void DeployPanel::report(const QString &what, const Status &status)
{
    if (!status)
        banner()->showError(status.error());
    Q_EMIT actionFinished(what, status);
}

void DeployPanel::updateButtons()
{
    m_deploy->setEnabled(m_hasTarget && !m_job);
    m_edition->setEnabled(!m_job);
    m_canary->setEnabled(!m_job);
    m_orderlog->setEnabled(!m_job);
    const bool deploymentSelected = !selectedName(m_deploymentView, m_deployments).isEmpty();
    const bool podSelected = !selectedName(m_podView, m_pods).isEmpty();
    for (int i = 0; i < m_workloadButtons.size(); ++i)
        m_workloadButtons.at(i)->setEnabled(m_hasTarget && (i < 3 ? deploymentSelected : podSelected));
}

} // namespace bc
