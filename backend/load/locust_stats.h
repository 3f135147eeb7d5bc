#pragma once

#include "backend/core/result.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace bc {

// Runner state words of Locust 2.12 (`state` of /stats/requests, also per worker).
enum class LocustState { Unknown, Ready, Spawning, Running, Stopping, Stopped, Cleanup, Missing };
LocustState locustStateFromString(const QString &word);
QString locustStateName(LocustState state);

// One row of `stats` (times in ms, sizes in bytes, rates per second).
struct EndpointStats
{
    QString method; // empty for the Aggregated row
    QString name;
    qint64 numRequests = 0;
    qint64 numFailures = 0;
    double medianMs = 0;
    double avgMs = 0;
    double minMs = 0;
    double maxMs = 0;
    double p90Ms = 0; // cumulative percentiles
    double p99Ms = 0;
    double currentRps = 0;
    double currentFailPerSec = 0;
    double avgContentLength = 0;
    // 2.12's JSON has no per-row 95th; LocustClient fills it from /stats/requests/csv (same counters).
    std::optional<double> p95Ms;
    bool operator==(const EndpointStats &) const = default;
};

struct WorkerStats
{
    QString id;
    LocustState state = LocustState::Unknown;
    int userCount = 0;
    double cpuPercent = 0;
    qint64 memoryBytes = 0;
    bool operator==(const WorkerStats &) const = default;
};

struct ErrorStats
{
    QString method;
    QString name;  // HTML-unescaped
    QString error; // HTML-unescaped, with the extra quotes workers add removed
    qint64 occurrences = 0;
    bool operator==(const ErrorStats &) const = default;
};

// infra/locust's per-version entries: request type VERSION, named "productcatalogservice v1", "... v2" or
// "... unknown". Each counts a canary product page a second time outside Locust's Aggregated row, so
// they are kept apart from the endpoints (and never summed into anything).
inline constexpr auto kVersionRequestType = "VERSION";
inline constexpr auto kVersionEntryPrefix = "productcatalogservice ";

// A parsed GET /stats/requests.
struct StatsSnapshot
{
    LocustState state = LocustState::Unknown;
    int userCount = 0;
    double totalRps = 0;
    double failRatio = 0;
    std::optional<double> currentP50Ms; // last ~10 s window, Aggregated; none before any request
    std::optional<double> currentP95Ms;
    QList<EndpointStats> endpoints; // without the Aggregated row and the per-version entries
    QList<EndpointStats> versions;  // the per-version entries (kVersionRequestType), when the locustfile reports them
    EndpointStats total;            // the Aggregated row
    bool isMaster = false;          // the master reports `workers`
    QList<WorkerStats> workers;
    QList<ErrorStats> errors;

    int workersIn(LocustState state) const;
    int missingWorkers() const { return workersIn(LocustState::Missing); }
    bool isActive() const
    {
        return state == LocustState::Spawning || state == LocustState::Running;
    }
};

// Parses the JSON body of /stats/requests. Malformed or structurally wrong input is an Error with a
// sentence saying what was wrong; nothing is thrown.
Result<StatsSnapshot> parseStatsRequests(const QByteArray &json);

// Fills EndpointStats::p95Ms (rows and Aggregated) from the body of GET /stats/requests/csv (Locust's
// PREFIX_stats.csv format), matching rows by method and name. Returns how many rows were filled;
// a body that is not that CSV fills none.
int applyPercentileCsv(StatsSnapshot &snapshot, const QByteArray &csv);

// RFC 4180 as Python's csv module writes it: quoted fields, doubled quotes, \r\n or \n rows.
QList<QStringList> parseCsvRows(const QByteArray &csv);

// Undo Flask's escape() (&amp; &lt; &gt; &quot; &#x27; &#39;) and strip the extra pair of quotes that
// error texts forwarded by workers carry.
QString unescapeLocustText(const QString &text);
QString normalizeLocustError(const QString &text);

} // namespace bc

Q_DECLARE_METATYPE(bc::StatsSnapshot)
