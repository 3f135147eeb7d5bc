#pragma once

#include "backend/core/result.h"

#include <QString>

namespace bc {

// Replica counts that give v2 a share of the traffic when kube-proxy spreads requests uniformly over the
// ready pods of both deployments.
struct ReplicaPlan
{
    int requestedPercent = 0;
    int v1 = 0;
    int v2 = 0;
    int exactBudget = 0; // the fewest pods that give the requested share exactly
    int exactV1 = 0;
    int exactV2 = 0;

    int total() const { return v1 + v2; }
    double achievedPercent() const { return total() == 0 ? 0.0 : 100.0 * v2 / total(); }
    bool exact() const { return v2 * 100 == requestedPercent * total(); }
    QString summary() const;     // "v1=3 v2=1 achieved=25%"
    QString explanation() const; // empty when exact; else what the budget allows and what exact needs
    bool operator==(const ReplicaPlan &) const = default;
};

// Route weights for a mesh: exact by construction.
struct WeightPlan
{
    int v1Weight = 100;
    int v2Weight = 0;
    bool operator==(const WeightPlan &) const = default;
};

class CanaryPlanner
{
public:
    // percent 0..100; budget: the most pods v1 and v2 may have together (>= 1).
    // Rules: the achieved share is the closest possible; a non-zero request keeps at least one v2 pod and a
    // request below 100 % keeps at least one v1 pod (when the budget allows two pods); among equally close
    // plans the one with more pods wins (more capacity); never more pods than the budget, never zero.
    static Result<ReplicaPlan> planReplicas(int percent, int budget);
    static Result<WeightPlan> planWeights(int percent);
};

} // namespace bc
