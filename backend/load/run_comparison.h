#pragma once

#include "backend/core/result.h"
#include "backend/load/load_history.h"

#include <QString>

namespace bc {

// What one saved run measured, from its history (the last poll holds Locust's cumulative figures).
struct RunSummary
{
    QString id; // the run folder's name
    QString host;
    int users = 0;       // the most users that ran at once
    double seconds = 0;  // elapsed at the last poll
    qint64 requests = 0;
    qint64 failures = 0;
    double meanRps = 0;  // requests / seconds
    double peakP95Ms = 0; // the highest "current" p95 of any poll
    double medianMs = 0; // cumulative, at the end
    double avgMs = 0;
    double p99Ms = 0;

    // Reads settings.json and history.csv of the run folder `dir`.
    static Result<RunSummary> read(const QString &dir);
    static RunSummary fromSamples(const QString &id, const QString &host, const QList<LoadSample> &samples);
};

// Two runs side by side, one figure a line, with the change from `a` to `b` in per cent.
QString formatComparison(const RunSummary &a, const RunSummary &b);

} // namespace bc
