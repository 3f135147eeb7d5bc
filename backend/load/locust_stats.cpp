#include "backend/load/locust_stats.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

struct StateWord
{
    LocustState state;
    QLatin1StringView word;
};

constexpr StateWord kStates[] = {
    {LocustState::Ready, QLatin1StringView("ready")},       {LocustState::Spawning, QLatin1StringView("spawning")},
    {LocustState::Running, QLatin1StringView("running")},   {LocustState::Stopping, QLatin1StringView("stopping")},
    {LocustState::Stopped, QLatin1StringView("stopped")},   {LocustState::Cleanup, QLatin1StringView("cleanup")},
    {LocustState::Missing, QLatin1StringView("missing")},
};

// Locust mixes ints, floats and null for numbers; null and absent read as `fallback`.
double number(const QJsonObject &o, QLatin1StringView key, double fallback = 0)
{
    const QJsonValue v = o.value(key);
    return v.isDouble() ? v.toDouble() : fallback;
}

std::optional<double> optionalNumber(const QJsonObject &o, QLatin1StringView key)
{
    const QJsonValue v = o.value(key);
    if (v.isDouble())
        return v.toDouble();
    return std::nullopt;
}

qint64 integer(const QJsonObject &o, QLatin1StringView key)
{
    // Clamped: a count beyond qint64 (or NaN) in a hostile answer must not be an undefined conversion.
    constexpr double kLimit = 9.2e18; // just inside qint64's range
    const double d = number(o, key);
    if (std::isnan(d))
        return 0;
    return qint64(std::clamp(d, -kLimit, kLimit));
}

EndpointStats parseRow(const QJsonObject &o)
{
    EndpointStats e;
    e.method = o.value("method"_L1).toString(); // null (idle Aggregated) reads as empty
    e.name = unescapeLocustText(o.value("name"_L1).toString());
    e.numRequests = integer(o, "num_requests"_L1);
    e.numFailures = integer(o, "num_failures"_L1);
    e.medianMs = number(o, "median_response_time"_L1);
    e.avgMs = number(o, "avg_response_time"_L1);
    e.minMs = number(o, "min_response_time"_L1);
    e.maxMs = number(o, "max_response_time"_L1);
    e.p90Ms = number(o, "ninetieth_response_time"_L1);
    e.p99Ms = number(o, "ninety_ninth_response_time"_L1);
    e.currentRps = number(o, "current_rps"_L1);
    e.currentFailPerSec = number(o, "current_fail_per_sec"_L1);
    e.avgContentLength = number(o, "avg_content_length"_L1);
    return e;
}

Error malformed(const QString &what)
{
    return Error{Error::Kind::Invalid, u"Locust sent statistics this app cannot read: %1."_s.arg(what)};
}

} // namespace

LocustState locustStateFromString(const QString &word)
{
    for (const StateWord &s : kStates) {
        if (word == s.word)
            return s.state;
    }
    return LocustState::Unknown;
}

QString locustStateName(LocustState state)
{
    for (const StateWord &s : kStates) {
        if (s.state == state)
            return QString(s.word);
    }
    return u"unknown"_s;
}

int StatsSnapshot::workersIn(LocustState wanted) const
{
    int n = 0;
    for (const WorkerStats &w : workers)
        n += w.state == wanted ? 1 : 0;
    return n;
}

QString unescapeLocustText(const QString &text)
{
    if (!text.contains(u'&'))
        return text;
    QString s = text;
    s.replace(u"&quot;"_s, u"\""_s);
    s.replace(u"&#x27;"_s, u"'"_s);
    s.replace(u"&#39;"_s, u"'"_s);
    s.replace(u"&lt;"_s, u"<"_s);
    s.replace(u"&gt;"_s, u">"_s);
    s.replace(u"&amp;"_s, u"&"_s); // last, so "&amp;quot;" stays "&quot;"
    return s;
}

QString normalizeLocustError(const QString &text)
{
    QString s = unescapeLocustText(text);
    if (s.size() >= 2 && s.startsWith(u'"') && s.endsWith(u'"'))
        s = s.mid(1, s.size() - 2);
    return s;
}

Result<StatsSnapshot> parseStatsRequests(const QByteArray &json)
{
    if (json.trimmed().isEmpty())
        return malformed(u"the response was empty"_s);
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return malformed(u"invalid JSON at byte %1 (%2)"_s.arg(parseError.offset).arg(parseError.errorString()));
    if (!doc.isObject())
        return malformed(u"expected a JSON object"_s);
    const QJsonObject root = doc.object();
    if (!root.value("state"_L1).isString())
        return malformed(u"no \"state\" field"_s);
    if (!root.value("stats"_L1).isArray())
        return malformed(u"no \"stats\" list"_s);

    StatsSnapshot s;
    s.state = locustStateFromString(root.value("state"_L1).toString());
    s.userCount = int(integer(root, "user_count"_L1));
    s.totalRps = number(root, "total_rps"_L1);
    s.failRatio = number(root, "fail_ratio"_L1);
    s.currentP50Ms = optionalNumber(root, "current_response_time_percentile_50"_L1);
    s.currentP95Ms = optionalNumber(root, "current_response_time_percentile_95"_L1);

    const QJsonArray rows = root.value("stats"_L1).toArray();
    bool sawTotal = false;
    for (qsizetype i = 0; i < rows.size(); ++i) {
        if (!rows.at(i).isObject())
            return malformed(u"stats row %1 is not an object"_s.arg(i));
        const QJsonObject row = rows.at(i).toObject();
        if (!row.value("name"_L1).isString())
            return malformed(u"stats row %1 has no name"_s.arg(i));
        EndpointStats e = parseRow(row);
        // The Aggregated row is last; its method is "" (running) or null (idle).
        const bool isTotal = i == rows.size() - 1 && e.name == u"Aggregated" && e.method.isEmpty();
        if (isTotal) {
            s.total = std::move(e);
            sawTotal = true;
        } else {
            (e.method == QLatin1StringView(kVersionRequestType) ? s.versions : s.endpoints).append(std::move(e));
        }
    }
    if (!sawTotal && !rows.isEmpty())
        return malformed(u"the Aggregated row is missing"_s);
    if (!sawTotal)
        s.total.name = u"Aggregated"_s;

    for (const QJsonValue &v : root.value("errors"_L1).toArray()) {
        const QJsonObject o = v.toObject();
        s.errors.append(ErrorStats{o.value("method"_L1).toString(), unescapeLocustText(o.value("name"_L1).toString()),
                                   normalizeLocustError(o.value("error"_L1).toString()),
                                   integer(o, "occurrences"_L1)});
    }

    const QJsonValue workers = root.value("workers"_L1);
    s.isMaster = workers.isArray();
    for (const QJsonValue &v : workers.toArray()) {
        const QJsonObject o = v.toObject();
        s.workers.append(WorkerStats{o.value("id"_L1).toString(),
                                     locustStateFromString(o.value("state"_L1).toString()),
                                     int(integer(o, "user_count"_L1)), number(o, "cpu_usage"_L1),
                                     integer(o, "memory_usage"_L1)});
    }
    return s;
}

QList<QStringList> parseCsvRows(const QByteArray &csv)
{
    QList<QStringList> rows;
    QStringList row;
    QByteArray field;
    bool quoted = false;
    bool any = false;
    for (qsizetype i = 0; i < csv.size(); ++i) {
        const char c = csv[i];
        if (quoted) {
            if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
            continue;
        }
        if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == ',') {
            row.append(QString::fromUtf8(field));
            field.clear();
            any = true;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n')
                ++i;
            if (any || !field.isEmpty()) {
                row.append(QString::fromUtf8(field));
                rows.append(row);
            }
            row.clear();
            field.clear();
            any = false;
        } else {
            field += c;
            any = true;
        }
    }
    if (any || !field.isEmpty()) {
        row.append(QString::fromUtf8(field));
        rows.append(row);
    }
    return rows;
}

int applyPercentileCsv(StatsSnapshot &snapshot, const QByteArray &csv)
{
    const QList<QStringList> rows = parseCsvRows(csv);
    if (rows.isEmpty())
        return 0;
    const QStringList &header = rows.first();
    const qsizetype type = header.indexOf(u"Type"_s), name = header.indexOf(u"Name"_s), p95 = header.indexOf(u"95%"_s);
    if (type < 0 || name < 0 || p95 < 0)
        return 0;
    int filled = 0;
    for (qsizetype r = 1; r < rows.size(); ++r) {
        const QStringList &row = rows[r];
        if (row.size() != header.size())
            continue;
        bool ok = false;
        const double v = row[p95].toDouble(&ok); // "N/A" before any request: left empty
        if (!ok)
            continue;
        if (row[type].isEmpty() && row[name] == u"Aggregated") {
            snapshot.total.p95Ms = v;
            ++filled;
            continue;
        }
        for (QList<EndpointStats> *list : {&snapshot.endpoints, &snapshot.versions}) {
            for (EndpointStats &e : *list) {
                if (e.method == row[type] && e.name == row[name]) {
                    e.p95Ms = v;
                    ++filled;
                    break;
                }
            }
        }
    }
    return filled;
}

} // namespace bc
