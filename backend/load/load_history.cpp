#include "backend/load/load_history.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

constexpr const char *kColumns[] = {
    "timestamp_ms",   "elapsed_s",      "state",           "user_count",      "target_users",
    "rps",            "fail_per_s",     "current_p50_ms",  "current_p95_ms",  "total_requests",
    "total_failures", "median_ms",      "avg_ms",          "min_ms",          "max_ms",
    "p90_ms",         "p99_ms",         "avg_content_length", "workers_running", "workers_missing",
};
constexpr int kColumnCount = int(std::size(kColumns));

QByteArray num(double v)
{
    if (std::isnan(v))
        return {};
    return QByteArray::number(v, 'g', 10);
}

double parseNum(const QByteArray &field, bool *ok)
{
    if (field.isEmpty())
        return std::numeric_limits<double>::quiet_NaN();
    return field.toDouble(ok);
}

} // namespace

LoadSample LoadSample::from(const StatsSnapshot &s, qint64 timestampMs, double elapsedS, int targetUsers)
{
    LoadSample x;
    x.timestampMs = timestampMs;
    x.elapsedS = elapsedS;
    x.state = s.state;
    x.userCount = s.userCount;
    x.targetUsers = targetUsers;
    x.rps = s.total.currentRps;
    x.failPerSec = s.total.currentFailPerSec;
    if (s.currentP50Ms)
        x.currentP50Ms = *s.currentP50Ms;
    if (s.currentP95Ms)
        x.currentP95Ms = *s.currentP95Ms;
    x.totalRequests = s.total.numRequests;
    x.totalFailures = s.total.numFailures;
    x.medianMs = s.total.medianMs;
    x.avgMs = s.total.avgMs;
    x.minMs = s.total.minMs;
    x.maxMs = s.total.maxMs;
    x.p90Ms = s.total.p90Ms;
    x.p99Ms = s.total.p99Ms;
    x.avgContentLength = s.total.avgContentLength;
    x.workersMissing = s.missingWorkers();
    x.workersRunning = int(s.workers.size()) - x.workersMissing;
    return x;
}

LoadHistory::LoadHistory(qsizetype ringCapacity)
    : m_rps(ringCapacity), m_failPerSec(ringCapacity), m_users(ringCapacity), m_p50(ringCapacity),
      m_p95(ringCapacity), m_ringCapacity(ringCapacity)
{
}

void LoadHistory::append(const LoadSample &s, const QList<EndpointStats> &endpoints)
{
    m_samples.append(s);
    m_rps.push({s.elapsedS, s.rps});
    m_failPerSec.push({s.elapsedS, s.failPerSec});
    m_users.push({s.elapsedS, double(s.userCount)});
    if (!std::isnan(s.currentP50Ms))
        m_p50.push({s.elapsedS, s.currentP50Ms});
    if (!std::isnan(s.currentP95Ms))
        m_p95.push({s.elapsedS, s.currentP95Ms});
    for (const EndpointStats &e : endpoints) {
        if (e.numRequests == 0)
            continue; // no average yet
        const QString key = e.method.isEmpty() ? e.name : e.method + u' ' + e.name;
        auto trace = std::find_if(m_endpoints.begin(), m_endpoints.end(),
                                  [&key](const EndpointTrace &t) { return t.key == key; });
        if (trace == m_endpoints.end()) {
            m_endpoints.append(EndpointTrace{key, SampleRing(m_ringCapacity)});
            trace = m_endpoints.end() - 1;
        }
        trace->avgMs.push({s.elapsedS, e.avgMs});
    }
}

void LoadHistory::clear()
{
    m_samples.clear();
    m_rps.clear();
    m_failPerSec.clear();
    m_users.clear();
    m_p50.clear();
    m_p95.clear();
    m_endpoints.clear();
}

QByteArray LoadHistory::csvHeader()
{
    QByteArrayList names;
    for (const char *c : kColumns)
        names.append(QByteArray(c));
    return names.join(',') + '\n';
}

QByteArray LoadHistory::csvRow(const LoadSample &s)
{
    const QByteArrayList f{
        QByteArray::number(s.timestampMs), num(s.elapsedS), locustStateName(s.state).toUtf8(),
        QByteArray::number(s.userCount), QByteArray::number(s.targetUsers), num(s.rps), num(s.failPerSec),
        num(s.currentP50Ms), num(s.currentP95Ms), QByteArray::number(s.totalRequests),
        QByteArray::number(s.totalFailures), num(s.medianMs), num(s.avgMs), num(s.minMs), num(s.maxMs),
        num(s.p90Ms), num(s.p99Ms), num(s.avgContentLength), QByteArray::number(s.workersRunning),
        QByteArray::number(s.workersMissing),
    };
    return f.join(',') + '\n';
}

Result<QList<LoadSample>> LoadHistory::parseCsv(const QByteArray &csv)
{
    QList<LoadSample> out;
    const QByteArrayList lines = csv.split('\n');
    if (lines.isEmpty() || lines.first().trimmed() + '\n' != csvHeader())
        return Error{Error::Kind::Invalid, u"The history file does not start with the expected header."_s};
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        if (line.isEmpty())
            continue;
        const QByteArrayList f = line.split(',');
        if (f.size() != kColumnCount) {
            // A torn last line (the app died mid-write) is dropped; a torn line elsewhere is an error.
            if (i >= lines.size() - 2)
                break;
            return Error{Error::Kind::Invalid, u"History line %1 has %2 fields, expected %3."_s.arg(i + 1)
                                                   .arg(f.size())
                                                   .arg(kColumnCount)};
        }
        bool ok = true;
        auto d = [&](int c) {
            bool one = true;
            const double v = parseNum(f[c], &one);
            ok = ok && one;
            return v;
        };
        LoadSample s;
        s.timestampMs = f[0].toLongLong(&ok);
        s.elapsedS = d(1);
        s.state = locustStateFromString(QString::fromUtf8(f[2]));
        s.userCount = int(d(3));
        s.targetUsers = int(d(4));
        s.rps = d(5);
        s.failPerSec = d(6);
        s.currentP50Ms = d(7);
        s.currentP95Ms = d(8);
        s.totalRequests = qint64(d(9));
        s.totalFailures = qint64(d(10));
        s.medianMs = d(11);
        s.avgMs = d(12);
        s.minMs = d(13);
        s.maxMs = d(14);
        s.p90Ms = d(15);
        s.p99Ms = d(16);
        s.avgContentLength = d(17);
        s.workersRunning = int(d(18));
        s.workersMissing = int(d(19));
        if (!ok)
            return Error{Error::Kind::Invalid, u"History line %1 has a field that is not a number."_s.arg(i + 1)};
        out.append(s);
    }
    return out;
}

QByteArray LoadHistory::toJson(const QList<LoadSample> &samples)
{
    auto opt = [](double v) { return std::isnan(v) ? QJsonValue(QJsonValue::Null) : QJsonValue(v); };
    QJsonArray arr;
    for (const LoadSample &s : samples) {
        arr.append(QJsonObject{
            {u"timestamp_ms"_s, double(s.timestampMs)},
            {u"elapsed_s"_s, s.elapsedS},
            {u"state"_s, locustStateName(s.state)},
            {u"user_count"_s, s.userCount},
            {u"target_users"_s, s.targetUsers},
            {u"rps"_s, s.rps},
            {u"fail_per_s"_s, s.failPerSec},
            {u"current_p50_ms"_s, opt(s.currentP50Ms)},
            {u"current_p95_ms"_s, opt(s.currentP95Ms)},
            {u"total_requests"_s, double(s.totalRequests)},
            {u"total_failures"_s, double(s.totalFailures)},
            {u"median_ms"_s, s.medianMs},
            {u"avg_ms"_s, s.avgMs},
            {u"min_ms"_s, s.minMs},
            {u"max_ms"_s, s.maxMs},
            {u"p90_ms"_s, s.p90Ms},
            {u"p99_ms"_s, s.p99Ms},
            {u"avg_content_length"_s, s.avgContentLength},
            {u"workers_running"_s, s.workersRunning},
            {u"workers_missing"_s, s.workersMissing},
        });
    }
    return QJsonDocument(arr).toJson(QJsonDocument::Indented);
}

} // namespace bc
