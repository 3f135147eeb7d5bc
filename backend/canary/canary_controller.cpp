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

void CanaryController::prepare(const CanaryPlan &intent, std::function<void(const Result<CanaryPlan> &)> done)
{
    Q_EMIT progress(u"Reading %1 deployments"_s.arg(m_service), 0, 1);
    const quint64 generation = m_generation;
    detect([this, intent, done, generation](const Result<CanaryState> &read) {
        if (generation != m_generation)
            return;
        if (read) {
            m_state = read.value();
            Q_EMIT stateChanged(m_state);
        }
        // The mesh is read either way, so the lines of a change are the same whatever the deployments say.
        m_client->hasVirtualService(m_service, [this, intent, done, generation, read](const Result<bool> &vs) {
            if (generation != m_generation)
                return;
            setMode(vs && vs.value() ? Mode::Mesh : Mode::Replicas);
            if (!read) {
                done(read.error());
                return;
            }
            CanaryPlan plan = intent;
            plan.service = m_service;
            done(CanaryPlanner::schedule(plan, m_state, m_mode == Mode::Mesh));
        });
    });
}

bool CanaryController::claim()
{
    if (m_busy) {
        Q_EMIT finished(Error{Error::Kind::Invalid, u"A canary change is already running."_s});
        return false;
    }
    ++m_generation;
    m_busy = true;
    m_cancelled = false;
    m_stepIndex = 0;
    return true;
}

void CanaryController::apply(const CanaryPlan &plan)
{
    if (!plan.scheduled) {
        Q_EMIT finished(Error{Error::Kind::Invalid, u"The plan has no steps yet: prepare() schedules it."_s});
        return;
    }
    if (claim())
        run(plan);
}

void CanaryController::start(const CanaryPlan &intent)
{
    if (!claim())
        return;
    m_plan = intent;
    prepare(intent, [this](const Result<CanaryPlan> &plan) {
        if (!plan) {
            fail(plan.error());
            return;
        }
        Q_EMIT planned(plan.value());
        run(plan.value());
    });
}

void CanaryController::applyPercent(int percent, int budget, bool wait)
{
    const auto intent = CanaryPlanner::share(percent, budget, wait);
    if (!intent) {
        Q_EMIT finished(intent.error());
        return;
    }
    start(intent.value());
}

void CanaryController::promote(bool wait)
{
    start(CanaryPlanner::promote(wait));
}

void CanaryController::rollback(bool wait)
{
    start(CanaryPlanner::rollback(wait));
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
                                                  "was never lowered)."_s.arg(m_stepIndex).arg(m_plan.steps.size())});
}

void CanaryController::run(const CanaryPlan &plan)
{
    m_plan = plan;
    m_stepIndex = 0;
    next();
}

void CanaryController::runStep(const CanaryStep &step)
{
    switch (step.kind) {
    case CanaryStep::Kind::Scale:
        scale(step);
        return;
    case CanaryStep::Kind::Weights:
        setWeights(step);
        return;
    case CanaryStep::Kind::Drain:
        drain(step);
        return;
    case CanaryStep::Kind::RestoreSelector:
        restoreSelectorStep();
        return;
    case CanaryStep::Kind::Settle:
        step.wait ? waitFor({}, 0, true) : next();
        return;
    }
}

void CanaryController::scale(const CanaryStep &step)
{
    const quint64 generation = m_generation;
    m_client->scale(step.deployment, step.replicas, [this, generation, step](const Result<QString> &r) {
        if (generation != m_generation)
            return;
        if (!r) {
            fail(r.error());
            return;
        }
        if (step.wait)
            waitFor(step.deployment, step.replicas, false);
        else
            next();
    });
}

void CanaryController::setWeights(const CanaryStep &step)
{
    const quint64 generation = m_generation;
    m_client->patch(u"virtualservices.networking.istio.io"_s, m_service, u"merge"_s,
                    weightPatch(m_service, step.v1Weight, step.v2Weight), [this, generation](const Result<QString> &r) {
                        if (generation != m_generation)
                            return;
                        r ? next() : fail(r.error());
                    });
}

void CanaryController::drain(const CanaryStep &step)
{
    const quint64 generation = m_generation;
    const QByteArray patch = QJsonDocument(QJsonObject{
        {u"spec"_s, QJsonObject{{u"selector"_s, QJsonObject{{u"version"_s, step.keepVersion}}}}}})
                                 .toJson(QJsonDocument::Compact);
    m_selectorPatched = true;
    m_client->patch(u"service"_s, m_service, u"merge"_s, patch, [this, generation, step](const Result<QString> &r) {
        if (generation != m_generation)
            return;
        if (!r) {
            fail(r.error());
            return;
        }
        if (!step.wait) {
            next();
            return;
        }
        m_drainVersion = step.drainVersion;
        m_waitDeadline = QDateTime::currentMSecsSinceEpoch() + m_waitTimeout.count();
        m_waitInFlight = false;
        m_drainPoll.start();
        pollDrain();
    });
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
                                              m_stepIndex - 1, int(m_plan.steps.size()));
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

void CanaryController::restoreSelectorStep()
{
    const quint64 generation = m_generation;
    m_client->patch(u"service"_s, m_service, u"merge"_s, R"({"spec":{"selector":{"version":null}}})",
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

void CanaryController::waitFor(const QString &deployment, int replicas, bool settle)
{
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
    if (m_stepIndex >= m_plan.steps.size()) {
        done();
        return;
    }
    const CanaryStep step = m_plan.steps.at(m_stepIndex);
    ++m_stepIndex;
    Q_EMIT progress(step.label(m_service), m_stepIndex - 1, int(m_plan.steps.size()));
    runStep(step);
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
    Q_EMIT progress(u"Done"_s, int(m_plan.steps.size()), int(m_plan.steps.size()));
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
