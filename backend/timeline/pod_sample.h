#pragma once

#include "backend/core/result.h"
#include "backend/kube/kube_objects.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace bc {

// One pod's usage at one scrape of the metrics API, with what it asked for: a row of a run folder's
// pods.csv. The time is the scrape's, in ms since the epoch: the clock LoadSample uses too.
struct PodSample
{
    qint64 timestampMs = 0;
    QString pod;
    QString deployment;
    double cpuMillicores = 0;
    double memoryBytes = 0;
    ResourceAmounts requests;
    ResourceAmounts limits;

    std::optional<double> cpuOfLimit() const; // 0.98 = 98 %; empty without a CPU limit
    bool operator==(const PodSample &) const = default;
};

// pods.csv: a header, then one row per sample (appendable, the last line may be torn by a crash).
namespace pod_csv {
QByteArray header();
QByteArray row(const PodSample &sample);
Result<QList<PodSample>> parse(const QByteArray &csv);
} // namespace pod_csv

} // namespace bc
