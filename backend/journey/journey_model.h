#pragma once

#include "backend/core/result.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

namespace bc {

class CanaryController;
class ClusterSession;
class DeployJob;
class LoadSession;
class OrdersRepository;
class RunContext;
class SplitVerifier;
struct SplitStats;

// One step of the lab as the "Start here" page shows it.
struct JourneyStep
{
    enum class Id { Cluster, Deploy, LoadTest, Canary, Orders };
    enum class State { NotStarted, Running, Done, Failed };
    Id id = Id::Cluster;
    State state = State::NotStarted;
    QString figure
        = {}; // the key figure: "1 node", "12 of 12 deployments ready", "41.2 req/s, 0 failures", ...
    QString problem = {}; // why it failed, for Failed
    bool operator==(const JourneyStep &) const = default;
};

// What the step's one button does next.
enum class JourneyAction {
    None,
    StartSandbox,
    Deploy,
    RunLoadTest,
    StopLoadTest,
    ApplyCanary,
    VerifyCanary,
    Show
};

// The lab's five steps (Cluster, Deploy, Load test, Canary, Order log) and where each one stands, taken
// only from the backend objects' signals: the session, the deploy job, the load session, the canary
// controller and verifier, the order repository. The window hands it each object when the panel that
// owns it creates one; the model never looks at a widget.
class JourneyModel : public QObject
{
    Q_OBJECT
public:
    static constexpr int kCanaryPercent = 25; // the lab's canary: 3 v1 : 1 v2

    JourneyModel(RunContext *context, ClusterSession *session, QObject *parent = nullptr);

    static QList<JourneyStep::Id> ids();
    static QString title(JourneyStep::Id id); // "Cluster", "Deploy", "Load test", "Canary", "Order log"
    static QString stateName(JourneyStep::State state); // "not started", "running", "done", "failed"

    const JourneyStep &step(JourneyStep::Id id) const;
    JourneyAction action(JourneyStep::Id id) const;
    static QString actionText(JourneyAction action); // the button's label
    // The steps before it are far enough (a cluster to deploy to, a shop to load, v2 to shift to).
    bool canContinue(JourneyStep::Id id) const;
    // The first step that is not done (Orders when everything is).
    JourneyStep::Id nextStep() const;
    qint64 ordersStored() const { return m_ordersStored; } // -1 until the order log answered
    QString frontendUrl() const { return m_frontendUrl; } // empty until the storefront has an address

    void watchDeployJob(DeployJob *job);
    void watchLoadSession(LoadSession *session);
    void watchCanary(CanaryController *controller, SplitVerifier *verifier);
    void watchOrders(OrdersRepository *repository);
    void refreshOrders(); // asks the repository how many orders it holds

Q_SIGNALS:
    void stepChanged(bc::JourneyStep::Id id);
    void frontendUrlChanged(const QString &url);

private:
    void set(
        JourneyStep::Id id, JourneyStep::State state, const QString &figure, const QString &problem = {});
    void onTarget();
    void countNodes();
    void lookUpFrontend(int attemptsLeft);
    void onVerified(const SplitStats &stats);
    JourneyStep &at(JourneyStep::Id id) { return m_steps[int(id)]; }

    QPointer<RunContext> m_context;
    QPointer<ClusterSession> m_session;
    QPointer<CanaryController> m_canary;
    QPointer<OrdersRepository> m_orders;
    QList<JourneyStep> m_steps;
    QString m_frontendUrl;
    int m_deployReady = 0;
    int m_deployTotal = 0;
    bool m_canaryApplied = false; // an apply finished since the last verification
    bool m_canaryBusy = false;
    quint64 m_summaryRequest = 0;
    qint64 m_ordersStored = -1;
    quint64 m_targetGeneration = 0; // answers for an earlier target are dropped
};

} // namespace bc
