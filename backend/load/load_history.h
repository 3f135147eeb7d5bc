#pragma once

#include "backend/core/result.h"
#include "backend/load/locust_stats.h"
#include "backend/load/sample_ring.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <cmath>
#include <limits>

namespace bc {

// One poll of the master, flattened for charts, CSV and the report. Times in ms, rates per second.
// Percentiles that Locust did not report yet are NaN.
struct LoadSample
{
    qint64 timestampMs = 0; // Unix epoch
    double elapsedS = 0;    // since the history's start
    LocustState state = LocustState::Unknown;
    int userCount = 0;
    int targetUsers = 0;
    double rps = 0;        // current (recent window)
    double failPerSec = 0; // current
    double currentP50Ms = std::numeric_limits<double>::quiet_NaN();
    double currentP95Ms = std::numeric_limits<double>::quiet_NaN();
    qint64 totalRequests = 0; // cumulative, Aggregated
    qint64 totalFailures = 0;
    double medianMs = 0; // cumulative, Aggregated
    double avgMs = 0;
    double minMs = 0;
    double maxMs = 0;
    double p90Ms = 0;
    double p99Ms = 0;
    double avgContentLength = 0;
    int workersRunning = 0; // workers not missing
    int workersMissing = 0;

    static LoadSample from(const StatsSnapshot &s, qint64 timestampMs, double elapsedS, int targetUsers);
};

// One endpoint's chart ring: its average response time (Locust's, since the start) at each poll.
struct EndpointTrace
{
    QString key; // "GET /cart"
    SampleRing avgMs;
};

// The whole history of one run in memory, plus fixed-capacity rings for live charts (x = elapsed
// seconds), overall and per endpoint. History is never dropped on errors; only clear() empties it.
class LoadHistory
{
public:
    static constexpr qsizetype kRingCapacity = 3600; // two hours at 2 s polls

    explicit LoadHistory(qsizetype ringCapacity = kRingCapacity);

    // `endpoints`: the rows of the same poll (without Aggregated), for the per-endpoint rings.
    void append(const LoadSample &sample, const QList<EndpointStats> &endpoints = {});
    void clear();
    const QList<LoadSample> &samples() const { return m_samples; }
    bool isEmpty() const { return m_samples.isEmpty(); }

    const SampleRing &rps() const { return m_rps; }
    const SampleRing &failPerSec() const { return m_failPerSec; }
    const SampleRing &users() const { return m_users; }
    const SampleRing &p50() const { return m_p50; }
    const SampleRing &p95() const { return m_p95; }
    const QList<EndpointTrace> &endpointTraces() const { return m_endpoints; } // in the order first seen

    // Our own history files: one CSV row per sample (header + appendable rows) and a JSON array.
    static QByteArray csvHeader();
    static QByteArray csvRow(const LoadSample &s);
    static Result<QList<LoadSample>> parseCsv(const QByteArray &csv);
    static QByteArray toJson(const QList<LoadSample> &samples);

private:
    QList<LoadSample> m_samples;
    SampleRing m_rps;
    SampleRing m_failPerSec;
    SampleRing m_users;
    SampleRing m_p50;
    SampleRing m_p95;
    QList<EndpointTrace> m_endpoints;
    qsizetype m_ringCapacity;
};

} // namespace bc
