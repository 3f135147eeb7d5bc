#include "backend/canary/canary_controller.h"

#include "backend/kube/kube_client.h"
#include "backend/process/run_context.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace bc {

CanaryController::CanaryController(RunContext *context, KubeTarget target, QString service, QObject *parent)
    : QObject(parent)
    , m_context(context)
    , m_service(std::move(service))
    , m_client(new KubeClient(context, std::move(target), this))
{
    m_poll.setInterval(500ms);
    connect(&m_poll, &QTimer::timeout, this, &CanaryController::pollWait);
    m_drainPoll.setInterval(500ms);
    connect(&m_drainPoll, &QTimer::timeout, this, &CanaryController::pollDrain);
}

CanaryController::~CanaryController() = default;

void CanaryController::setTarget(const KubeTarget &target)
{
    cancel();
    m_client->setTarget(target);
    m_state = {};
    m_mode = Mode::Unknown;
}

QByteArray CanaryController::weightPatch(const QString &service, int v1Weight, int v2Weight)
{
    const auto route = [&service](const QString &subset, int weight) {
        return QJsonObject{{u"destination"_s, QJsonObject{{u"host"_s, service}, {u"subset"_s, subset}}},
                           {u"weight"_s, weight}};
    };
    const QJsonObject patch{
        {u"spec"_s,
         QJsonObject{{u"http"_s, QJsonArray{QJsonObject{{u"route"_s, QJsonArray{route(u"v1"_s, v1Weight),
                                                                              route(u"v2"_s, v2Weight)}}}}}}}};
    return QJsonDocument(patch).toJson(QJsonDocument::Compact);
}

void CanaryController::detect(std::function<void(const Result<CanaryState> &)> then)
{
    const quint64 generation = m_generation;
    m_client->listDeployments(u"app=%1"_s.arg(m_service),
                              [this, then, generation](const Result<QList<Deployment>> &r) {
                                  if (generation != m_generation)
                                      return;
                                  if (!r) {
                                      then(r.error());
                                      return;
                                  }
                                  then(CanaryDetector::detect(r.value(), m_service));
                              });
}

void CanaryController::setMode(Mode mode)
{
    if (mode == m_mode)
        return;
    m_mode = mode;
    Q_EMIT modeChanged(mode);
}

void CanaryController::refresh()
{
    detect([this](const Result<CanaryState> &r) {
        if (!r) {
            Q_EMIT detectFailed(r.error());
            return;
        }
        m_state = r.value();
        Q_EMIT stateChanged(m_state);
    });
    const quint64 generation = m_generation;
    m_client->hasVirtualService(m_service, [this, generation](const Result<bool> &r) {
        if (generation == m_generation)
            setMode(r && r.value() ? Mode::Mesh : Mode::Replicas);
    });
}

void CanaryController::applyPercent(int percent, int budget, bool wait)
{
    begin(Operation::Apply, percent, budget, wait);
}

void CanaryController::promote(bool wait)
{
    begin(Operation::Promote, 100, 0, wait);
}

void CanaryController::rollback(bool wait)
{
    begin(Operation::Rollback, 0, 0, wait);
}

void CanaryController::cancel()
{
    if (!m_busy)
        return;
    m_cancelled = true;
    m_poll.stop();
    m_drainPoll.stop();
    restoreSelector();
    ++m_generation;
    m_busy = false;
    Q_EMIT finished(Error{Error::Kind::Cancelled, u"Cancelled after %1 of %2 steps; what was done stays (capacity "
                                                  "was never lowered)."_s.arg(m_stepIndex).arg(m_steps.size())});
}

void CanaryController::begin(Operation operation, int percent, int budget, bool wait)
{
    if (m_busy) {
        Q_EMIT finished(Error{Error::Kind::Invalid, u"A canary change is already running."_s});
        return;
    }
    if (operation == Operation::Apply) {
        const auto plan = CanaryPlanner::planReplicas(percent, budget);
        if (!plan) {
            Q_EMIT finished(plan.error());
            return;
        }
        m_plan = plan.value();
    }
    ++m_generation;
    m_busy = true;
    m_cancelled = false;
    m_operation = operation;
    m_percent = percent;
    m_budget = budget;
    m_wait = wait;
    m_steps.clear();
    m_stepIndex = 0;
    Q_EMIT progress(u"Reading %1 deployments"_s.arg(m_service), 0, 1);
    const bool dryRun = m_context && m_context->dryRun();
    detect([this, dryRun](const Result<CanaryState> &r) {
        if (!r && !dryRun) {
            fail(r.error());
            return;
        }
        if (r)
            m_state = r.value();
        if (dryRun && !m_state.complete()) { // nothing was read: show the lines for the shipped names
            m_state.service = m_service;
            if (!m_state.v1)
                m_state.v1 = CanaryVersion{m_service, 1, 1, 1, {}, u"v1"_s, true};
            if (!m_state.v2)
                m_state.v2 = CanaryVersion{m_service + u"-v2"_s, 0, 0, 0, {}, u"v2"_s, true};
        }
        if (!m_state.v1 || !m_state.v2) {
            fail(Error{Error::Kind::NotFound, u"%1 needs both versions: %2"_s.arg(m_service, m_state.summary())});
            return;
        }
        Q_EMIT stateChanged(m_state);
        const quint64 generation = m_generation;
        m_client->hasVirtualService(m_service, [this, generation](const Result<bool> &vs) {
            if (generation != m_generation)
                return;
            setMode(vs && vs.value() ? Mode::Mesh : Mode::Replicas);
            planSteps();
            next();
        });
    });
}

void CanaryController::planSteps()
{
    const CanaryVersion v1 = *m_state.v1;
    const CanaryVersion v2 = *m_state.v2;
    const int total = std::max(1, v1.desired + v2.desired);
    if (m_operation == Operation::Apply) {
        if (m_mode == Mode::Mesh) {
            const WeightPlan weights = CanaryPlanner::planWeights(m_percent).value();
            if (weights.v2Weight > 0 && v2.desired == 0)
                addScale(v2.deployment, 1, true);
            if (weights.v1Weight > 0 && v1.desired == 0)
                addScale(v1.deployment, 1, true);
            addWeights(weights.v1Weight, weights.v2Weight);
        } else {
            // Grow first (and wait for its pods), then shrink: capacity never drops.
            if (m_plan.v2 > v2.desired)
                addScale(v2.deployment, m_plan.v2, true);
            if (m_plan.v1 > v1.desired)
                addScale(v1.deployment, m_plan.v1, true);
            if (m_plan.v2 < v2.desired)
                addScale(v2.deployment, m_plan.v2, false);
            if (m_plan.v1 < v1.desired)
                addScale(v1.deployment, m_plan.v1, false);
        }
    } else {
        const bool toV2 = m_operation == Operation::Promote;
        const CanaryVersion &grow = toV2 ? v2 : v1;
        const CanaryVersion &shrink = toV2 ? v1 : v2;
        if (grow.desired < total)
            addScale(grow.deployment, total, true);
        else
            addScale(grow.deployment, grow.desired, true); // only waits for it to be ready
        if (m_mode == Mode::Mesh)
            addWeights(toV2 ? 0 : 100, toV2 ? 100 : 0);
        const bool canDrain = m_mode == Mode::Replicas && !grow.versionLabel.isEmpty()
                              && !shrink.versionLabel.isEmpty() && grow.versionLabel != shrink.versionLabel;
        if (shrink.desired > 0) {
            if (canDrain)
                addDrain(grow.versionLabel, shrink.versionLabel);
            addScale(shrink.deployment, 0, false);
            if (canDrain)
                addRestoreSelector();
        }
    }
    if (m_wait)
        addSettle();
}

void CanaryController::addScale(const QString &deployment, int replicas, bool waitReady)
{
    m_steps.append({u"Scale %1 to %2"_s.arg(deployment).arg(replicas), [this, deployment, replicas, waitReady] {
                        const quint64 generation = m_generation;
                        m_client->scale(deployment, replicas,
                                        [this, generation, deployment, replicas, waitReady](const Result<QString> &r) {
                                            if (generation != m_generation)
                                                return;
                                            if (!r) {
                                                fail(r.error());
                                                return;
                                            }
                                            if (waitReady)
                                                waitFor(deployment, replicas, false);
                                            else
                                                next();
                                        });
                    }});
}

void CanaryController::addWeights(int v1, int v2)
{
    m_steps.append({u"Route %1% to v1 and %2% to v2 (VirtualService %3)"_s.arg(v1).arg(v2).arg(m_service), [this, v1, v2] {
                        const quint64 generation = m_generation;
                        m_client->patch(u"virtualservices.networking.istio.io"_s, m_service, u"merge"_s,
                                        weightPatch(m_service, v1, v2), [this, generation](const Result<QString> &r) {
                                            if (generation != m_generation)
                                                return;
                                            r ? next() : fail(r.error());
                                        });
                    }});
}

void CanaryController::addDrain(const QString &keepVersion, const QString &drainVersion)
{
    m_steps.append({u"Route the Service to %1 only and wait until %2 has no endpoints"_s.arg(keepVersion, drainVersion),
                    [this, keepVersion, drainVersion] {
                        const quint64 generation = m_generation;
                        const QByteArray patch = QJsonDocument(QJsonObject{
                            {u"spec"_s, QJsonObject{{u"selector"_s, QJsonObject{{u"version"_s, keepVersion}}}}}})
                                                     .toJson(QJsonDocument::Compact);
                        m_selectorPatched = true;
                        m_client->patch(u"service"_s, m_service, u"merge"_s, patch,
                                        [this, generation, drainVersion](const Result<QString> &r) {
                                            if (generation != m_generation)
                                                return;
                                            if (!r) {
                                                fail(r.error());
                                                return;
                                            }
                                            if (m_context && m_context->dryRun()) {
                                                next();
                                                return;
                                            }
                                            m_drainVersion = drainVersion;
                                            m_waitDeadline = QDateTime::currentMSecsSinceEpoch() + m_waitTimeout.count();
                                            m_waitInFlight = false;
                                            m_drainPoll.start();
                                            pollDrain();
                                        });
                    }});
}

void CanaryController::pollDrain()
{
    if (m_waitInFlight || !m_busy)
        return;
    m_waitInFlight = true;
    const quint64 generation = m_generation;
    // The pods of the drained version, then the Service's endpoints: done when no address names one.
    m_client->listPods(u"app=%1,version=%2"_s.arg(m_service, m_drainVersion),
                       [this, generation](const Result<QList<Pod>> &pods) {
        if (generation != m_generation)
            return;
        if (!pods) {
            m_waitInFlight = false;
            return;
        }
        QSet<QString> draining;
        for (const Pod &p : pods.value())
            draining.insert(p.meta.name);
        m_client->getEndpoints(m_service, [this, generation, draining](const Result<Endpoints> &ep) {
                          if (generation != m_generation)
                              return;
                          m_waitInFlight = false;
                          if (!ep)
                              return;
                          bool clear = true;
                          for (const QString &target : ep.value().addressTargets)
                              if (draining.contains(target))
                                  clear = false;
                          if (clear) {
                              m_drainPoll.stop();
                              Q_EMIT progress(u"Endpoints drained; waiting %1 ms for proxies"_s.arg(m_drainMargin.count()),
                                              m_stepIndex - 1, int(m_steps.size()));
                              QTimer::singleShot(m_drainMargin, this, [this, generation] {
                                  if (generation == m_generation)
                                      next();
                              });
                          } else if (QDateTime::currentMSecsSinceEpoch() > m_waitDeadline) {
                              m_drainPoll.stop();
                              fail(Error{Error::Kind::Timeout,
                                         u"The endpoints of %1 still name %2 pods; nothing was scaled down."_s.arg(
                                             m_service, m_drainVersion)});
                          }
                      });
    });
}

void CanaryController::addRestoreSelector()
{
    m_steps.append({u"Route the Service to both versions again"_s, [this] {
                        const quint64 generation = m_generation;
                        m_client->patch(u"service"_s, m_service, u"merge"_s,
                                        R"({"spec":{"selector":{"version":null}}})",
                                        [this, generation](const Result<QString> &r) {
                                            if (generation != m_generation)
                                                return;
                                            if (!r) {
                                                fail(r.error());
                                                return;
                                            }
                                            m_selectorPatched = false;
                                            next();
                                        });
                    }});
}

void CanaryController::restoreSelector()
{
    if (!m_selectorPatched)
        return;
    m_selectorPatched = false;
    // Best effort after a failure or cancel: the Service selects both versions again.
    m_client->patch(u"service"_s, m_service, u"merge"_s, R"({"spec":{"selector":{"version":null}}})",
                    [](const Result<QString> &) {});
}

void CanaryController::addSettle()
{
    m_steps.append({u"Wait until both versions have settled"_s, [this] { waitFor({}, 0, true); }});
}

void CanaryController::waitFor(const QString &deployment, int replicas, bool settle)
{
    if (m_context && m_context->dryRun()) {
        next();
        return;
    }
    m_waitDeployment = deployment;
    m_waitReplicas = replicas;
    m_waitSettle = settle;
    m_waitDeadline = QDateTime::currentMSecsSinceEpoch() + m_waitTimeout.count();
    m_waitInFlight = false;
    m_poll.start();
    pollWait();
}

void CanaryController::pollWait()
{
    if (m_waitInFlight || !m_busy)
        return;
    m_waitInFlight = true;
    const quint64 generation = m_generation;
    detect([this, generation](const Result<CanaryState> &r) {
        if (generation != m_generation)
            return;
        m_waitInFlight = false;
        bool reached = false;
        if (r) {
            m_state = r.value();
            Q_EMIT stateChanged(m_state);
            if (m_waitSettle) {
                reached = (!m_state.v1 || m_state.v1->settled) && (!m_state.v2 || m_state.v2->settled);
            } else {
                const auto &v = m_state.v1 && m_state.v1->deployment == m_waitDeployment ? m_state.v1 : m_state.v2;
                reached = v && v->deployment == m_waitDeployment && v->ready >= m_waitReplicas
                          && v->available >= m_waitReplicas;
            }
        }
        if (reached) {
            m_poll.stop();
            next();
        } else if (QDateTime::currentMSecsSinceEpoch() > m_waitDeadline) {
            m_poll.stop();
            fail(Error{Error::Kind::Timeout,
                       m_waitSettle ? u"The deployments did not settle in time: %1"_s.arg(m_state.summary())
                                    : u"%1 did not get %2 ready pods in time; nothing was scaled down."_s.arg(
                                          m_waitDeployment).arg(m_waitReplicas)});
        }
    });
}

void CanaryController::next()
{
    if (m_cancelled || !m_busy)
        return;
    if (m_stepIndex >= m_steps.size()) {
        done();
        return;
    }
    const auto &[label, step] = m_steps.at(m_stepIndex);
    ++m_stepIndex;
    Q_EMIT progress(label, m_stepIndex - 1, int(m_steps.size()));
    step();
}

void CanaryController::fail(const Error &error)
{
    m_poll.stop();
    m_drainPoll.stop();
    restoreSelector();
    m_busy = false;
    ++m_generation;
    Q_EMIT finished(error);
}

void CanaryController::done()
{
    m_busy = false;
    Q_EMIT progress(u"Done"_s, int(m_steps.size()), int(m_steps.size()));
    const quint64 generation = ++m_generation;
    // A last read so the caller sees the final replicas.
    detect([this, generation](const Result<CanaryState> &r) {
        if (generation != m_generation)
            return;
        if (r) {
            m_state = r.value();
            Q_EMIT stateChanged(m_state);
        }
        Q_EMIT finished(ok());
    });
}

} // namespace bc
