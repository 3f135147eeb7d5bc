#include "backend/journey/journey_model.h"

#include "backend/canary/canary_controller.h"
#include "backend/canary/split_verifier.h"
#include "backend/deploy/deploy_job.h"
#include "backend/kube/kube_client.h"
#include "backend/load/load_session.h"
#include "backend/orders/orders_repository.h"
#include "backend/process/run_context.h"
#include "backend/session/cluster_session.h"

#include <QTimer>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bc {

namespace {
constexpr int kFrontendAttempts
    = 30; // one a second: a LoadBalancer gets its address a moment after the rollout
constexpr int kOrdersRefreshMs = 3000;

QString counted(qint64 n, const QString &one, const QString &many) // "1 node", "3 nodes"
{
    return QString::number(n) + u' ' + (n == 1 ? one : many);
}
} // namespace

JourneyModel::JourneyModel(RunContext *context, ClusterSession *session, QObject *parent)
    : QObject(parent)
    , m_context(context)
    , m_session(session)
{
    for (JourneyStep::Id id : ids())
        m_steps.append(JourneyStep {.id = id});
    if (!session)
        return;
    connect(session, &ClusterSession::connectingChanged, this, [this](bool connecting) {
        if (connecting)
            set(JourneyStep::Id::Cluster, JourneyStep::State::Running, tr("starting the cluster"));
    });
    connect(session, &ClusterSession::targetChanged, this, &JourneyModel::onTarget);
    connect(session, &ClusterSession::failed, this, [this](const Error &error) {
        set(JourneyStep::Id::Cluster, JourneyStep::State::Failed, tr("no cluster"), error.message);
    });
    connect(session, &ClusterSession::disconnected, this, [this] {
        ++m_targetGeneration;
        for (JourneyStep::Id id : ids())
            set(id, JourneyStep::State::NotStarted, {});
        m_frontendUrl.clear();
        Q_EMIT frontendUrlChanged(m_frontendUrl);
    });
    auto *ordersTimer = new QTimer(this);
    ordersTimer->setInterval(kOrdersRefreshMs);
    connect(ordersTimer, &QTimer::timeout, this, &JourneyModel::refreshOrders);
    ordersTimer->start();
    if (session->hasTarget())
        onTarget();
}

QList<JourneyStep::Id> JourneyModel::ids()
{
    using Id = JourneyStep::Id;
    return {Id::Cluster, Id::Deploy, Id::LoadTest, Id::Canary, Id::Orders};
}

QString JourneyModel::title(JourneyStep::Id id)
{
    switch (id) {
    case JourneyStep::Id::Cluster:
        return tr("Cluster");
    case JourneyStep::Id::Deploy:
        return tr("Deploy");
    case JourneyStep::Id::LoadTest:
        return tr("Load test");
    case JourneyStep::Id::Canary:
        return tr("Canary");
    case JourneyStep::Id::Orders:
        return tr("Order log");
    }
    return {};
}

QString JourneyModel::stateName(JourneyStep::State state)
{
    switch (state) {
    case JourneyStep::State::NotStarted:
        return tr("not started");
    case JourneyStep::State::Running:
        return tr("running");
    case JourneyStep::State::Done:
        return tr("done");
    case JourneyStep::State::Failed:
        return tr("failed");
    }
    return {};
}

const JourneyStep &JourneyModel::step(JourneyStep::Id id) const
{
    return m_steps.at(int(id));
}

JourneyStep::Id JourneyModel::nextStep() const
{
    for (const JourneyStep &s : m_steps) {
        if (s.state != JourneyStep::State::Done)
            return s.id;
    }
    return JourneyStep::Id::Orders;
}

JourneyAction JourneyModel::action(JourneyStep::Id id) const
{
    const JourneyStep::State state = step(id).state;
    using S = JourneyStep::State;
    switch (id) {
    case JourneyStep::Id::Cluster:
        return state == S::Running ? JourneyAction::None
            : state == S::Done     ? JourneyAction::Show
                                   : JourneyAction::StartSandbox;
    case JourneyStep::Id::Deploy:
        return state == S::Running ? JourneyAction::None
            : state == S::Done     ? JourneyAction::Show
                                   : JourneyAction::Deploy;
    case JourneyStep::Id::LoadTest:
        return state == S::Running ? JourneyAction::StopLoadTest : JourneyAction::RunLoadTest;
    case JourneyStep::Id::Canary:
        if (m_canaryBusy)
            return JourneyAction::None;
        if (m_canaryApplied || state == S::Done)
            return JourneyAction::VerifyCanary;
        return JourneyAction::ApplyCanary;
    case JourneyStep::Id::Orders:
        return JourneyAction::Show;
    }
    return JourneyAction::None;
}

QString JourneyModel::actionText(JourneyAction action)
{
    switch (action) {
    case JourneyAction::None:
        return tr("Working\u2026");
    case JourneyAction::StartSandbox:
        return tr("Start sandbox");
    case JourneyAction::Deploy:
        return tr("Deploy the shop");
    case JourneyAction::RunLoadTest:
        return tr("Run load test");
    case JourneyAction::StopLoadTest:
        return tr("Stop load test");
    case JourneyAction::ApplyCanary:
        return tr("Apply %1 % canary").arg(kCanaryPercent);
    case JourneyAction::VerifyCanary:
        return tr("Verify split");
    case JourneyAction::Show:
        return tr("Show");
    }
    return {};
}

bool JourneyModel::canContinue(JourneyStep::Id id) const
{
    const auto done = [this](JourneyStep::Id i) { return step(i).state == JourneyStep::State::Done; };
    if (action(id) == JourneyAction::None)
        return false;
    switch (id) {
    case JourneyStep::Id::Cluster:
        return true;
    case JourneyStep::Id::Deploy:
        return done(JourneyStep::Id::Cluster);
    case JourneyStep::Id::LoadTest:
        return action(id) == JourneyAction::StopLoadTest
            || (done(JourneyStep::Id::Deploy) && !m_frontendUrl.isEmpty());
    case JourneyStep::Id::Canary:
        return done(JourneyStep::Id::Deploy);
    case JourneyStep::Id::Orders:
        return done(JourneyStep::Id::Cluster);
    }
    return false;
}

void JourneyModel::set(
    JourneyStep::Id id, JourneyStep::State state, const QString &figure, const QString &problem)
{
    JourneyStep &s = at(id);
    const JourneyStep updated {.id = id, .state = state, .figure = figure, .problem = problem};
    if (s == updated)
        return;
    s = updated;
    Q_EMIT stepChanged(id);
}

void JourneyModel::onTarget()
{
    ++m_targetGeneration;
    set(JourneyStep::Id::Cluster, JourneyStep::State::Done, tr("connected"));
    countNodes();
    // An existing cluster may already run the shop: its address says so.
    lookUpFrontend(1);
}

void JourneyModel::countNodes()
{
    if (!m_session || !m_session->hasTarget())
        return;
    auto *client = new KubeClient(m_context, m_session->target(), this);
    const quint64 generation = m_targetGeneration;
    client->listNodes([this, client, generation](const Result<QList<Node>> &nodes) {
        client->deleteLater();
        if (generation != m_targetGeneration)
            return;
        if (!nodes) {
            set(JourneyStep::Id::Cluster, JourneyStep::State::Failed, tr("nodes unknown"),
                nodes.error().message);
            return;
        }
        qsizetype ready = 0;
        for (const Node &n : nodes.value())
            ready += n.ready ? 1 : 0;
        set(JourneyStep::Id::Cluster, JourneyStep::State::Done,
            tr("%1 of %2 ready").arg(ready).arg(counted(nodes.value().size(), tr("node"), tr("nodes"))));
    });
}

void JourneyModel::lookUpFrontend(int attemptsLeft)
{
    if (!m_session || !m_session->hasTarget() || attemptsLeft <= 0)
        return;
    auto *client = new KubeClient(m_context, m_session->target(), this);
    const quint64 generation = m_targetGeneration;
    client->getService(
        u"frontend-external"_s, [this, client, generation, attemptsLeft](const Result<Service> &service) {
            client->deleteLater();
            if (generation != m_targetGeneration)
                return;
            const QString url = service ? service.value().externalUrl() : QString();
            if (url.isEmpty()) {
                QTimer::singleShot(1000, this, [this, attemptsLeft] { lookUpFrontend(attemptsLeft - 1); });
                return;
            }
            if (url != m_frontendUrl) {
                m_frontendUrl = url;
                Q_EMIT frontendUrlChanged(url);
            }
        });
}

void JourneyModel::watchDeployJob(DeployJob *job)
{
    if (!job)
        return;
    set(JourneyStep::Id::Deploy, JourneyStep::State::Running, tr("applying the manifests"));
    m_deployReady = 0;
    m_deployTotal = 0;
    const auto figure = [this] {
        return tr("%1 of %2 ready")
            .arg(m_deployReady)
            .arg(counted(m_deployTotal, tr("deployment"), tr("deployments")));
    };
    connect(
        job, &DeployJob::progressChanged, this, [this, figure](const QList<DeploymentProgress> &progress) {
            m_deployTotal = int(progress.size());
            m_deployReady
                = int(std::count_if(progress.begin(), progress.end(), [](const auto &d) { return d.done; }));
            set(JourneyStep::Id::Deploy, JourneyStep::State::Running, figure());
        });
    connect(job, &DeployJob::finished, this, [this, figure](const Status &status) {
        if (!status) {
            set(JourneyStep::Id::Deploy, JourneyStep::State::Failed, figure(), status.error().message);
            return;
        }
        m_deployReady = m_deployTotal; // the job ends well only once every deployment is available
        set(JourneyStep::Id::Deploy, JourneyStep::State::Done, figure());
        lookUpFrontend(kFrontendAttempts);
    });
}

void JourneyModel::watchLoadSession(LoadSession *session)
{
    if (!session)
        return;
    const auto figureOf = [](const LoadSample &s) {
        return tr("%1 req/s, %2")
            .arg(s.rps, 0, 'f', 1)
            .arg(counted(s.totalFailures, tr("failure"), tr("failures")));
    };
    set(JourneyStep::Id::LoadTest, JourneyStep::State::Running, tr("starting Locust"));
    connect(session, &LoadSession::sampleAdded, this, [this, figureOf](const LoadSample &sample) {
        set(JourneyStep::Id::LoadTest, JourneyStep::State::Running, figureOf(sample));
    });
    connect(session, &LoadSession::finished, this, [this, session, figureOf](const Status &status) {
        // The run's figure: requests over the run's time (the last poll's rate is a 10 s window).
        QString figure = tr("no requests");
        const auto &samples = session->history().samples();
        if (!samples.isEmpty()) {
            const LoadSample &last = samples.last();
            LoadSample whole = last;
            whole.rps = last.elapsedS > 0 ? double(last.totalRequests) / last.elapsedS : last.rps;
            figure = figureOf(whole);
        }
        if (status)
            set(JourneyStep::Id::LoadTest, JourneyStep::State::Done, figure);
        else
            set(JourneyStep::Id::LoadTest, JourneyStep::State::Failed, figure, status.error().message);
        refreshOrders();
    });
}

void JourneyModel::watchCanary(CanaryController *controller, SplitVerifier *verifier)
{
    if (controller && controller != m_canary) {
        m_canary = controller;
        connect(controller, &CanaryController::progress, this, [this](const QString &stepText, int, int) {
            m_canaryBusy = true;
            m_canaryApplied = false;
            set(JourneyStep::Id::Canary, JourneyStep::State::Running, stepText);
        });
        connect(controller, &CanaryController::finished, this, [this, controller](const Status &status) {
            m_canaryBusy = false;
            m_canaryApplied = bool(status);
            if (!status) {
                set(JourneyStep::Id::Canary, JourneyStep::State::Failed, tr("not applied"),
                    status.error().message);
                return;
            }
            const double share = controller->state().readyV2Percent();
            set(JourneyStep::Id::Canary, JourneyStep::State::Running,
                tr("v2 has %1 % of the ready pods; verify it").arg(std::lround(share)));
        });
    }
    if (verifier) {
        connect(verifier, &SplitVerifier::progress, this, [this](const SplitStats &stats) {
            m_canaryBusy = stats.completed < stats.requested;
            if (m_canaryBusy)
                set(JourneyStep::Id::Canary, JourneyStep::State::Running,
                    tr("verifying: %1 of %2 answers").arg(stats.completed).arg(stats.requested));
        });
        connect(verifier, &SplitVerifier::finished, this, &JourneyModel::onVerified);
    }
}

void JourneyModel::onVerified(const SplitStats &stats)
{
    m_canaryBusy = false;
    const auto [low, high] = stats.interval();
    const QString figure = tr("v2 measured %1 % [%2, %3] of %4")
                               .arg(stats.observedPercent(), 0, 'f', 1)
                               .arg(low, 0, 'f', 1)
                               .arg(high, 0, 'f', 1)
                               .arg(stats.classified());
    if (stats.classified() == 0) {
        set(JourneyStep::Id::Canary, JourneyStep::State::Failed, tr("no answer named a version"),
            stats.lastError);
        return;
    }
    if (stats.expectedPercent >= 0 && !stats.expectedWithin()) {
        set(JourneyStep::Id::Canary, JourneyStep::State::Failed, figure,
            tr("expected %1 %, outside the interval").arg(stats.expectedPercent, 0, 'f', 0));
        return;
    }
    set(JourneyStep::Id::Canary,
        stats.expectedPercent > 0 ? JourneyStep::State::Done : JourneyStep::State::Running, figure);
}

void JourneyModel::watchOrders(OrdersRepository *repository)
{
    if (!repository || repository == m_orders)
        return;
    m_orders = repository;
    connect(
        repository, &OrdersRepository::summaryReady, this, [this](quint64 id, const OrderSummary &summary) {
            if (id != m_summaryRequest)
                return;
            m_ordersStored = summary.orders;
            if (summary.orders > 0)
                set(JourneyStep::Id::Orders, JourneyStep::State::Done,
                    tr("%1 stored").arg(counted(summary.orders, tr("order"), tr("orders"))));
            else
                set(JourneyStep::Id::Orders, JourneyStep::State::NotStarted, tr("no order stored yet"));
        });
    connect(repository, &OrdersRepository::requestFailed, this, [this](quint64 id, const Error &error) {
        if (id == m_summaryRequest)
            set(JourneyStep::Id::Orders, JourneyStep::State::Failed, tr("order log unreachable"),
                error.message);
    });
    refreshOrders();
}

void JourneyModel::refreshOrders()
{
    if (m_orders && m_orders->hasConnection())
        m_summaryRequest = m_orders->requestSummary(OrderFilter {});
}

} // namespace bc
