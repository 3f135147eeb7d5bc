#pragma once

#include "backend/load/load_history.h"
#include "backend/load/locust_stats.h"

#include <QByteArray>
#include <QList>

namespace bc {

// Locust 2.12's own CSV formats (exact header rows), so reporters written for `locust --csv` read our
// files. Used when the master's own download is not available (attach to a dead master, rebuilds).
namespace locust_csv {

QByteArray statsHeader();   // PREFIX_stats.csv
QByteArray historyHeader(); // PREFIX_stats_history.csv
QByteArray failuresHeader(); // PREFIX_failures.csv

// One row per endpoint then Aggregated; Requests/s is the whole-run average over `durationS`.
// Percentile columns 2.12's JSON does not carry are "N/A" (Locust's own "no data" marker).
QByteArray stats(const StatsSnapshot &snapshot, double durationS);
// One Aggregated row per sample; the current-window 50%/95% from the samples, other percentiles N/A.
QByteArray history(const QList<LoadSample> &samples);
QByteArray failures(const StatsSnapshot &snapshot);
// The master's own history file (1 s rows with every percentile, but its last ~10 s are never
// flushed) followed by our rows for the time after its last row. Without a usable own file: history().
QByteArray mergedHistory(const QByteArray &locustOwn, const QList<LoadSample> &samples);

QByteArray quoteField(const QString &field);

} // namespace locust_csv
} // namespace bc
