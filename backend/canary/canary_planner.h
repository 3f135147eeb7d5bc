#pragma once

#include "backend/canary/canary_detector.h"
#include "backend/core/result.h"

#include <QList>
#include <QString>
#include <QStringList>

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

// One thing the controller does to the cluster. Scale: `deployment` to `replicas`; Weights: the
// VirtualService's routes; Drain: narrow the Service's selector to `keepVersion` (and wait until the
// endpoints no longer name a pod of `drainVersion`); RestoreSelector: both versions again; Settle: wait
// until both deployments have settled. `wait` says whether the step waits for the cluster afterwards
// (Scale: the new pods ready; Drain: the endpoints clear; Settle: settled).
struct CanaryStep
{
    enum class Kind { Scale, Weights, Drain, RestoreSelector, Settle };
    Kind kind = Kind::Scale;
    QString deployment;
    int replicas = 0;
    int v1Weight = 0;
    int v2Weight = 0;
    QString keepVersion;
    QString drainVersion;
    bool wait = false;

    QString label(const QString &service) const; // "Scale productcatalogservice-v2 to 1"
    bool operator==(const CanaryStep &) const = default;
};

// The one plan of a canary change: what was asked (a share within a pod budget, promote or roll back),
// the split it gives (replica counts, or exact weights with a mesh), and, once scheduled against the
// deployments as they are, the ordered steps. The panel shows it, the CLI prints it, the controller
// applies it as it is.
struct CanaryPlan
{
    enum class Operation { Share, Promote, Rollback };
    Operation operation = Operation::Share;
    QString service = QString::fromLatin1(CanaryDetector::kDefaultService);
    int percent = 0; // v2's share asked for (Promote 100, Rollback 0)
    int budget = 0;  // Share only: the most pods v1 and v2 may have together
    bool waitSettled = false; // end with a Settle step
    ReplicaPlan replicas;     // Share: the counts within the budget
    WeightPlan weights;       // what the VirtualService gets with a mesh
    bool scheduled = false;   // steps below are for the state the plan was scheduled against
    bool mesh = false;        // scheduled for VirtualService weights
    CanaryState from;         // the deployments as they were when scheduled
    QList<CanaryStep> steps;

    QString summary() const;    // Share: "v1=3 v2=1 achieved=25%"; Promote/Rollback: what moves where
    QStringList stepLabels() const;
    // The same plan, waiting for nothing: a dry run changes nothing that could be waited for.
    CanaryPlan withoutWaits() const;
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

    // What is asked, with its split, before the cluster is read (no steps yet).
    static Result<CanaryPlan> share(int percent, int budget, bool waitSettled = false);
    static CanaryPlan promote(bool waitSettled = false);
    static CanaryPlan rollback(bool waitSettled = false);
    // The ordered steps that take `state` to the plan without ever lowering capacity: whatever grows is
    // scaled first and waited for, only then the other version shrinks; promote and roll back drain the old
    // version from the Service (by its version label) before scaling it to 0. With `mesh` a share is set by
    // the VirtualService's weights (a version that gets traffic keeps at least one pod).
    static Result<CanaryPlan> schedule(CanaryPlan plan, const CanaryState &state, bool mesh);
};

} // namespace bc
