#pragma once

#include "backend/kube/kube_objects.h"
#include "backend/kube/quantity.h" // formatMillicores, formatBytes
#include "backend/metrics/bottleneck_flags.h"

#include <QList>
#include <QString>

#include <optional>

namespace bc {

// One row of the "top" table: a pod's usage against its requests and limits, and its flags.
struct PodUsage
{
    QString pod;
    QString deployment; // owner ReplicaSet name without its hash, else the app label, else the pod name
    QString status;
    QString node;
    bool hasMetrics = false;
    double cpuMillicores = 0;
    double memoryBytes = 0;
    ResourceAmounts requests;
    ResourceAmounts limits;
    int restarts = 0;
    QList<BottleneckFlag> flags;

    // Shares (0.98 = 98 %), empty without metrics or without that request/limit.
    std::optional<double> cpuOfRequest() const;
    std::optional<double> cpuOfLimit() const;
    std::optional<double> memoryOfRequest() const;
    std::optional<double> memoryOfLimit() const;
};

// The same figures summed over the pods of one deployment.
struct DeploymentUsage
{
    QString deployment;
    int pods = 0;
    int podsWithMetrics = 0;
    double cpuMillicores = 0;
    double memoryBytes = 0;
    double cpuRequests = 0;
    double cpuLimits = 0;
    double memoryRequests = 0;
    double memoryLimits = 0;
    int restarts = 0;
    int flaggedPods = 0;
    std::optional<double> cpuOfLimit() const;
    std::optional<double> memoryOfLimit() const;
};

QString deploymentOf(const Pod &pod);

// Rows for every pod (pods without a metrics entry keep hasMetrics false), sorted by name.
QList<PodUsage> buildPodUsage(const QList<Pod> &pods, const QList<PodMetrics> &metrics);
QList<DeploymentUsage> aggregateByDeployment(const QList<PodUsage> &rows);

// Plain-text table for `boutique-control pods top`.
QString formatPodTable(const QList<PodUsage> &rows);
QString formatShare(const std::optional<double> &share);

} // namespace bc
