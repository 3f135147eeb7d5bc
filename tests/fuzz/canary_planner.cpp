// The canary planner never exceeds the pod budget and never reports a share it did not plan.
// Input: "PERCENT BUDGET", as typed on `boutique-control canary plan PERCENT --budget BUDGET`.
#include "backend/canary/canary_planner.h"

#include <string>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace {
[[noreturn]] void fail(const char *what, int percent, int budget)
{
    std::fprintf(stderr, "plan for %d%% within %d pods: %s\n", percent, budget, what);
    std::abort();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    int percent = 0;
    int budget = 0;
    if (std::sscanf(text.c_str(), "%d %d", &percent, &budget) != 2 || percent < -1000 || percent > 1000
        || budget < -1000 || budget > 400)
        return 0;
    const auto plan = bc::CanaryPlanner::planReplicas(percent, budget);
    const bool valid = percent >= 0 && percent <= 100 && budget >= 1;
    if (bool(plan) != valid)
        fail(valid ? "refused a valid request" : "accepted an invalid request", percent, budget);
    if (plan) {
        const bc::ReplicaPlan &p = plan.value();
        if (p.v1 < 0 || p.v2 < 0 || p.total() < 1 || p.total() > budget)
            fail("pods outside the budget", percent, budget);
        if (p.requestedPercent != percent)
            fail("reports another requested share", percent, budget);
        if (std::fabs(p.achievedPercent() - 100.0 * p.v2 / p.total()) > 1e-9)
            fail("reports a share it did not plan", percent, budget);
        if (p.exact() != (p.v2 * 100 == percent * p.total()))
            fail("calls an inexact plan exact", percent, budget);
        if (percent > 0 && p.v2 == 0 && budget >= 2)
            fail("no v2 pod for a non-zero share", percent, budget);
        if (percent < 100 && p.v1 == 0 && budget >= 2)
            fail("no v1 pod below 100 %", percent, budget);
        if (p.exactV1 + p.exactV2 != p.exactBudget || p.exactV2 * 100 != percent * p.exactBudget)
            fail("the exact plan it names is not exact", percent, budget);
        // Closest possible: no other split within the budget comes nearer to the request.
        const double error = std::fabs(p.achievedPercent() - percent);
        // Among the plans the rules allow (one pod of each version where the request needs both and
        // the budget has room for two).
        const bool bothVersions = budget >= 2;
        for (int total = 1; total <= budget; ++total)
            for (int v2 = (percent > 0 && bothVersions) ? 1 : 0; v2 <= total - ((percent < 100 && bothVersions) ? 1 : 0); ++v2)
                if (std::fabs(100.0 * v2 / total - percent) < error - 1e-9)
                    fail("a closer plan exists", percent, budget);
    }
    const auto weights = bc::CanaryPlanner::planWeights(percent);
    if (weights && (weights.value().v1Weight + weights.value().v2Weight != 100 || weights.value().v2Weight != percent))
        fail("weights do not give the share", percent, 0);
    return 0;
}
