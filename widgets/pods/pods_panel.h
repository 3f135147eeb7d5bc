#pragma once

#include "widgets/common/panel.h"

#include "backend/core/result.h"

#include <QPointer>
#include <QTimer>

#include <memory>
#include <optional>

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QSortFilterProxyModel;
class QTableView;
class QValueAxis;
class QDateTimeAxis;

namespace bc {

class ClusterSession;
class LoadOverlay;
class LoadSession;
class LoadTimeline;
class MetricsPoller;
class PodTopModel;
class RunContext;
struct KubeTarget;

// Pods: every pod with its CPU and memory against requests and limits, bottleneck flags with times, and
// a chart of CPU and memory over time for the pods selected in the table (the busiest three by default).
// The CPU chart carries requests/s and p95 of the running load test, or of a saved run, on a second axis
// on the same wall clock; a saved run brings the pod series it kept.
class PodsPanel : public Panel
{
    Q_OBJECT
public:
    PodsPanel(RunContext *context, ClusterSession *session, QWidget *parent = nullptr);
    ~PodsPanel() override;

    static PanelInfo describe();

    MetricsPoller *poller() const { return m_poller; }
    PodTopModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QStringList chartedPods() const { return m_charted; }
    // What the charts' value axes show: millicores and MiB, or the share of each pod's request or limit.
    enum class ChartScale { Absolute, OfRequest, OfLimit };
    ChartScale chartScale() const;
    void setChartScale(ChartScale scale);
    QChart *cpuChart() const { return m_cpuChart; }
    QChart *memoryChart() const { return m_memoryChart; }
    LoadOverlay *loadOverlay() const { return m_overlay.get(); }
    QComboBox *loadChoice() const { return m_loadChoice; }
    void setRunsRoot(const QString &root); // default: RunStore::defaultRoot()

public Q_SLOTS:
    void followLoadSession(bc::LoadSession *session); // the run that starts now, live
    Status showSavedRun(const QString &runDir);        // its load and the pod series it kept
    void showLive();
    void refreshRuns();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void setTarget(const KubeTarget &target);
    void onStateChanged();
    void chooseChartedPods();
    void flushCharts();
    void onLoadChoice();

    QPointer<RunContext> m_context;
    QPointer<ClusterSession> m_session;
    MetricsPoller *m_poller = nullptr;
    PodTopModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QLabel *m_summary;
    QChart *m_cpuChart;
    QChart *m_memoryChart;
    QChartView *m_cpuView;
    QChartView *m_memoryView;
    QStringList m_charted;
    QComboBox *m_scale = nullptr;
    bool m_userChose = false;
    QTimer m_flush;
    std::unique_ptr<LoadOverlay> m_overlay;
    QComboBox *m_loadChoice = nullptr;
    QPointer<LoadSession> m_load;
    std::unique_ptr<LoadTimeline> m_saved; // a saved run shown instead of the live history
    QString m_runsRoot;
};

} // namespace bc
