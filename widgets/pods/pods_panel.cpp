#include "widgets/pods/pods_panel.h"

#include "backend/load/load_session.h"
#include "backend/load/run_store.h"
#include "backend/metrics/metrics_poller.h"
#include "backend/metrics/pod_top_model.h"
#include "backend/session/backend_factory.h"
#include "backend/session/cluster_session.h"
#include "backend/timeline/load_timeline.h"
#include "backend/timeline/pod_series_recorder.h"
#include "widgets/common/inline_banner.h"
#include "widgets/pods/load_overlay.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QFileInfo>
#include <QDateTimeAxis>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineSeries>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace bc {

namespace {

constexpr int kMaxCharted = 4;

// Flagged rows get a tinted background from the palette's highlight, readable in light and dark themes.
class FlagDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.column() == PodTopModel::Flags)
            option->textElideMode = Qt::ElideRight; // the first flag is the one to read
        if (index.data(PodTopModel::FlaggedRole).toBool()) {
            QColor tint(0xd9, 0x4a, 0x38);
            tint.setAlpha(48);
            option->backgroundBrush = tint;
            if (index.column() == PodTopModel::Flags)
                option->font.setBold(true);
        }
    }
};

QChart *makeChart(const QString &title, const QString &unit)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    auto *value = new QValueAxis;
    value->setLabelFormat(u"%.0f"_s);
    value->setTitleText(unit);
    value->setRange(0, 10); // whole numbers under "%.0f" until data comes (0..1 read 0, 0, 1, 1, 1)
    value->setTickCount(6);
    chart->addAxis(value, Qt::AlignLeft);
    return chart;
}

// The time axis goes in with its range set, after the chart has its view: added without a range before the
// view (as it was), Qt 6.4 drew neither its labels nor its grid.
void addTimeAxis(QChart *chart)
{
    auto *time = new QDateTimeAxis;
    time->setFormat(u"HH:mm:ss"_s);
    time->setTickCount(5);
    const QDateTime now = QDateTime::currentDateTime();
    time->setRange(now.addSecs(-60), now);
    chart->addAxis(time, Qt::AlignBottom);
}

struct Window
{
    double fromMs;
    double toMs;
};

// One series per charted pod, in order (names are the pods), beside the series in `others` (the load).
// With a window, the time axis shows it and the points outside it are left out.
void fill(QChart *chart, const QList<QAbstractSeries *> &others, const QStringList &pods,
    const std::function<QList<QPointF>(const QString &)> &points, double scale, const std::optional<Window> &window)
{
    auto *time = qobject_cast<QDateTimeAxis *>(chart->axes(Qt::Horizontal).value(0));
    auto *value = qobject_cast<QValueAxis *>(chart->axes(Qt::Vertical).value(0));
    QList<QAbstractSeries *> series = chart->series();
    series.removeIf([&others](QAbstractSeries *s) { return others.contains(s); });
    while (series.size() > pods.size()) {
        chart->removeSeries(series.last());
        delete series.takeLast();
    }
    while (series.size() < pods.size()) {
        auto *s = new QLineSeries;
        chart->addSeries(s);
        s->attachAxis(time);
        s->attachAxis(value);
        series.append(s);
    }
    double minT = 0, maxT = 0, maxV = 10; // an empty or idle chart still gets whole-number ticks
    bool any = false;
    for (qsizetype i = 0; i < pods.size(); ++i) {
        auto *s = static_cast<QLineSeries *>(series.at(i));
        s->setName(pods.at(i));
        QList<QPointF> p = points(pods.at(i));
        if (window)
            p.removeIf([&window](const QPointF &pt) { return pt.x() < window->fromMs || pt.x() > window->toMs; });
        for (QPointF &pt : p) {
            pt.setY(pt.y() * scale);
            maxV = std::max(maxV, pt.y());
        }
        if (!p.isEmpty()) {
            minT = any ? std::min(minT, p.first().x()) : p.first().x();
            maxT = any ? std::max(maxT, p.last().x()) : p.last().x();
            any = true;
        }
        s->replace(p);
    }
    if (window) {
        time->setRange(QDateTime::fromMSecsSinceEpoch(qint64(window->fromMs)),
            QDateTime::fromMSecsSinceEpoch(qint64(window->toMs)));
    } else if (any) {
        if (maxT - minT < 60000)
            minT = maxT - 60000;
        time->setRange(QDateTime::fromMSecsSinceEpoch(qint64(minT)), QDateTime::fromMSecsSinceEpoch(qint64(maxT)));
    } else {
        const QDateTime now = QDateTime::currentDateTime();
        time->setRange(now.addSecs(-60), now);
    }
    value->setRange(0, maxV * 1.15);
    value->applyNiceNumbers();
}

} // namespace

PodsPanel::PodsPanel(RunContext *context, ClusterSession *session, QWidget *parent)
    : Panel(describe(), parent)
    , m_context(context)
    , m_session(session)
    , m_model(BackendFactory::createPodTopModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_runsRoot(RunStore::defaultRoot())
{
    // One poller from the start: it runs whenever a cluster is connected (setTarget), whichever panel shows.
    m_poller = BackendFactory(m_context).createMetricsPoller(KubeTarget {}, this);
    connect(m_poller, &MetricsPoller::updated, this, [this](const QList<PodUsage> &rows) {
        m_model->setRows(rows);
        int flagged = 0;
        for (const PodUsage &r : rows)
            flagged += r.flags.isEmpty() ? 0 : 1;
        m_summary->setText(tr("%n pod(s)", nullptr, int(rows.size()))
                           + tr(", %n flagged (CPU or memory at 90% of its limit, restarts, OOMKilled)", nullptr, flagged)
                           + tr(". Select rows to chart them."));
        if (!m_userChose)
            chooseChartedPods();
    });
    connect(m_poller, &MetricsPoller::stateChanged, this, &PodsPanel::onStateChanged);

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(PodTopModel::SortRole);

    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(0, 0, 0, 0);
    m_summary = new QLabel(tr("Connect to a cluster (Cluster panel) to see its pods."), content);
    m_summary->setObjectName(u"podsSummary"_s);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);

    auto *splitter = new QSplitter(Qt::Vertical, content);
    splitter->setChildrenCollapsible(false);
    m_table = new QTableView(splitter);
    m_table->setObjectName(u"podsTable"_s);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(PodTopModel::CpuOfLimit, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setItemDelegate(new FlagDelegate(m_table));
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // Flags right after the status, where the eye is; a fixed width (full text in the tooltip) so that a
    // pod with several flags does not push the usage columns out of view.
    m_table->horizontalHeader()->moveSection(PodTopModel::Flags, PodTopModel::Status + 1);
    m_table->horizontalHeader()->setSectionResizeMode(PodTopModel::Deployment, QHeaderView::Interactive);
    m_table->horizontalHeader()->setSectionResizeMode(PodTopModel::Flags, QHeaderView::Interactive);
    m_table->setColumnWidth(PodTopModel::Flags, 320);
    m_table->horizontalHeader()->setMinimumSectionSize(48);
    m_table->setColumnWidth(PodTopModel::Deployment, 150);
    m_table->setTextElideMode(Qt::ElideMiddle);
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(true);
    splitter->addWidget(m_table);

    auto *charts = new QWidget(splitter);
    auto *chartsColumn = new QVBoxLayout(charts);
    chartsColumn->setContentsMargins(0, 0, 0, 0);
    auto *scaleRow = new QHBoxLayout;
    m_scale = new QComboBox(charts);
    m_scale->setObjectName(u"podsChartScale"_s);
    m_scale->addItem(tr("millicores and MiB"), int(ChartScale::Absolute));
    m_scale->addItem(tr("% of request"), int(ChartScale::OfRequest));
    m_scale->addItem(tr("% of limit"), int(ChartScale::OfLimit));
    connect(m_scale, &QComboBox::currentIndexChanged, this, [this] {
        const bool absolute = chartScale() == ChartScale::Absolute;
        const QString unit = chartScale() == ChartScale::OfRequest ? tr("% of request") : tr("% of limit");
        qobject_cast<QValueAxis *>(m_cpuChart->axes(Qt::Vertical).value(0))->setTitleText(absolute ? tr("millicores") : unit);
        qobject_cast<QValueAxis *>(m_memoryChart->axes(Qt::Vertical).value(0))->setTitleText(absolute ? tr("MiB") : unit);
        flushCharts();
    });
    scaleRow->addWidget(new QLabel(tr("Charts in"), charts));
    scaleRow->addWidget(m_scale);
    scaleRow->addSpacing(16);
    m_loadChoice = new QComboBox(charts);
    m_loadChoice->setObjectName(u"podsLoadChoice"_s);
    m_loadChoice->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_loadChoice->setToolTip(tr("Requests/s and p95 of a load test on the CPU chart, on the same clock as the pods"));
    scaleRow->addWidget(new QLabel(tr("Load on the CPU chart"), charts));
    scaleRow->addWidget(m_loadChoice);
    scaleRow->addStretch(1);
    chartsColumn->addLayout(scaleRow);
    auto *chartsLayout = new QHBoxLayout;
    chartsColumn->addLayout(chartsLayout, 1);
    m_cpuChart = makeChart(tr("CPU"), tr("millicores"));
    m_memoryChart = makeChart(tr("Memory"), tr("MiB"));

    m_cpuView = new QChartView(m_cpuChart, charts);
    m_memoryView = new QChartView(m_memoryChart, charts);
    m_cpuView->setObjectName(u"podsCpuChart"_s);
    m_memoryView->setObjectName(u"podsMemoryChart"_s);
    addTimeAxis(m_cpuChart);
    addTimeAxis(m_memoryChart);
    m_overlay = std::make_unique<LoadOverlay>(m_cpuChart);
    for (QChartView *v : {m_cpuView, m_memoryView}) {
        v->setRenderHint(QPainter::Antialiasing);
        v->setMinimumHeight(220);
        chartsLayout->addWidget(v);
    }
    splitter->addWidget(charts);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);
    contentLayout()->addWidget(content);

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        QStringList chosen;
        for (const QModelIndex &row : m_table->selectionModel()->selectedRows())
            chosen.append(row.data().toString());
        m_userChose = !chosen.isEmpty();
        if (m_userChose) {
            m_charted = chosen.mid(0, kMaxCharted);
            flushCharts();
        } else {
            chooseChartedPods();
        }
    });

    m_flush.setInterval(1s);
    connect(&m_flush, &QTimer::timeout, this, &PodsPanel::flushCharts);
    refreshRuns();
    connect(m_loadChoice, &QComboBox::activated, this, &PodsPanel::onLoadChoice);

    if (m_session) {
        connect(m_session, &ClusterSession::targetChanged, this, &PodsPanel::setTarget);
        connect(m_session, &ClusterSession::disconnected, m_poller, &MetricsPoller::stop);
        if (m_session->hasTarget())
            setTarget(m_session->target());
    }
}

PodsPanel::~PodsPanel()
{
    m_overlay.reset(); // before the chart it draws on
}

PanelInfo PodsPanel::describe()
{
    return PanelInfo{
        .key = u"pods"_s,
        .title = u"Pods"_s,
        .icon = u"pods"_s,
        .summary
        = u"See every pod of the demo with its CPU and memory against its requests and limits, and spot the bottleneck."_s,
        .features = {u"A live list of pods with phase, restarts and node"_s,
                     u"CPU and memory per pod over time, as absolute figures or as % of request or limit, "
                     "collected for as long as the cluster is connected"_s,
                     u"Requests/s and p95 of the running load test, or of a saved run, on the CPU chart's second "
                     "axis, on the same clock as the pods' CPU"_s,
                     u"Flags for CPU near its limit, memory near its limit, restarts and OOMKilled containers"_s},
        .needs = {u"Online Boutique deployed (Deploy panel)"_s, u"kubectl, and metrics-server on the cluster"_s},
    };
}

void PodsPanel::setTarget(const KubeTarget &target)
{
    m_poller->setTarget(target);
    // History runs while connected, whichever panel is shown; only the charts wait for the panel.
    m_poller->start();
    if (isVisible())
        m_flush.start();
}

void PodsPanel::showEvent(QShowEvent *event)
{
    Panel::showEvent(event);
    refreshRuns();
    flushCharts();
    if (m_poller->isRunning() || m_saved || m_load)
        m_flush.start();
}

void PodsPanel::hideEvent(QHideEvent *event)
{
    Panel::hideEvent(event);
    m_flush.stop(); // the poller goes on: the history has no gap when the user comes back
}

void PodsPanel::onStateChanged()
{
    if (m_saved)
        return; // a saved run: the live state is not what the charts show
    switch (m_poller->state()) {
    case MetricsPoller::State::MetricsMissing:
    case MetricsPoller::State::MetricsNotReady:
        banner()->showMessage(InlineBanner::Level::Warning, m_poller->stateMessage());
        break;
    case MetricsPoller::State::Failed:
        banner()->showMessage(InlineBanner::Level::Error, m_poller->stateMessage());
        break;
    case MetricsPoller::State::Ok:
        banner()->dismiss();
        break;
    default:
        break;
    }
}

void PodsPanel::chooseChartedPods()
{
    if (m_saved) { // the busiest pods of that run
        const QStringList busiest = m_saved->busiest(3);
        if (busiest != m_charted) {
            m_charted = busiest;
            flushCharts();
        }
        return;
    }
    QList<PodUsage> rows = m_model->rows();
    std::sort(rows.begin(), rows.end(),
              [](const PodUsage &a, const PodUsage &b) { return a.cpuOfLimit().value_or(-1) > b.cpuOfLimit().value_or(-1); });
    QStringList pods;
    for (const PodUsage &r : rows)
        if (r.hasMetrics && pods.size() < 3)
            pods.append(r.pod);
    if (pods != m_charted) {
        m_charted = pods;
        flushCharts();
    }
}

PodsPanel::ChartScale PodsPanel::chartScale() const
{
    return ChartScale(m_scale->currentData().toInt());
}

void PodsPanel::setChartScale(ChartScale scale)
{
    m_scale->setCurrentIndex(m_scale->findData(int(scale)));
}

void PodsPanel::flushCharts()
{
    const MetricsHistory &history = m_poller->history();
    const LoadTimeline *saved = m_saved.get();
    const ChartScale scale = chartScale();
    // A share in percent of the pod's request or limit; a pod without one draws nothing in that view.
    const auto relative = [this, scale, saved](const QString &pod, QList<QPointF> points, bool cpu) {
        if (scale == ChartScale::Absolute)
            return points;
        std::optional<double> base;
        if (saved) {
            const QList<PodSample> kept = saved->samples(pod);
            if (!kept.isEmpty()) {
                const ResourceAmounts &a = scale == ChartScale::OfRequest ? kept.last().requests : kept.last().limits;
                base = cpu ? a.cpuMillicores : a.memoryBytes;
            }
        }
        for (const PodUsage &row : m_model->rows()) {
            if (saved || row.pod != pod)
                continue;
            const ResourceAmounts &amounts = scale == ChartScale::OfRequest ? row.requests : row.limits;
            base = cpu ? amounts.cpuMillicores : amounts.memoryBytes;
        }
        if (!base || *base <= 0)
            return QList<QPointF>{};
        for (QPointF &p : points)
            p.setY(100.0 * p.y() / *base);
        return points;
    };
    // The load run shown, and the window of time it covers (with the lead-in the pod series keeps).
    const QList<LoadSample> load = saved ? saved->load() : (m_load ? m_load->history().samples() : QList<LoadSample>{});
    const LoadTimeline timeline(load, {});
    std::optional<Window> window;
    if (saved) {
        const auto [from, to] = saved->span(); // all it kept
        const qint64 origin = timeline.originMs();
        window = Window{double(origin >= 0 ? std::min(from, origin) : from), double(to)};
    } else if (!load.isEmpty()) {
        const bool running = m_load->phase() == LoadSession::Phase::Running || m_load->phase() == LoadSession::Phase::Finishing;
        const double from = double(timeline.originMs() - PodSeriesRecorder::kLeadInMs);
        const double end = running ? double(QDateTime::currentMSecsSinceEpoch()) : double(timeline.endMs()) + 5000.0;
        window = Window{from, std::max(end, from + 60000.0)}; // a short run fills a minute from the left
    }
    m_overlay->show(timeline.rps(), timeline.p95());
    const QList<QAbstractSeries *> overlay{m_overlay->rpsSeries(), m_overlay->p95Series()};
    const bool absolute = scale == ChartScale::Absolute;
    fill(m_cpuChart, overlay, m_charted,
        [&](const QString &pod) { return relative(pod, saved ? saved->cpu(pod) : history.cpu(pod), true); }, 1.0, window);
    fill(m_memoryChart, {}, m_charted,
        [&](const QString &pod) { return relative(pod, saved ? saved->memory(pod) : history.memory(pod), false); },
        absolute ? 1.0 / (1024.0 * 1024.0) : 1.0, window);
}

void PodsPanel::setRunsRoot(const QString &root)
{
    m_runsRoot = root;
    refreshRuns();
}

void PodsPanel::refreshRuns()
{
    const QString current = m_loadChoice->currentData().toString();
    m_loadChoice->clear();
    m_loadChoice->addItem(m_load ? tr("The running load test") : tr("None (no load test running)"), QString());
    for (const RunInfo &run : RunStore(m_runsRoot).list()) {
        if (!QFileInfo::exists(RunFolder(run.dir).path(u"pods.csv"_s)))
            continue; // a run without pod series has nothing to join
        m_loadChoice->addItem(tr("Saved run %1 (%2 users)").arg(run.id).arg(run.settings.users), run.dir);
    }
    m_loadChoice->setCurrentIndex(std::max(0, m_loadChoice->findData(current)));
}

void PodsPanel::onLoadChoice()
{
    const QString dir = m_loadChoice->currentData().toString();
    if (dir.isEmpty()) {
        showLive();
        return;
    }
    if (const Status shown = showSavedRun(dir); !shown)
        banner()->showError(shown.error());
}

void PodsPanel::followLoadSession(LoadSession *session)
{
    m_load = session;
    if (session)
        connect(session, &LoadSession::finished, this, [this] { refreshRuns(); });
    showLive();
}

Status PodsPanel::showSavedRun(const QString &runDir)
{
    const RunFolder folder(runDir);
    const Result<QList<LoadSample>> load = folder.readHistory();
    if (!load)
        return load.error();
    const Result<QList<PodSample>> pods = folder.readPodSamples();
    if (!pods)
        return Error{pods.error().kind, tr("The run in %1 kept no pod series: %2").arg(runDir, pods.error().message)};
    m_saved = std::make_unique<LoadTimeline>(load.value(), pods.value());
    if (const int index = m_loadChoice->findData(runDir); index >= 0)
        m_loadChoice->setCurrentIndex(index);
    banner()->showMessage(InlineBanner::Level::Info,
        tr("Showing the saved run %1: its load and the pod series it kept (select \"%2\" for the live pods).")
            .arg(QFileInfo(runDir).fileName(), m_loadChoice->itemText(0)));
    m_userChose = false;
    chooseChartedPods();
    flushCharts();
    if (isVisible())
        m_flush.start();
    return ok();
}

void PodsPanel::showLive()
{
    const bool wasSaved = m_saved != nullptr;
    m_saved.reset();
    refreshRuns();
    m_loadChoice->setCurrentIndex(0);
    if (wasSaved) {
        banner()->dismiss();
        onStateChanged();
    }
    m_userChose = false;
    chooseChartedPods();
    flushCharts();
}

} // namespace bc
