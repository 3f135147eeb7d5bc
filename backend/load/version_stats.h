#pragma once

#include "backend/load/locust_stats.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace bc {

// One version of productcatalogservice as the load test saw it (infra/locust's VERSION entries).
struct VersionFigures
{
    QString version = {}; // "v1", "v2", "unknown" (failed pages that named no version)
    qint64 requests = 0;
    qint64 failures = 0;
    double medianMs = 0;
    std::optional<double> p95Ms = {};
    double currentRps = 0;
    bool operator==(const VersionFigures &) const = default;
};

// v1 and v2 (always both, zero when unseen, once the locustfile reports any version), then "unknown"
// when it has requests. Empty when the snapshot has no per-version entries (no canary page yet).
QList<VersionFigures> versionFigures(const StatsSnapshot &snapshot);

// The saved run's versions.csv: Version,Requests,Failures,Median Response Time,95%.
QByteArray versionsCsv(const QList<VersionFigures> &versions);

} // namespace bc
