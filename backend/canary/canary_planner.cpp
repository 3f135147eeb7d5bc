#include "backend/canary/canary_planner.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace Qt::StringLiterals;

namespace bc {

QString ReplicaPlan::summary() const
{
    return u"v1=%1 v2=%2 achieved=%3%"_s.arg(v1).arg(v2).arg(QString::number(achievedPercent(), 'g', 4));
}

QString ReplicaPlan::explanation() const
{
    if (exact())
        return {};
    return u"%1% cannot be reached exactly within %2 pods; the nearest is %3% (%4:%5). Exactly %1% needs %6 pods "
           "(%7:%8)."_s.arg(requestedPercent)
        .arg(total() == 0 ? 0 : total())
        .arg(QString::number(achievedPercent(), 'g', 4))
        .arg(v1)
        .arg(v2)
        .arg(exactBudget)
        .arg(exactV1)
        .arg(exactV2);
}

Result<ReplicaPlan> CanaryPlanner::planReplicas(int percent, int budget)
{
    if (percent < 0 || percent > 100)
        return Error{Error::Kind::Invalid, u"percent must be between 0 and 100, got %1"_s.arg(percent)};
    if (budget < 1)
        return Error{Error::Kind::Invalid, u"budget must be at least 1 pod, got %1"_s.arg(budget)};

    ReplicaPlan best;
    best.requestedPercent = percent;
    const int denominator = 100 / std::gcd(percent, 100);
    best.exactBudget = denominator;
    best.exactV2 = percent * denominator / 100;
    best.exactV1 = denominator - best.exactV2;

    const bool needV2 = percent > 0;
    const bool needV1 = percent < 100;
    const bool bothPossible = budget >= 2;
    // Error in hundredths of a percent, compared exactly as rationals: |100*v2 - p*n| / n.
    long bestNum = -1;
    long bestDen = 1;
    for (int n = 1; n <= budget; ++n) {
        for (int v2 = 0; v2 <= n; ++v2) {
            const int v1 = n - v2;
            if (bothPossible && ((needV2 && v2 == 0) || (needV1 && v1 == 0)))
                continue;
            const long num = std::labs(100L * v2 - long(percent) * n);
            // num/n < bestNum/bestDen, or equal with more pods
            const bool better = bestNum < 0 || num * bestDen < bestNum * n || (num * bestDen == bestNum * n && n > best.total());
            if (better) {
                bestNum = num;
                bestDen = n;
                best.v1 = v1;
                best.v2 = v2;
            }
        }
    }
    return best;
}

Result<WeightPlan> CanaryPlanner::planWeights(int percent)
{
    if (percent < 0 || percent > 100)
        return Error{Error::Kind::Invalid, u"percent must be between 0 and 100, got %1"_s.arg(percent)};
    return WeightPlan{100 - percent, percent};
}

QString CanaryStep::label(const QString &service) const
{
    switch (kind) {
    case Kind::Scale:
        return u"Scale %1 to %2"_s.arg(deployment).arg(replicas);
    case Kind::Weights:
        return u"Route %1% to v1 and %2% to v2 (VirtualService %3)"_s.arg(v1Weight).arg(v2Weight).arg(service);
    case Kind::Drain:
        return u"Route the Service to %1 only and wait until %2 has no endpoints"_s.arg(keepVersion, drainVersion);
    case Kind::RestoreSelector:
        return u"Route the Service to both versions again"_s;
    case Kind::Settle:
        return u"Wait until both versions have settled"_s;
    }
    return {};
}

QString CanaryPlan::summary() const
{
    switch (operation) {
    case Operation::Share:
        return mesh ? u"v1 weight %1, v2 weight %2 (exact)"_s.arg(weights.v1Weight).arg(weights.v2Weight)
                    : replicas.summary();
    case Operation::Promote:
        return u"all capacity to v2, then v1 to 0"_s;
    case Operation::Rollback:
        return u"all capacity to v1, then v2 to 0"_s;
    }
    return {};
}

QStringList CanaryPlan::stepLabels() const
{
    QStringList labels;
    for (const CanaryStep &step : steps)
        labels.append(step.label(service));
    return labels;
}

CanaryPlan CanaryPlan::withoutWaits() const
{
    CanaryPlan plan = *this;
    for (CanaryStep &step : plan.steps)
        step.wait = false;
    return plan;
}

Result<CanaryPlan> CanaryPlanner::share(int percent, int budget, bool waitSettled)
{
    const auto replicas = planReplicas(percent, budget);
    if (!replicas)
        return replicas.error();
    CanaryPlan plan;
    plan.operation = CanaryPlan::Operation::Share;
    plan.percent = percent;
    plan.budget = budget;
    plan.waitSettled = waitSettled;
    plan.replicas = replicas.value();
    plan.weights = planWeights(percent).value();
    return plan;
}

CanaryPlan CanaryPlanner::promote(bool waitSettled)
{
    CanaryPlan plan;
    plan.operation = CanaryPlan::Operation::Promote;
    plan.percent = 100;
    plan.waitSettled = waitSettled;
    plan.weights = planWeights(100).value();
    return plan;
}

CanaryPlan CanaryPlanner::rollback(bool waitSettled)
{
    CanaryPlan plan;
    plan.operation = CanaryPlan::Operation::Rollback;
    plan.percent = 0;
    plan.waitSettled = waitSettled;
    plan.weights = planWeights(0).value();
    return plan;
}

namespace {
CanaryStep scaleStep(const QString &deployment, int replicas, bool wait)
{
    CanaryStep step;
    step.kind = CanaryStep::Kind::Scale;
    step.deployment = deployment;
    step.replicas = replicas;
    step.wait = wait;
    return step;
}

CanaryStep weightsStep(const WeightPlan &weights)
{
    CanaryStep step;
    step.kind = CanaryStep::Kind::Weights;
    step.v1Weight = weights.v1Weight;
    step.v2Weight = weights.v2Weight;
    return step;
}
} // namespace

Result<CanaryPlan> CanaryPlanner::schedule(CanaryPlan plan, const CanaryState &state, bool mesh)
{
    if (!state.v1 || !state.v2)
        return Error{Error::Kind::NotFound, u"%1 needs both versions: %2"_s.arg(plan.service, state.summary())};
    plan.from = state;
    plan.mesh = mesh;
    plan.scheduled = true;
    plan.steps.clear();
    const CanaryVersion &v1 = *state.v1;
    const CanaryVersion &v2 = *state.v2;
    QList<CanaryStep> &steps = plan.steps;
    if (plan.operation == CanaryPlan::Operation::Share) {
        if (mesh) {
            if (plan.weights.v2Weight > 0 && v2.desired == 0)
                steps.append(scaleStep(v2.deployment, 1, true));
            if (plan.weights.v1Weight > 0 && v1.desired == 0)
                steps.append(scaleStep(v1.deployment, 1, true));
            steps.append(weightsStep(plan.weights));
        } else {
            // Grow first (and wait for its pods), then shrink: capacity never drops.
            const ReplicaPlan &r = plan.replicas;
            if (r.v2 > v2.desired)
                steps.append(scaleStep(v2.deployment, r.v2, true));
            if (r.v1 > v1.desired)
                steps.append(scaleStep(v1.deployment, r.v1, true));
            if (r.v2 < v2.desired)
                steps.append(scaleStep(v2.deployment, r.v2, false));
            if (r.v1 < v1.desired)
                steps.append(scaleStep(v1.deployment, r.v1, false));
        }
    } else {
        const bool toV2 = plan.operation == CanaryPlan::Operation::Promote;
        const CanaryVersion &grow = toV2 ? v2 : v1;
        const CanaryVersion &shrink = toV2 ? v1 : v2;
        const int total = std::max(1, v1.desired + v2.desired);
        // Grows to the total, or only waits for its pods to be ready when it has them all already.
        steps.append(scaleStep(grow.deployment, std::max(grow.desired, total), true));
        if (mesh)
            steps.append(weightsStep(plan.weights));
        const bool canDrain = !mesh && !grow.versionLabel.isEmpty() && !shrink.versionLabel.isEmpty()
                              && grow.versionLabel != shrink.versionLabel;
        if (shrink.desired > 0) {
            if (canDrain) {
                CanaryStep drain;
                drain.kind = CanaryStep::Kind::Drain;
                drain.keepVersion = grow.versionLabel;
                drain.drainVersion = shrink.versionLabel;
                drain.wait = true;
                steps.append(drain);
            }
            steps.append(scaleStep(shrink.deployment, 0, false));
            if (canDrain) {
                CanaryStep restore;
                restore.kind = CanaryStep::Kind::RestoreSelector;
                steps.append(restore);
            }
        }
    }
    if (plan.waitSettled) {
        CanaryStep settle;
        settle.kind = CanaryStep::Kind::Settle;
        settle.wait = true;
        steps.append(settle);
    }
    return plan;
}

} // namespace bc
