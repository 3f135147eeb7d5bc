#include "backend/canary/canary_planner.h"

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

} // namespace bc
