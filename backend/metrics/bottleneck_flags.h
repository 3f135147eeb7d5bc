#pragma once

#include "backend/kube/kube_objects.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace bc {

// One reason a pod may be the bottleneck, with the container it concerns and, for past events, when.
struct BottleneckFlag
{
    enum class Kind { CpuThrottled, MemoryNearLimit, Restarted, OomKilled };
    Kind kind = Kind::CpuThrottled;
    QString container; // empty: the pod as a whole
    QString text;      // "CPU at 98% of limit (server)", "OOMKilled at 10:42:07 (server)"
    std::optional<QDateTime> at;
    bool operator==(const BottleneckFlag &) const = default;
};

// Pure rules over a pod's spec and status and, when the metrics API answered, its usage:
// - CPU at >= 90 % of its limit (per container with a limit, and for the pod against the sum of limits
//   when every container has one) means the container is throttled;
// - memory at >= 90 % of its limit is near the OOM killer;
// - restarts > 0;
// - lastState.terminated.reason OOMKilled, with the time it happened.
class BottleneckFlags
{
public:
    static constexpr double kNearLimit = 0.9;

    static QList<BottleneckFlag> evaluate(const Pod &pod, const std::optional<PodMetrics> &usage);
    static QString kindName(BottleneckFlag::Kind kind); // "throttled", "memory", "restarts", "OOMKilled"
    static QString summary(const QList<BottleneckFlag> &flags); // texts joined with "; "
};

} // namespace bc
