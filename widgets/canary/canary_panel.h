#pragma once

#include "backend/kube/kube_target.h"
#include "widgets/common/panel.h"

#include <QPointer>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;

namespace bc {

class CanaryController;
class LoadSession;
class VersionStatsView;
class ClusterSession;
class RunContext;
class SplitVerifier;
struct CanaryPlan;
struct CanaryState;
struct SplitStats;

// Canary: the two versions of productcatalogservice, a slider for v2's share with the pod budget, and
// what the planner can give; Apply, Verify (live share with its 99.9% interval and latency per version),
// Promote and Roll back with confirmation, progress and cancel.
class CanaryPanel : public Panel
{
    Q_OBJECT
public:
    // Its backend objects come from `session` (never null), which it follows to each new target.
    CanaryPanel(RunContext *context, ClusterSession *session, QWidget *parent = nullptr);
    ~CanaryPanel() override;

    static PanelInfo describe();

    // For tests: confirmation dialogs are skipped when false.
    void setConfirm(bool confirm) { m_confirm = confirm; }
    CanaryController *controller() const { return m_controller; }
    SplitVerifier *verifier() const { return m_verifier; }
    // What Apply and Verify do, for the Start here strip: v2 at `percent` of the pod budget; a verification.
    void applyShare(int percent);
    void verifySplit();
    // Shows the load test's figures per version next to the slider while `session` runs.
    void followLoadSession(LoadSession *session);
    VersionStatsView *loadVersions() const { return m_loadVersions; }

protected:
    void showEvent(QShowEvent *event) override;

private:
    void setTarget(const KubeTarget &target);
    void updatePlan();
    void showPlan(const CanaryPlan &plan);
    void showState(const CanaryState &state);
    void showStats(const SplitStats &stats);
    void setBusy(bool busy);
    void apply();
    void verify();
    void promoteOrRollback(bool promote);

    QPointer<RunContext> m_context;
    QPointer<ClusterSession> m_session;
    CanaryController *m_controller = nullptr;
    SplitVerifier *m_verifier;
    QString m_frontendUrl;
    bool m_confirm = true;

    QLabel *m_v1;
    QLabel *m_v2;
    QLabel *m_mode;
    QSlider *m_slider;
    QSpinBox *m_percent;
    QSpinBox *m_budget;
    QLabel *m_plan;
    QPushButton *m_apply;
    QSpinBox *m_requests;
    QSpinBox *m_concurrency;
    QCheckBox *m_autoRollback;
    QDoubleSpinBox *m_errorThreshold;
    QPushButton *m_verify;
    QLabel *m_share;
    QLabel *m_latency;
    QProgressBar *m_verifyProgress;
    QPushButton *m_promote;
    QPushButton *m_rollback;
    QPushButton *m_cancel;
    QProgressBar *m_progress;
    QLabel *m_step;
    VersionStatsView *m_loadVersions = nullptr;
};

} // namespace bc
