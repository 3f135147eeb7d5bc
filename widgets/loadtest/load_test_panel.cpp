#include "widgets/loadtest/load_test_panel.h"

#include "backend/deploy/storefront_address.h"
#include "backend/kube/kube_client.h"
#include "backend/load/endpoint_stats_model.h"
#include "backend/load/load_session.h"
#include "backend/load/locust_client.h"
#include "backend/load/ramp_plan.h"
#include "backend/load/run_store.h"
#include "backend/metrics/metrics_poller.h"
#include "backend/session/backend_factory.h"
#include "backend/session/cluster_session.h"
#include "backend/timeline/load_timeline.h"
#include "backend/timeline/pod_series_recorder.h"
#include "widgets/charts/live_chart.h"
#include "widgets/loadtest/pod_cpu_picker.h"
#include "widgets/loadtest/version_stats_view.h"
#include "widgets/common/inline_banner.h"
#include "widgets/loadtest/gce_generator_box.h"

#include <QChart>
#include <QDesktopServices>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QUrl>

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace Qt::StringLiterals;

namespace bc {

namespace {
QList<QPointF> column(const QList<LoadSample> &samples, double LoadSample::*field)
{
    QList<QPointF> points;
    points.reserve(samples.size());
    for (const LoadSample &s : samples)
        points.append({s.elapsedS, s.*field});
    return points;
}
} // namespace

LoadTestPanel::LoadTestPanel(RunContext *context, ClusterSession *cluster, QWidget *parent)
    : Panel(describe(), parent), m_context(context), m_cluster(cluster), m_runsRoot(RunStore::defaultRoot())
{
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    auto *top = new QWidget(splitter);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(createControls());
    m_where = new GceGeneratorBox(m_context, top);
    connect(m_host, &QLineEdit::textChanged, m_where, &GceGeneratorBox::setTargetHost);
    m_where->setTargetHost(m_host->text());
    connect(m_where->gceButton(), &QRadioButton::toggled, m_workers, &QWidget::setDisabled); // GCE: worker_no
    topLayout->addWidget(m_where);
    m_podPicker = new PodCpuPicker(top);
    connect(m_podPicker, &PodCpuPicker::podChosen, this, &LoadTestPanel::addPodCpu);
    connect(m_podPicker, &PodCpuPicker::deploymentChosen, this, &LoadTestPanel::addDeploymentCpu);
    connect(m_podPicker, &PodCpuPicker::clearRequested, this, &LoadTestPanel::clearPodCpu);
    topLayout->addWidget(m_podPicker);
    topLayout->addWidget(createCharts(), 1);
    splitter->addWidget(top);
    splitter->addWidget(createTables());
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({3000, 1000}); // charts first: the table scrolls, a squeezed chart elides its labels
    contentLayout()->addWidget(splitter);

    if (m_cluster) {
        connect(m_cluster, &ClusterSession::targetChanged, this, [this] { fillHostFromCluster(); });
        if (m_cluster->hasTarget())
            fillHostFromCluster();
    }
    refreshRuns();
    updateButtons();
    updateChartsSource();
}

LoadTestPanel::~LoadTestPanel() = default;

PanelInfo LoadTestPanel::describe()
{
    return PanelInfo{
        .key = u"loadtest"_s,
        .title = u"Load test"_s,
        .icon = u"loadtest"_s,
        .summary = u"Send realistic shopper traffic to the storefront with Locust and chart requests per second, "
                   "response times and failures as they happen."_s,
        .features = {u"Set users, spawn rate and duration; run on this machine or spread over several workers"_s,
                     u"Live charts of requests per second, median and 95th percentile response times, and failures"_s,
                     u"Add the CPU of chosen pods or deployments to the requests chart, on a second axis"_s,
                     u"Keep every run on disk to compare it with the next one, with the pods' CPU taken while it ran"_s},
        .needs = {u"Online Boutique deployed (Deploy panel)"_s, u"locust"_s, u"ssh, for a remote load generator"_s},
    };
}

QWidget *LoadTestPanel::createControls()
{
    auto *box = new QGroupBox(tr("Run"), this);
    auto *row = new QHBoxLayout(box);
    auto *form = new QFormLayout;
    m_host = new QLineEdit(box);
    m_host->setObjectName(u"host"_s);
    m_host->setPlaceholderText(u"http://127.0.0.2 (the shop's external address)"_s);
    auto *useShop = new QPushButton(tr("Use shop address"), box);
    useShop->setEnabled(m_cluster != nullptr);
    useShop->setObjectName(u"useShopAddress"_s);
    connect(useShop, &QPushButton::clicked, this, [this] { useShopAddress(false); });
    auto *hostRow = new QHBoxLayout;
    hostRow->addWidget(m_host, 1);
    hostRow->addWidget(useShop);
    form->addRow(tr("Target host"), hostRow);

    m_users = new QSpinBox(box);
    m_users->setRange(1, 100000);
    m_users->setValue(50);
    m_spawnRate = new QDoubleSpinBox(box);
    m_spawnRate->setRange(0.1, 10000);
    m_spawnRate->setValue(10);
    m_applyUsers = new QPushButton(tr("Set users now"), box);
    m_applyUsers->setToolTip(tr("Change the number of users of the running test"));
    connect(m_applyUsers, &QPushButton::clicked, this, [this] {
        if (m_session)
            m_session->setUsers(m_users->value());
    });
    auto *usersRow = new QHBoxLayout;
    usersRow->addWidget(m_users);
    usersRow->addWidget(new QLabel(tr("spawn rate /s"), box));
    usersRow->addWidget(m_spawnRate);
    usersRow->addWidget(m_applyUsers);
    usersRow->addStretch();
    form->addRow(tr("Users"), usersRow);

    m_duration = new QLineEdit(u"60s"_s, box);
    m_duration->setMaximumWidth(90);
    m_workers = new QSpinBox(box);
    m_workers->setRange(1, 32);
    m_workers->setValue(2);
    m_ramp = new QLineEdit(box);
    m_ramp->setPlaceholderText(u"optional: 100:750:50:60s"_s);
    m_ramp->setToolTip(tr("Step ramp FROM:TO:STEP:EVERY, e.g. 100 to 750 users in steps of 50 every 60 s"));
    auto *runRow = new QHBoxLayout;
    runRow->addWidget(m_duration);
    runRow->addWidget(new QLabel(tr("workers"), box));
    runRow->addWidget(m_workers);
    runRow->addWidget(new QLabel(tr("ramp"), box));
    runRow->addWidget(m_ramp, 1);
    form->addRow(tr("Duration"), runRow);
    row->addLayout(form, 3);

    auto *side = new QVBoxLayout;
    m_start = new QPushButton(tr("Start"), box);
    m_start->setShortcut(QKeySequence(u"Ctrl+Return"_s));
    m_start->setToolTip(tr("Start a load test (Ctrl+Return)"));
    m_stop = new QPushButton(tr("Stop"), box);
    m_stop->setShortcut(QKeySequence(u"Ctrl+."_s));
    connect(m_start, &QPushButton::clicked, this, &LoadTestPanel::startRun);
    connect(m_stop, &QPushButton::clicked, this, &LoadTestPanel::stopRun);
    m_state = new QLabel(tr("Idle"), box);
    m_state->setObjectName(u"runState"_s);
    m_state->setWordWrap(true);
    side->addWidget(m_start);
    side->addWidget(m_stop);
    side->addWidget(m_state);
    side->addStretch();
    row->addLayout(side, 1);
    return box;
}

QWidget *LoadTestPanel::createCharts()
{
    auto *charts = new QWidget(this);
    auto *layout = new QGridLayout(charts);
    layout->setContentsMargins(0, 0, 0, 0);
    m_rpsChart = new LiveChart(tr("Requests per second"), tr("per second"), charts);
    m_latencyChart = new LiveChart(tr("Response time"), tr("ms"), charts);
    m_usersChart = new LiveChart(tr("Users and workers"), tr("count"), charts);
    m_endpointChart = new LiveChart(tr("Slowest endpoints (average since start)"), tr("ms"), charts);
    layout->addWidget(m_rpsChart, 0, 0);
    layout->addWidget(m_latencyChart, 0, 1);
    layout->addWidget(m_usersChart, 1, 0);
    layout->addWidget(m_endpointChart, 1, 1);
    bindCharts();
    return charts;
}

const LoadHistory *LoadTestPanel::shownHistory() const
{
    if (m_shownHistory)
        return m_shownHistory;
    return m_session ? &m_session->history() : nullptr;
}

void LoadTestPanel::showHistory(const LoadHistory *history)
{
    m_shownHistory = history;
    refreshCharts();
    updateChartsSource();
}

QString LoadTestPanel::shownRunDir() const
{
    if (m_openedRun && m_shownHistory == m_openedRun.get())
        return m_openedRunDir;
    if (m_shownHistory) // a history given by showHistory(): no folder of its own
        return {};
    return m_session ? m_session->runDir() : QString();
}

void LoadTestPanel::showSelectedRun()
{
    QListWidgetItem *item = m_runs->currentItem();
    if (!item) {
        banner()->showMessage(InlineBanner::Level::Info, tr("Select a saved run first."));
        return;
    }
    const QString dir = item->data(Qt::UserRole).toString();
    const auto samples = RunFolder(dir).readHistory();
    if (!samples) {
        banner()->showError(samples.error());
        return;
    }
    auto history = std::make_unique<LoadHistory>(std::max<qsizetype>(LoadHistory::kRingCapacity, samples.value().size()));
    for (const LoadSample &sample : samples.value())
        history->append(sample);
    m_openedRun = std::move(history);
    m_openedRunDir = dir;
    showHistory(m_openedRun.get());
}

void LoadTestPanel::showLiveRun()
{
    m_openedRunDir.clear();
    showHistory(nullptr);
    m_openedRun.reset();
}

void LoadTestPanel::updateChartsSource()
{
    const QString dir = shownRunDir();
    if (m_openedRun && m_shownHistory == m_openedRun.get())
        m_chartsSource->setText(tr("Charts show the saved run %1.").arg(QFileInfo(dir).fileName()));
    else if (m_shownHistory)
        m_chartsSource->setText(tr("Charts show a history that belongs to no saved run."));
    else
        m_chartsSource->setText(dir.isEmpty() ? tr("Charts show the live run (none yet).")
                                              : tr("Charts show the live run %1.").arg(QFileInfo(dir).fileName()));
}

void LoadTestPanel::bindCharts()
{
    const auto ring = [this](auto member) {
        return [this, member]() -> QList<QPointF> {
            const LoadHistory *h = shownHistory();
            return h ? (h->*member)().ordered() : QList<QPointF>();
        };
    };
    const auto samples = [this] { return shownHistory() ? shownHistory()->samples() : QList<LoadSample>(); };
    m_rpsChart->addSeries(tr("requests/s"), ring(&LoadHistory::rps));
    m_rpsChart->addSeries(tr("failures/s"), ring(&LoadHistory::failPerSec));
    m_latencyChart->addSeries(tr("median"), ring(&LoadHistory::p50));
    m_latencyChart->addSeries(tr("p95"), ring(&LoadHistory::p95));
    m_latencyChart->addSeries(tr("p99 (cumulative)"), [samples] { return column(samples(), &LoadSample::p99Ms); });
    m_latencyChart->addSeries(tr("average (cumulative)"), [samples] { return column(samples(), &LoadSample::avgMs); });
    m_usersChart->addSeries(tr("users"), ring(&LoadHistory::users));
    m_usersChart->addSeries(tr("workers"), [samples] {
        QList<QPointF> points;
        for (const LoadSample &s : samples())
            points.append({s.elapsedS, double(s.workersRunning)});
        return points;
    });
    // A fixed set of lines for the slowest endpoints; rankEndpoints() decides which endpoint each shows.
    // Eight colours that stay apart (the chart theme repeats after five); names in a column at the right,
    // where "POST /cart/checkout" fits.
    static const char *const kSlotColors[kChartedEndpoints] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                                               "#9467bd", "#8c564b", "#e377c2", "#17becf"};
    for (int slot = 0; slot < kChartedEndpoints; ++slot) {
        QLineSeries *line = m_endpointChart->addSeries(QString(), [this, slot]() -> QList<QPointF> {
            const LoadHistory *h = shownHistory();
            if (!h || slot >= m_slowest.size() || m_slowest[slot] >= h->endpointTraces().size())
                return {};
            return h->endpointTraces().at(m_slowest[slot]).avgMs.ordered();
        });
        QPen pen = line->pen();
        pen.setColor(QColor::fromString(QLatin1StringView(kSlotColors[slot])));
        line->setPen(pen);
    }
    m_endpointChart->chart()->legend()->setAlignment(Qt::AlignRight);
    rankEndpoints(); // no run yet: no lines, and no unnamed legend entries
}

void LoadTestPanel::rankEndpoints()
{
    const LoadHistory *h = shownHistory();
    const QList<EndpointTrace> empty;
    const QList<EndpointTrace> &traces = h ? h->endpointTraces() : empty;
    QList<qsizetype> order(traces.size());
    std::iota(order.begin(), order.end(), 0);
    const auto latest = [&traces](qsizetype i) { return traces[i].avgMs.isEmpty() ? 0.0 : traces[i].avgMs.last().y(); };
    const qsizetype shown = std::min<qsizetype>(kChartedEndpoints, order.size());
    std::partial_sort(order.begin(), order.begin() + shown, order.end(),
                      [&latest](qsizetype a, qsizetype b) { return latest(a) > latest(b); });
    order.resize(shown);
    m_slowest = order;
    const QList<QAbstractSeries *> lines = m_endpointChart->chart()->series();
    for (int slot = 0; slot < kChartedEndpoints && slot < lines.size(); ++slot) {
        const QString name = slot < shown ? traces[m_slowest[slot]].key : QString();
        if (lines[slot]->name() != name)
            lines[slot]->setName(name);
        lines[slot]->setVisible(slot < shown);
    }
}

void LoadTestPanel::refreshCharts()
{
    rankEndpoints();
    for (LiveChart *c : {m_rpsChart, m_latencyChart, m_usersChart, m_endpointChart})
        c->refreshNow();
}

QWidget *LoadTestPanel::createTables()
{
    auto *tabs = new QTabWidget(this);
    m_endpoints = BackendFactory::createEndpointStatsModel(this);
    m_endpointView = new QTableView(tabs);
    m_endpointView->setModel(m_endpoints);
    // Figures as wide as they need, the endpoint's name takes the rest (it had ~25 px at 1200 px).
    m_endpointView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_endpointView->horizontalHeader()->setSectionResizeMode(EndpointStatsModel::Name, QHeaderView::Stretch);
    m_endpointView->verticalHeader()->hide();
    m_endpointView->setAlternatingRowColors(true);
    tabs->addTab(m_endpointView, tr("Endpoints"));
    // v1 and v2 of the canary side by side, apart from the endpoints (they count those pages again).
    m_versions = new VersionStatsView(tabs);
    tabs->addTab(m_versions, tr("By version"));

    auto *runsPage = new QWidget(tabs);
    auto *runsLayout = new QHBoxLayout(runsPage);
    m_runs = new QListWidget(runsPage);
    m_runs->setObjectName(u"runs"_s);
    // Which run the charts draw, above the list (the button column is too short for it).
    m_chartsSource = new QLabel(runsPage);
    m_chartsSource->setObjectName(u"chartsSource"_s);
    auto *listColumn = new QVBoxLayout;
    listColumn->addWidget(m_chartsSource);
    listColumn->addWidget(m_runs, 1);
    runsLayout->addLayout(listColumn, 1);
    auto *buttons = new QVBoxLayout;
    auto *open = new QPushButton(tr("Open report"), runsPage);
    auto *show = new QPushButton(tr("Show this run"), runsPage);
    show->setObjectName(u"showRun"_s);
    show->setToolTip(tr("Draw the selected saved run alone on the charts"));
    auto *live = new QPushButton(tr("Show live run"), runsPage);
    live->setObjectName(u"showLive"_s);
    auto *compare = new QPushButton(tr("Compare on charts"), runsPage);
    auto *exportPng = new QPushButton(tr("Save chart images"), runsPage);
    exportPng->setToolTip(tr("Save the charts as PNG files in the folder of the run they show"));
    auto *refresh = new QPushButton(tr("Refresh"), runsPage);
    connect(open, &QPushButton::clicked, this, [this] {
        if (QListWidgetItem *item = m_runs->currentItem())
            QDesktopServices::openUrl(QUrl::fromLocalFile(item->data(Qt::UserRole).toString() + u"/report.html"_s));
    });
    connect(show, &QPushButton::clicked, this, &LoadTestPanel::showSelectedRun);
    connect(live, &QPushButton::clicked, this, &LoadTestPanel::showLiveRun);
    connect(compare, &QPushButton::clicked, this, &LoadTestPanel::compareSelectedRun);
    connect(exportPng, &QPushButton::clicked, this, &LoadTestPanel::exportChartImages);
    connect(refresh, &QPushButton::clicked, this, &LoadTestPanel::refreshRuns);
    for (QPushButton *b : {open, show, live, compare, exportPng, refresh})
        buttons->addWidget(b);
    buttons->addStretch();
    runsLayout->addLayout(buttons);
    tabs->addTab(runsPage, tr("Saved runs"));
    return tabs;
}

void LoadTestPanel::setRunsRoot(const QString &root)
{
    m_runsRoot = root;
    refreshRuns();
}

void LoadTestPanel::setPodMetrics(MetricsPoller *poller)
{
    m_podMetrics = poller;
    m_podPicker->setPoller(poller);
}

QStringList LoadTestPanel::podCpuSeries() const
{
    QStringList names;
    for (const QLineSeries *line : m_podLines)
        names.append(line->name());
    return names;
}

void LoadTestPanel::addPodCpu(const QString &pod)
{
    addCpuLine(pod, false);
}

void LoadTestPanel::addDeploymentCpu(const QString &deployment)
{
    addCpuLine(deployment, true);
}

void LoadTestPanel::addCpuLine(const QString &name, bool deployment)
{
    const QString title = tr("%1 CPU").arg(name);
    if (name.isEmpty() || podCpuSeries().contains(title))
        return;
    // Dashed, in colours the theme's requests (blue) and failures (green) lines do not use.
    static const char *const kColors[] = {"#9467bd", "#d62728", "#8c564b", "#e377c2", "#17becf", "#bcbd22"};
    m_rpsChart->setRightTitle(tr("millicores"));
    QLineSeries *line = m_rpsChart->addRightSeries(
        title, [this, name, deployment] { return podCpuPoints(name, deployment); });
    QPen pen = line->pen();
    pen.setColor(QColor::fromString(QLatin1StringView(kColors[size_t(m_podLines.size()) % std::size(kColors)])));
    pen.setWidthF(2);
    line->setPen(pen);
    m_podLines.append(line);
    m_podPicker->setClearEnabled(true);
    m_rpsChart->refreshNow();
}

void LoadTestPanel::clearPodCpu()
{
    for (QLineSeries *line : std::as_const(m_podLines))
        m_rpsChart->removeSeries(line);
    m_podLines.clear();
    m_podPicker->setClearEnabled(false);
    m_rpsChart->refreshNow();
}

QList<QPointF> LoadTestPanel::podCpuPoints(const QString &name, bool deployment) const
{
    const LoadHistory *history = shownHistory();
    if (!m_podMetrics || !history || history->isEmpty())
        return {};
    // The pods on the run's clock: from just before it started (its baseline) to its end.
    const LoadTimeline run(history->samples(), {});
    const qint64 origin = run.originMs();
    const LoadTimeline timeline(history->samples(),
        PodSeriesRecorder::collect(*m_podMetrics, origin - PodSeriesRecorder::kLeadInMs, {},
            deployment ? QStringList{} : QStringList{name}));
    QList<QPointF> points = deployment ? timeline.deploymentCpu(name) : timeline.cpu(name);
    const bool running = m_session && history == &m_session->history()
        && (m_session->phase() == LoadSession::Phase::Running || m_session->phase() == LoadSession::Phase::Finishing);
    if (!running)
        points.removeIf([end = double(run.endMs()) + 5000.0](const QPointF &p) { return p.x() > end; });
    return LoadTimeline::elapsed(points, origin);
}

void LoadTestPanel::fillHostFromCluster()
{
    useShopAddress(true);
}

void LoadTestPanel::useShopAddress(bool quiet, std::function<void()> then)
{
    if (!m_cluster || !m_cluster->hasTarget()) {
        if (!quiet)
            banner()->showError(Error{Error::Kind::Invalid,
                                      tr("No cluster selected: choose one in the Cluster panel, or type the shop's address.")});
        return;
    }
    auto *address = BackendFactory(m_context).createStorefrontAddress(m_cluster->target(), this);
    address->read([this, address, quiet, then = std::move(then)](const Result<QString> &url) {
        address->deleteLater();
        if (!url) {
            if (!quiet)
                banner()->showError(url.error());
            return;
        }
        if (quiet && !m_host->text().trimmed().isEmpty())
            return;
        m_host->setText(url.value());
        if (then)
            then();
    });
}

void LoadTestPanel::setHost(const QString &url)
{
    m_host->setText(url);
}

void LoadTestPanel::startRun()
{
    if (m_session && m_session->phase() != LoadSession::Phase::Finished && m_session->phase() != LoadSession::Phase::Failed
        && m_session->phase() != LoadSession::Phase::Idle)
        return;
    if (m_host->text().trimmed().isEmpty() && m_cluster && m_cluster->hasTarget()) {
        useShopAddress(false, [this] { startRun(); }); // no host: the current cluster's shop
        return;
    }
    LoadRunSettings settings;
    settings.host = m_host->text().trimmed();
    settings.users = m_users->value();
    settings.spawnRate = m_spawnRate->value();
    settings.workers = m_workers->value();
    const auto duration = parseDuration(m_duration->text().trimmed());
    if (!duration) {
        banner()->showError(Error{Error::Kind::Invalid, tr("Duration: %1").arg(duration.error().message)});
        return;
    }
    settings.duration = duration.value();
    if (!m_ramp->text().trimmed().isEmpty()) {
        const auto ramp = parseRampSpec(m_ramp->text().trimmed());
        if (!ramp) {
            banner()->showError(Error{Error::Kind::Invalid, tr("Ramp: %1").arg(ramp.error().message)});
            return;
        }
        settings.ramp = ramp.value();
    }
    if (m_where->isGce()) {
        settings.attachUrl = m_where->masterUrl();
        if (settings.attachUrl.isEmpty()) {
            banner()->showError(Error{Error::Kind::Unavailable,
                                      tr("The GCE master is not reachable yet: provision the load generator and "
                                         "wait for its SSH tunnel.")});
            return;
        }
    }
    if (const Status valid = settings.validate(); !valid) {
        banner()->showError(valid.error());
        return;
    }
    const auto dir = RunStore(m_runsRoot).createRunDir(QDateTime::currentDateTimeUtc());
    if (!dir) {
        banner()->showError(dir.error());
        return;
    }
    banner()->dismiss();
    showLiveRun(); // a new run is drawn as it happens, whatever saved run was shown
    if (m_session)
        m_session->deleteLater();
    m_endpoints->clear();
    m_session = BackendFactory(m_context).createLoadSession(this);
    connect(m_session, &LoadSession::sampleAdded, this, &LoadTestPanel::onSample);
    connect(m_session, &LoadSession::phaseChanged, this, [this] { updateButtons(); });
    connect(m_session, &LoadSession::problem, this, [this](const Error &e) {
        banner()->showMessage(InlineBanner::Level::Warning, e.message, e.detail);
    });
    connect(m_session, &LoadSession::finished, this, &LoadTestPanel::onFinished);
    connect(m_session->client(), &LocustClient::snapshotReceived, m_endpoints, &EndpointStatsModel::update);
    m_versions->clear();
    connect(m_session->client(), &LocustClient::snapshotReceived, m_versions, &VersionStatsView::showSnapshot);
    if (m_podMetrics)
        BackendFactory(m_context).recordPods(m_podMetrics, m_session); // pods.csv of this run; the session owns it
    Q_EMIT runStarted(m_session);
    const Status started = m_session->start(settings, dir.value());
    updateChartsSource();
    if (!started) {
        banner()->showError(started.error());
        return;
    }
    m_state->setText(tr("Starting Locust..."));
    updateButtons();
}

void LoadTestPanel::startRunAgainst(const QString &host)
{
    if (m_host->text().trimmed().isEmpty())
        m_host->setText(host);
    startRun();
}

void LoadTestPanel::stopRun()
{
    if (m_session)
        m_session->stopRun();
}

void LoadTestPanel::onSample(const LoadSample &sample)
{
    rankEndpoints();
    for (LiveChart *c : {m_rpsChart, m_latencyChart, m_usersChart, m_endpointChart})
        c->markDirty();
    QString text = tr("%1 users, %2 req/s, %3 failures in all; %4 s")
                       .arg(sample.userCount)
                       .arg(sample.rps, 0, 'f', 1)
                       .arg(sample.totalFailures)
                       .arg(std::lround(sample.elapsedS));
    if (sample.workersMissing > 0)
        text += tr("\n%n worker(s) missing", nullptr, sample.workersMissing);
    m_state->setText(text);
}

void LoadTestPanel::onFinished(const Status &status)
{
    if (!m_session->settings().attachUrl.isEmpty() && m_where->isGce())
        m_where->collectResults(m_session->runDir()); // the master's report and CSVs into RUN/locust
    if (status)
        banner()->showMessage(InlineBanner::Level::Info, tr("Run saved in %1").arg(m_session->runDir()));
    else
        banner()->showError(status.error());
    m_state->setText(status ? tr("Finished") : tr("Failed"));
    refreshCharts();
    refreshRuns();
    updateButtons();
}

void LoadTestPanel::updateButtons()
{
    const bool running = m_session
        && (m_session->phase() == LoadSession::Phase::Starting || m_session->phase() == LoadSession::Phase::Running);
    m_start->setEnabled(!running && !(m_session && m_session->phase() == LoadSession::Phase::Finishing));
    m_stop->setEnabled(running);
    m_applyUsers->setEnabled(running && m_session->phase() == LoadSession::Phase::Running);
}

void LoadTestPanel::refreshRuns()
{
    const QString current = m_runs->currentItem() ? m_runs->currentItem()->data(Qt::UserRole).toString() : QString();
    m_runs->clear();
    for (const RunInfo &run : RunStore(m_runsRoot).list()) {
        const QString label = u"%1  %2 users  %3  %4"_s.arg(run.id)
                                  .arg(run.settings.users)
                                  .arg(run.settings.host, run.settings.outcome.isEmpty() ? tr("(running)") : run.settings.outcome);
        auto *item = new QListWidgetItem(label, m_runs);
        item->setData(Qt::UserRole, run.dir);
        if (run.dir == current)
            m_runs->setCurrentItem(item);
    }
}

void LoadTestPanel::compareSelectedRun()
{
    QListWidgetItem *item = m_runs->currentItem();
    if (!item)
        return;
    const auto history = RunFolder(item->data(Qt::UserRole).toString()).readHistory();
    if (!history) {
        banner()->showError(history.error());
        return;
    }
    m_compareRps = column(history.value(), &LoadSample::rps);
    m_compareP95 = column(history.value(), &LoadSample::currentP95Ms);
    if (!m_comparing) {
        m_comparing = true;
        m_rpsChart->addSeries(tr("compared run req/s"), [this] { return m_compareRps; }, Qt::DashLine);
        m_latencyChart->addSeries(tr("compared run p95"), [this] { return m_compareP95; }, Qt::DashLine);
    }
    m_rpsChart->refreshNow();
    m_latencyChart->refreshNow();
}

QStringList LoadTestPanel::exportChartImages()
{
    // The images go with the run the charts draw, never with whichever run is selected in the list.
    const QString dir = shownRunDir();
    if (dir.isEmpty()) {
        banner()->showMessage(InlineBanner::Level::Info,
            tr("The charts show no saved run: start a run, or select one and press \"Show this run\"."));
        return {};
    }
    QStringList saved;
    const QList<QPair<LiveChart *, QString>> charts{{m_rpsChart, u"chart-requests.png"_s},
                                                    {m_latencyChart, u"chart-response-time.png"_s},
                                                    {m_usersChart, u"chart-users.png"_s},
                                                    {m_endpointChart, u"chart-endpoints.png"_s}};
    refreshCharts();
    for (const auto &[chart, name] : charts) {
        const QString path = QDir(dir).filePath(name);
        if (chart->grab().save(path))
            saved.append(name);
    }
    if (saved.size() == charts.size())
        banner()->showMessage(InlineBanner::Level::Info, tr("Saved %1 in %2").arg(saved.join(u", "_s), dir));
    else
        banner()->showError(Error {Error::Kind::Failed, tr("Could not write every chart image in %1 (saved: %2).")
                                                            .arg(dir, saved.isEmpty() ? tr("none") : saved.join(u", "_s))});
    return saved;
}

} // namespace bc
