#pragma once

#include <functional>
#include <memory>

#include "backend/load/load_session.h"
#include "widgets/common/panel.h"

#include <QPointer>

class QDoubleSpinBox;
class QLineSeries;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTableView;

namespace bc {

class ClusterSession;
class EndpointStatsModel;
class GceGeneratorBox;
class LiveChart;
class MetricsPoller;
class PodCpuPicker;
class RunContext;
class VersionStatsView;

// Load test: runs Locust (a local master and workers) against the storefront through LoadSession, and
// shows the run live: requests/s, failures/s, response-time percentiles, users, a table per endpoint;
// saved runs can be compared on the same charts and their reports opened. With the window's metrics
// poller (setPodMetrics), the CPU of chosen pods joins the requests chart on a second axis, and each run
// keeps the pod series taken while it ran (pods.csv, in its report).
class LoadTestPanel : public Panel
{
    Q_OBJECT
public:
    LoadTestPanel(RunContext *context, ClusterSession *cluster, QWidget *parent = nullptr);
    ~LoadTestPanel() override;

    static PanelInfo describe();

    // For tests and the screenshot script: the run in progress (or the last one), and the controls.
    LoadSession *session() const { return m_session; }
    QLineEdit *hostEdit() const { return m_host; }
    QSpinBox *usersBox() const { return m_users; }
    QLineEdit *durationEdit() const { return m_duration; }
    QLineEdit *rampEdit() const { return m_ramp; }
    QSpinBox *workersBox() const { return m_workers; }
    QPushButton *startButton() const { return m_start; }
    QPushButton *stopButton() const { return m_stop; }
    LiveChart *rpsChart() const { return m_rpsChart; }
    LiveChart *latencyChart() const { return m_latencyChart; }
    LiveChart *usersChart() const { return m_usersChart; }
    LiveChart *endpointChart() const { return m_endpointChart; } // the slowest endpoints
    static constexpr int kChartedEndpoints = 8;
    EndpointStatsModel *endpoints() const { return m_endpoints; }
    VersionStatsView *versionStats() const { return m_versions; } // v1 and v2 side by side while a canary is on
    QListWidget *runList() const { return m_runs; }
    GceGeneratorBox *whereBox() const { return m_where; } // "Where Locust runs": local or GCE
    void setRunsRoot(const QString &root); // default: RunStore::defaultRoot()
    void setPodMetrics(MetricsPoller *poller); // the poller that runs while the cluster is connected
    PodCpuPicker *podCpuPicker() const { return m_podPicker; }
    QStringList podCpuSeries() const; // the names of the pod CPU lines on the requests chart
    // Draw this history instead of the run's (nullptr: the run's again); for the chart benchmark.
    void showHistory(const LoadHistory *history);
    // The folder of the run the charts draw (live, or opened with "Show this run"); empty: none.
    QString shownRunDir() const;

Q_SIGNALS:
    void runStarted(bc::LoadSession *session); // the session of the run that starts now

public Q_SLOTS:
    void setHost(const QString &url); // e.g. from the Deploy panel's "Load test it"
    void startRun();
    void startRunAgainst(const QString &host); // fills an empty target host first
    void stopRun();
    void refreshRuns();
    QStringList exportChartImages(); // into shownRunDir(); returns the file names written
    void showSelectedRun();   // the selected saved run alone on the charts
    void showLiveRun();
    void refreshCharts(); // now, rather than on the charts' next tick
    void addPodCpu(const QString &pod);
    void addDeploymentCpu(const QString &deployment); // the sum of its pods
    void clearPodCpu();

private:
    QWidget *createControls();
    QWidget *createCharts();
    QWidget *createTables();
    void bindCharts();
    void onSample(const LoadSample &sample);
    void onFinished(const Status &status);
    void updateButtons();
    void fillHostFromCluster();
    // Reads the cluster's storefront address into the host field, then runs `then`; errors show
    // unless `quiet` (then an address the user typed is kept).
    void useShopAddress(bool quiet, std::function<void()> then = {});
    void compareSelectedRun();
    const LoadHistory *shownHistory() const;
    void updateChartsSource();
    void rankEndpoints();
    void addCpuLine(const QString &name, bool deployment);
    QList<QPointF> podCpuPoints(const QString &name, bool deployment) const;

    RunContext *m_context;
    QPointer<ClusterSession> m_cluster;
    QPointer<LoadSession> m_session;
    QString m_runsRoot;
    QLineEdit *m_host = nullptr;
    QSpinBox *m_users = nullptr;
    QDoubleSpinBox *m_spawnRate = nullptr;
    QLineEdit *m_duration = nullptr;
    QSpinBox *m_workers = nullptr;
    QLineEdit *m_ramp = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_stop = nullptr;
    QPushButton *m_applyUsers = nullptr;
    QLabel *m_state = nullptr;
    GceGeneratorBox *m_where = nullptr;
    LiveChart *m_rpsChart = nullptr;
    LiveChart *m_latencyChart = nullptr;
    LiveChart *m_usersChart = nullptr;
    LiveChart *m_endpointChart = nullptr;
    QList<qsizetype> m_slowest; // indexes into shownHistory()->endpointTraces(), slowest first
    const LoadHistory *m_shownHistory = nullptr;
    std::unique_ptr<LoadHistory> m_openedRun; // a saved run opened with "Show this run"
    QString m_openedRunDir;
    QLabel *m_chartsSource = nullptr;
    EndpointStatsModel *m_endpoints = nullptr;
    VersionStatsView *m_versions = nullptr;
    QTableView *m_endpointView = nullptr;
    QListWidget *m_runs = nullptr;
    QList<QPointF> m_compareRps;
    QList<QPointF> m_compareP95;
    bool m_comparing = false;
    QPointer<MetricsPoller> m_podMetrics;
    PodCpuPicker *m_podPicker = nullptr;
    QList<QLineSeries *> m_podLines;
};

} // namespace bc
