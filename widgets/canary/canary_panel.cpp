#include "widgets/canary/canary_panel.h"

#include "backend/canary/canary_controller.h"
#include "backend/canary/split_verifier.h"
#include "backend/kube/kube_client.h"
#include "backend/load/load_session.h"
#include "backend/load/locust_client.h"
#include "backend/session/cluster_session.h"
#include "widgets/common/inline_banner.h"
#include "widgets/loadtest/version_stats_view.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bc {

namespace {
QString versionText(const std::optional<CanaryVersion> &v)
{
    if (!v)
        return QObject::tr("not found");
    return QObject::tr("%1: %2/%3 ready — %4").arg(v->deployment).arg(v->ready).arg(v->desired).arg(v->image);
}
} // namespace

CanaryPanel::CanaryPanel(RunContext *context, ClusterSession *session, QWidget *parent)
    : Panel(describe(), parent)
    , m_context(context)
    , m_session(session)
    , m_verifier(session->createSplitVerifier(this))
{
    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(0, 0, 0, 0);

    auto *versions = new QGroupBox(tr("Versions of productcatalogservice"), content);
    auto *vForm = new QFormLayout(versions);
    m_v1 = new QLabel(tr("Connect to a cluster with the demo and its canary deployed."), versions);
    m_v2 = new QLabel(QString(), versions);
    m_mode = new QLabel(QString(), versions);
    for (QLabel *l : {m_v1, m_v2, m_mode}) {
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    m_v1->setObjectName(u"canaryV1"_s);
    m_v2->setObjectName(u"canaryV2"_s);
    vForm->addRow(tr("v1"), m_v1);
    vForm->addRow(tr("v2"), m_v2);
    vForm->addRow(tr("Split by"), m_mode);
    layout->addWidget(versions);

    auto *split = new QGroupBox(tr("Traffic to v2"), content);
    auto *sGrid = new QGridLayout(split);
    m_slider = new QSlider(Qt::Horizontal, split);
    m_slider->setRange(0, 100);
    m_slider->setTickInterval(10);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setObjectName(u"canarySlider"_s);
    m_percent = new QSpinBox(split);
    m_percent->setRange(0, 100);
    m_percent->setSuffix(u" %"_s);
    m_percent->setObjectName(u"canaryPercent"_s);
    m_budget = new QSpinBox(split);
    m_budget->setRange(1, 100);
    m_budget->setValue(4);
    m_budget->setPrefix(tr("at most "));
    m_budget->setSuffix(tr(" pods"));
    m_budget->setObjectName(u"canaryBudget"_s);
    m_plan = new QLabel(split);
    m_plan->setWordWrap(true);
    m_plan->setObjectName(u"canaryPlan"_s);
    m_apply = new QPushButton(tr("Apply"), split);
    m_apply->setObjectName(u"canaryApply"_s);
    sGrid->addWidget(new QLabel(tr("Requested"), split), 0, 0);
    sGrid->addWidget(m_slider, 0, 1);
    sGrid->addWidget(m_percent, 0, 2);
    sGrid->addWidget(new QLabel(tr("Budget"), split), 1, 0);
    sGrid->addWidget(m_budget, 1, 2);
    sGrid->addWidget(m_plan, 1, 1);
    sGrid->addWidget(m_apply, 2, 2);
    sGrid->setColumnStretch(1, 1);
    // The running load test's figures per version, next to the slider (hidden without a load test).
    m_loadVersions = new VersionStatsView(split);
    m_loadVersions->setTitle(tr("The load test, by version (last poll)"));
    sGrid->addWidget(m_loadVersions, 3, 0, 1, 3);
    layout->addWidget(split);

    auto *check = new QGroupBox(tr("Verify the split on /product/OLJCESPC7Z"), content);
    auto *cGrid = new QGridLayout(check);
    m_requests = new QSpinBox(check);
    m_requests->setObjectName(u"canaryRequests"_s);
    m_requests->setRange(10, 100000);
    m_requests->setValue(2000);
    m_requests->setSuffix(tr(" requests"));
    m_concurrency = new QSpinBox(check);
    m_concurrency->setRange(1, 256);
    m_concurrency->setValue(8);
    m_concurrency->setSuffix(tr(" in flight"));
    m_autoRollback = new QCheckBox(tr("Roll back when v2's error rate exceeds"), check);
    m_autoRollback->setObjectName(u"canaryAutoRollback"_s);
    m_autoRollback->setToolTip(tr("Failed pages do not say which version served them: every failure counts against v2."));
    m_errorThreshold = new QDoubleSpinBox(check);
    m_errorThreshold->setObjectName(u"canaryErrorThreshold"_s);
    m_errorThreshold->setRange(0, 100);
    m_errorThreshold->setValue(5);
    m_errorThreshold->setSuffix(u" %"_s);
    m_verify = new QPushButton(tr("Verify"), check);
    m_verify->setObjectName(u"canaryVerify"_s);
    m_verifyProgress = new QProgressBar(check);
    m_share = new QLabel(tr("Not verified yet."), check);
    m_share->setObjectName(u"canaryShare"_s);
    m_share->setWordWrap(true);
    QFont big = m_share->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    m_share->setFont(big);
    m_latency = new QLabel(check);
    m_latency->setObjectName(u"canaryLatency"_s);
    m_latency->setWordWrap(true);
    auto *options = new QHBoxLayout;
    options->addWidget(m_requests);
    options->addWidget(m_concurrency);
    options->addWidget(m_autoRollback);
    options->addWidget(m_errorThreshold);
    options->addStretch(1);
    options->addWidget(m_verify);
    cGrid->addLayout(options, 0, 0);
    cGrid->addWidget(m_verifyProgress, 1, 0);
    cGrid->addWidget(m_share, 2, 0);
    cGrid->addWidget(m_latency, 3, 0);
    layout->addWidget(check);

    auto *finish = new QGroupBox(tr("Finish the canary"), content);
    auto *fGrid = new QGridLayout(finish);
    m_promote = new QPushButton(tr("Promote v2…"), finish);
    m_promote->setObjectName(u"canaryPromote"_s);
    m_rollback = new QPushButton(tr("Roll back to v1…"), finish);
    m_rollback->setObjectName(u"canaryRollback"_s);
    m_cancel = new QPushButton(tr("Cancel"), finish);
    m_cancel->setObjectName(u"canaryCancel"_s);
    m_cancel->setEnabled(false);
    m_progress = new QProgressBar(finish);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_step = new QLabel(tr("Promote moves all capacity to v2 and then scales v1 to 0; roll back does the reverse. "
                           "The old version is drained from the Service before its pods stop."),
                        finish);
    m_step->setObjectName(u"canaryStep"_s);
    m_step->setWordWrap(true);
    fGrid->addWidget(m_promote, 0, 0);
    fGrid->addWidget(m_rollback, 0, 1);
    fGrid->addWidget(m_cancel, 0, 2);
    fGrid->addWidget(m_progress, 1, 0, 1, 3);
    fGrid->addWidget(m_step, 2, 0, 1, 3);
    layout->addWidget(finish);
    layout->addStretch(1);
    contentLayout()->addWidget(content);

    connect(m_slider, &QSlider::valueChanged, m_percent, &QSpinBox::setValue);
    connect(m_percent, &QSpinBox::valueChanged, m_slider, &QSlider::setValue);
    connect(m_percent, &QSpinBox::valueChanged, this, &CanaryPanel::updatePlan);
    connect(m_budget, &QSpinBox::valueChanged, this, &CanaryPanel::updatePlan);
    connect(m_apply, &QPushButton::clicked, this, &CanaryPanel::apply);
    connect(m_verify, &QPushButton::clicked, this, &CanaryPanel::verify);
    connect(m_promote, &QPushButton::clicked, this, [this] { promoteOrRollback(true); });
    connect(m_rollback, &QPushButton::clicked, this, [this] { promoteOrRollback(false); });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_controller && m_controller->isBusy())
            m_controller->cancel();
        if (m_verifier->isRunning())
            m_verifier->cancel();
    });
    connect(m_verifier, &SplitVerifier::progress, this, &CanaryPanel::showStats);
    connect(m_verifier, &SplitVerifier::finished, this, [this](const SplitStats &stats) {
        showStats(stats);
        m_verify->setEnabled(true);
        m_cancel->setEnabled(m_controller && m_controller->isBusy());
    });
    connect(m_verifier, &SplitVerifier::errorThresholdExceeded, this, [this](const SplitStats &stats) {
        banner()->showMessage(InlineBanner::Level::Warning,
                              tr("v2's error rate is %1% (threshold %2%; %3% of all requests failed): rolling back to v1.")
                                  .arg(stats.v2ErrorPercent(), 0, 'f', 1)
                                  .arg(m_errorThreshold->value(), 0, 'f', 1)
                                  .arg(stats.errorPercent(), 0, 'f', 1),
                              stats.lastError);
        if (m_controller && !m_controller->isBusy())
            m_controller->rollback(false);
    });

    updatePlan();
    setBusy(false);
    if (m_session) {
        connect(m_session, &ClusterSession::targetChanged, this, &CanaryPanel::setTarget);
        if (m_session->hasTarget())
            setTarget(m_session->target());
    }
}

CanaryPanel::~CanaryPanel() = default;

PanelInfo CanaryPanel::describe()
{
    return PanelInfo{
        .key = u"canary"_s,
        .title = u"Canary"_s,
        .icon = u"canary"_s,
        .summary = u"Roll a new version of a service out to a share of the traffic, check the split, then promote or roll back."_s,
        .features = {u"Replica counts for a requested share within a pod budget, or exact mesh weights"_s,
                     u"A live check of the split with its 99.9% interval and latency per version"_s,
                     u"Promote and roll back without lowering capacity"_s},
        .needs = {u"productcatalogservice and productcatalogservice-v2 deployed (Deploy panel, with the canary)"_s,
                  u"The frontend's external address"_s},
    };
}

void CanaryPanel::setTarget(const KubeTarget &target)
{
    if (!m_controller) {
        m_controller = m_session->createCanaryController(this);
        connect(m_controller, &CanaryController::stateChanged, this, &CanaryPanel::showState);
        connect(m_controller, &CanaryController::planned, this, [this](const CanaryPlan &plan) {
            if (plan.operation == CanaryPlan::Operation::Share)
                showPlan(plan);
        });
        connect(m_controller, &CanaryController::detectFailed, this, [this](const Error &e) {
            m_v1->setText(e.message);
            m_v2->clear();
        });
        connect(m_controller, &CanaryController::modeChanged, this, [this](CanaryController::Mode mode) {
            m_mode->setText(mode == CanaryController::Mode::Mesh
                                ? tr("VirtualService weights (exact; replicas stay)")
                                : tr("replica counts (kube-proxy spreads requests evenly over ready pods)"));
            updatePlan();
        });
        connect(m_controller, &CanaryController::progress, this, [this](const QString &step, int done, int total) {
            m_progress->setRange(0, std::max(1, total));
            m_progress->setValue(done);
            m_step->setText(step);
        });
        connect(m_controller, &CanaryController::finished, this, [this](const Status &status) {
            setBusy(false);
            if (!status) {
                banner()->showError(status.error());
                m_step->setText(status.error().message);
            } else {
                banner()->dismiss();
                m_step->setText(tr("Done: %1").arg(m_controller->state().summary().replace(u'\n', u"; "_s)));
            }
        });
    } else {
        m_controller->setTarget(target);
    }
    m_frontendUrl.clear();
    m_controller->refresh();
    setBusy(false);
}

void CanaryPanel::showEvent(QShowEvent *event)
{
    Panel::showEvent(event);
    if (m_controller && !m_controller->isBusy())
        m_controller->refresh();
}

void CanaryPanel::updatePlan()
{
    const auto intent = CanaryPlanner::share(m_percent->value(), m_budget->value());
    if (!intent) {
        m_plan->setText(intent.error().message);
        return;
    }
    // With both versions read, the steps too: the same plan Apply gets (scheduled again on the fresh read).
    if (m_controller && m_controller->state().complete()) {
        const auto plan = CanaryPlanner::schedule(intent.value(), m_controller->state(),
                                                  m_controller->mode() == CanaryController::Mode::Mesh);
        if (plan) {
            showPlan(plan.value());
            return;
        }
    }
    CanaryPlan split = intent.value();
    split.mesh = m_controller && m_controller->mode() == CanaryController::Mode::Mesh;
    showPlan(split);
}

void CanaryPanel::showPlan(const CanaryPlan &plan)
{
    QString text;
    if (plan.mesh) {
        text = tr("Weights v1 %1 / v2 %2: exactly %3% requested and achieved.")
                   .arg(plan.weights.v1Weight)
                   .arg(plan.weights.v2Weight)
                   .arg(plan.percent);
    } else {
        const ReplicaPlan &p = plan.replicas;
        text = tr("Requested %1% → achieved %2% with v1 %3 and v2 %4 pods.")
                   .arg(plan.percent)
                   .arg(p.achievedPercent(), 0, 'f', 1)
                   .arg(p.v1)
                   .arg(p.v2);
        if (!p.exact())
            text += u' ' + p.explanation();
    }
    if (plan.scheduled)
        text += u'\n'
                + (plan.steps.isEmpty() ? tr("Nothing to change.")
                                        : tr("Steps: %1.").arg(plan.stepLabels().join(u"; "_s)));
    m_plan->setText(text);
}

void CanaryPanel::showState(const CanaryState &state)
{
    m_v1->setText(versionText(state.v1));
    m_v2->setText(versionText(state.v2));
    if (state.complete() && m_mode->text().isEmpty())
        m_mode->setText(tr("replica counts"));
    if (!m_controller->isBusy())
        updatePlan(); // the steps follow the deployments as read
}

void CanaryPanel::showStats(const SplitStats &s)
{
    m_verifyProgress->setRange(0, std::max(1, s.requested));
    m_verifyProgress->setValue(s.completed);
    const auto [lo, hi] = s.interval();
    QString text = tr("v2 %1% [%2 – %3] (99.9% interval) of %4 answers")
                       .arg(s.observedPercent(), 0, 'f', 1)
                       .arg(lo, 0, 'f', 1)
                       .arg(hi, 0, 'f', 1)
                       .arg(s.classified());
    if (s.expectedPercent >= 0)
        text += tr("; expected %1% — %2")
                    .arg(s.expectedPercent, 0, 'f', 1)
                    .arg(s.expectedWithin() ? tr("within the interval") : tr("outside the interval"));
    text += tr("; errors %1").arg(s.errors);
    m_share->setText(text);
    const auto line = [](const QString &name, const LatencyStats &l) {
        return l.count == 0 ? tr("%1: no answers").arg(name)
                            : tr("%1: %2 answers, p50 %3 ms, p95 %4 ms, max %5 ms")
                                  .arg(name)
                                  .arg(l.count)
                                  .arg(l.p50, 0, 'f', 1)
                                  .arg(l.p95, 0, 'f', 1)
                                  .arg(l.max, 0, 'f', 1);
    };
    m_latency->setText(line(tr("v1"), s.v1Latency) + u'\n' + line(tr("v2"), s.v2Latency)
                       + (s.errors ? u'\n' + tr("last error: %1").arg(s.lastError) : QString()));
}

void CanaryPanel::setBusy(bool busy)
{
    const bool connected = m_controller != nullptr;
    m_apply->setEnabled(!busy && connected);
    m_promote->setEnabled(!busy && connected);
    m_rollback->setEnabled(!busy && connected);
    m_verify->setEnabled(connected && !m_verifier->isRunning());
    m_cancel->setEnabled(busy || m_verifier->isRunning());
}

void CanaryPanel::apply()
{
    if (!m_controller)
        return;
    const auto intent = CanaryPlanner::share(m_percent->value(), m_budget->value());
    if (!intent) {
        banner()->showError(intent.error());
        return;
    }
    setBusy(true);
    m_controller->start(intent.value()); // planned() shows the plan it applies

}

void CanaryPanel::followLoadSession(LoadSession *session)
{
    if (!session)
        return;
    m_loadVersions->clear();
    connect(session->client(), &LocustClient::snapshotReceived, m_loadVersions, &VersionStatsView::showSnapshot);
}

void CanaryPanel::applyShare(int percent)
{
    m_percent->setValue(percent);
    apply();
}

void CanaryPanel::verifySplit()
{
    verify();
}

void CanaryPanel::verify()
{
    if (!m_controller)
        return;
    m_verify->setEnabled(false);
    // The address is read at each click: a LoadBalancer gets it a moment after the deploy.
    m_controller->client()->getService(u"frontend-external"_s, [this](const Result<Service> &service) {
        m_frontendUrl = service ? service.value().externalUrl() : QString();
        const auto url = service ? SplitVerifier::productUrl(m_frontendUrl) : Result<QUrl>(service.error());
        if (!url) {
            banner()->showError(url.error());
            m_verify->setEnabled(true);
            return;
        }
        const double expected = m_controller->state().complete() ? m_controller->state().readyV2Percent() : -1.0;
        m_verifier->setErrorThreshold(m_autoRollback->isChecked() ? m_errorThreshold->value() : -1.0);
        const Status started = m_verifier->start(url.value(), m_requests->value(), m_concurrency->value(), expected);
        if (!started) {
            banner()->showError(started.error());
            m_verify->setEnabled(true);
            return;
        }
        m_cancel->setEnabled(true);
    });
}

void CanaryPanel::promoteOrRollback(bool promote)
{
    if (!m_controller)
        return;
    if (m_confirm) {
        const QString question = promote
                                     ? tr("Move all capacity to v2 and scale v1 to 0?")
                                     : tr("Move all capacity back to v1 and scale v2 to 0?");
        if (QMessageBox::question(this, promote ? tr("Promote v2") : tr("Roll back"), question)
            != QMessageBox::Yes)
            return;
    }
    setBusy(true);
    promote ? m_controller->promote(false) : m_controller->rollback(false);
}

} // namespace bc
