#include "backend/metrics/bottleneck_flags.h"

using namespace Qt::StringLiterals;

namespace bc {

namespace {

QString percent(double share)
{
    return u"%1%"_s.arg(qRound(share * 100));
}

const ContainerUsage *usageOf(const PodMetrics &metrics, const QString &container)
{
    for (const ContainerUsage &u : metrics.containers)
        if (u.name == container)
            return &u;
    return nullptr;
}

} // namespace

QList<BottleneckFlag> BottleneckFlags::evaluate(const Pod &pod, const std::optional<PodMetrics> &usage)
{
    QList<BottleneckFlag> flags;
    if (usage) {
        bool containerCpu = false;
        bool containerMemory = false;
        for (const ContainerSpec &spec : pod.containers) {
            const ContainerUsage *u = usageOf(*usage, spec.name);
            if (!u)
                continue;
            if (spec.limits.cpuMillicores && *spec.limits.cpuMillicores > 0) {
                const double share = u->cpuMillicores / *spec.limits.cpuMillicores;
                if (share >= kNearLimit) {
                    containerCpu = true;
                    flags.append({BottleneckFlag::Kind::CpuThrottled, spec.name,
                                  u"CPU at %1 of limit (%2)"_s.arg(percent(share), spec.name), std::nullopt});
                }
            }
            if (spec.limits.memoryBytes && *spec.limits.memoryBytes > 0) {
                const double share = u->memoryBytes / *spec.limits.memoryBytes;
                if (share >= kNearLimit) {
                    containerMemory = true;
                    flags.append({BottleneckFlag::Kind::MemoryNearLimit, spec.name,
                                  u"memory at %1 of limit (%2)"_s.arg(percent(share), spec.name), std::nullopt});
                }
            }
        }
        // The pod as a whole, when every container has a limit but the usage is not split per container
        // the way the spec names them (or no single container crossed the line).
        const ResourceAmounts limits = pod.totalLimits();
        if (!containerCpu && limits.cpuMillicores && *limits.cpuMillicores > 0) {
            const double share = usage->cpuMillicores() / *limits.cpuMillicores;
            if (share >= kNearLimit)
                flags.append({BottleneckFlag::Kind::CpuThrottled, {}, u"CPU at %1 of limit"_s.arg(percent(share)),
                              std::nullopt});
        }
        if (!containerMemory && limits.memoryBytes && *limits.memoryBytes > 0) {
            const double share = usage->memoryBytes() / *limits.memoryBytes;
            if (share >= kNearLimit)
                flags.append({BottleneckFlag::Kind::MemoryNearLimit, {}, u"memory at %1 of limit"_s.arg(percent(share)),
                              std::nullopt});
        }
    }
    for (const ContainerState &state : pod.containerStates) {
        if (state.restartCount > 0)
            flags.append({BottleneckFlag::Kind::Restarted, state.name,
                          u"%n restart(s) (%1)"_s.arg(state.name).replace(u"%n"_s, QString::number(state.restartCount)),
                          state.lastTerminatedAt});
        const bool oomNow = state.state == u"terminated" && state.reason == u"OOMKilled";
        if (state.lastTerminatedReason == u"OOMKilled" || oomNow) {
            const auto at = state.lastTerminatedAt;
            const QString when = at ? at->toUTC().toString(u"yyyy-MM-dd HH:mm:ss 'UTC'"_s) : u"an unknown time"_s;
            flags.append({BottleneckFlag::Kind::OomKilled, state.name, u"OOMKilled at %1 (%2)"_s.arg(when, state.name), at});
        }
    }
    return flags;
}

QString BottleneckFlags::kindName(BottleneckFlag::Kind kind)
{
    switch (kind) {
    case BottleneckFlag::Kind::CpuThrottled:
        return u"throttled"_s;
    case BottleneckFlag::Kind::MemoryNearLimit:
        return u"memory"_s;
    case BottleneckFlag::Kind::Restarted:
        return u"restarts"_s;
    case BottleneckFlag::Kind::OomKilled:
        return u"OOMKilled"_s;
    }
    return {};
}

QString BottleneckFlags::summary(const QList<BottleneckFlag> &flags)
{
    QStringList texts;
    for (const BottleneckFlag &f : flags)
        texts.append(f.text);
    return texts.join(u"; "_s);
}

} // namespace bc
