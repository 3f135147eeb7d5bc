#include "backend/metrics/pod_usage.h"

#include <QHash>
#include <QMap>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

std::optional<double> share(double used, const std::optional<double> &of)
{
    if (!of || *of <= 0)
        return std::nullopt;
    return used / *of;
}

} // namespace

std::optional<double> PodUsage::cpuOfRequest() const
{
    return hasMetrics ? share(cpuMillicores, requests.cpuMillicores) : std::nullopt;
}
std::optional<double> PodUsage::cpuOfLimit() const
{
    return hasMetrics ? share(cpuMillicores, limits.cpuMillicores) : std::nullopt;
}
std::optional<double> PodUsage::memoryOfRequest() const
{
    return hasMetrics ? share(memoryBytes, requests.memoryBytes) : std::nullopt;
}
std::optional<double> PodUsage::memoryOfLimit() const
{
    return hasMetrics ? share(memoryBytes, limits.memoryBytes) : std::nullopt;
}

std::optional<double> DeploymentUsage::cpuOfLimit() const
{
    return podsWithMetrics > 0 && cpuLimits > 0 ? std::optional<double>(cpuMillicores / cpuLimits) : std::nullopt;
}
std::optional<double> DeploymentUsage::memoryOfLimit() const
{
    return podsWithMetrics > 0 && memoryLimits > 0 ? std::optional<double>(memoryBytes / memoryLimits) : std::nullopt;
}

QString deploymentOf(const Pod &pod)
{
    if (pod.meta.ownerKind == u"ReplicaSet" && !pod.meta.ownerName.isEmpty()) {
        const qsizetype dash = pod.meta.ownerName.lastIndexOf(u'-');
        return dash > 0 ? pod.meta.ownerName.left(dash) : pod.meta.ownerName;
    }
    const QString app = pod.meta.labels.value(u"app"_s);
    return app.isEmpty() ? pod.meta.name : app;
}

QList<PodUsage> buildPodUsage(const QList<Pod> &pods, const QList<PodMetrics> &metrics)
{
    QHash<QString, const PodMetrics *> byName;
    for (const PodMetrics &m : metrics)
        byName.insert(m.name, &m);
    QList<PodUsage> rows;
    rows.reserve(pods.size());
    for (const Pod &pod : pods) {
        PodUsage row;
        row.pod = pod.meta.name;
        row.deployment = deploymentOf(pod);
        row.status = pod.displayStatus();
        row.node = pod.nodeName;
        row.requests = pod.totalRequests();
        row.limits = pod.totalLimits();
        row.restarts = pod.restarts();
        std::optional<PodMetrics> usage;
        if (const PodMetrics *m = byName.value(pod.meta.name)) {
            usage = *m;
            row.hasMetrics = true;
            row.cpuMillicores = m->cpuMillicores();
            row.memoryBytes = m->memoryBytes();
        }
        row.flags = BottleneckFlags::evaluate(pod, usage);
        rows.append(row);
    }
    std::sort(rows.begin(), rows.end(), [](const PodUsage &a, const PodUsage &b) { return a.pod < b.pod; });
    return rows;
}

QList<DeploymentUsage> aggregateByDeployment(const QList<PodUsage> &rows)
{
    QMap<QString, DeploymentUsage> byName;
    for (const PodUsage &row : rows) {
        DeploymentUsage &d = byName[row.deployment];
        d.deployment = row.deployment;
        ++d.pods;
        if (row.hasMetrics) {
            ++d.podsWithMetrics;
            d.cpuMillicores += row.cpuMillicores;
            d.memoryBytes += row.memoryBytes;
            d.cpuRequests += row.requests.cpuMillicores.value_or(0);
            d.cpuLimits += row.limits.cpuMillicores.value_or(0);
            d.memoryRequests += row.requests.memoryBytes.value_or(0);
            d.memoryLimits += row.limits.memoryBytes.value_or(0);
        }
        d.restarts += row.restarts;
        if (!row.flags.isEmpty())
            ++d.flaggedPods;
    }
    return byName.values();
}

QString formatShare(const std::optional<double> &share)
{
    return share ? u"%1%"_s.arg(qRound(*share * 100)) : u"-"_s;
}

QString formatPodTable(const QList<PodUsage> &rows)
{
    const QStringList header = {u"POD"_s, u"STATUS"_s, u"CPU"_s, u"CPU/REQ"_s, u"CPU/LIM"_s, u"MEMORY"_s,
                                u"MEM/REQ"_s, u"MEM/LIM"_s, u"RESTARTS"_s, u"FLAGS"_s};
    QList<QStringList> table{header};
    for (const PodUsage &r : rows)
        table.append({r.pod, r.status, r.hasMetrics ? formatMillicores(r.cpuMillicores) : u"-"_s,
                      formatShare(r.cpuOfRequest()), formatShare(r.cpuOfLimit()),
                      r.hasMetrics ? formatBytes(r.memoryBytes) : u"-"_s, formatShare(r.memoryOfRequest()),
                      formatShare(r.memoryOfLimit()), QString::number(r.restarts),
                      r.flags.isEmpty() ? u"-"_s : BottleneckFlags::summary(r.flags)});
    QList<qsizetype> widths(header.size(), 0);
    for (const QStringList &line : table)
        for (qsizetype i = 0; i < line.size() - 1; ++i)
            widths[i] = std::max(widths[i], line.at(i).size());
    QString text;
    for (const QStringList &line : table) {
        for (qsizetype i = 0; i < line.size(); ++i)
            text += i + 1 < line.size() ? line.at(i).leftJustified(widths[i] + 2) : line.at(i);
        text += u'\n';
    }
    return text;
}

} // namespace bc
