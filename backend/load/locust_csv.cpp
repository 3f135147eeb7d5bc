#include "backend/load/locust_csv.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace bc::locust_csv {

namespace {

const QByteArray kNA = QByteArrayLiteral("N/A");

QByteArray num(double v)
{
    if (std::isnan(v))
        return kNA;
    if (v == std::floor(v) && std::abs(v) < 1e15)
        return QByteArray::number(qint64(v));
    return QByteArray::number(v, 'f', 6);
}

QByteArray statsRow(const EndpointStats &e, double durationS)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double rps = durationS > 0 ? double(e.numRequests) / durationS : 0;
    const double fps = durationS > 0 ? double(e.numFailures) / durationS : 0;
    const bool none = e.numRequests == 0;
    auto pct = [&](double v) { return none ? kNA : num(v); };
    const QByteArrayList f{
        quoteField(e.method), quoteField(e.name), QByteArray::number(e.numRequests), QByteArray::number(e.numFailures),
        num(e.medianMs), num(e.avgMs), num(e.minMs), num(e.maxMs), num(e.avgContentLength), num(rps), num(fps),
        pct(e.medianMs), num(nan), num(nan), num(nan), pct(e.p90Ms), e.p95Ms ? pct(*e.p95Ms) : kNA, num(nan),
        pct(e.p99Ms), num(nan),
        num(nan), pct(e.maxMs),
    };
    return f.join(',') + "\r\n";
}

} // namespace

QByteArray quoteField(const QString &field)
{
    QByteArray b = field.toUtf8();
    if (b.contains(',') || b.contains('"') || b.contains('\n') || b.contains('\r')) {
        b.replace("\"", "\"\"");
        b = '"' + b + '"';
    }
    return b;
}

// Python's csv module ends rows with \r\n, as Locust's files do.
QByteArray statsHeader()
{
    return QByteArrayLiteral("Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
                             "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
                             "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\r\n");
}

QByteArray historyHeader()
{
    return QByteArrayLiteral("Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,"
                             "99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response "
                             "Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,"
                             "Total Average Content Size\r\n");
}

QByteArray failuresHeader()
{
    return QByteArrayLiteral("Method,Name,Error,Occurrences\r\n");
}

QByteArray stats(const StatsSnapshot &snapshot, double durationS)
{
    QByteArray out = statsHeader();
    for (const EndpointStats &e : snapshot.endpoints)
        out += statsRow(e, durationS);
    EndpointStats total = snapshot.total;
    total.method.clear();
    total.name = u"Aggregated"_s;
    out += statsRow(total, durationS);
    return out;
}

QByteArray history(const QList<LoadSample> &samples)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    QByteArray out = historyHeader();
    for (const LoadSample &s : samples) {
        const QByteArrayList f{
            QByteArray::number(s.timestampMs / 1000), QByteArray::number(s.userCount), QByteArray(),
            QByteArrayLiteral("Aggregated"), num(s.rps), num(s.failPerSec), num(s.currentP50Ms), num(nan), num(nan),
            num(nan), num(nan), num(s.currentP95Ms), num(nan), num(nan), num(nan), num(nan), num(nan),
            QByteArray::number(s.totalRequests), QByteArray::number(s.totalFailures), num(s.medianMs), num(s.avgMs),
            num(s.minMs), num(s.maxMs), num(s.avgContentLength),
        };
        out += f.join(',') + "\r\n";
    }
    return out;
}

QByteArray mergedHistory(const QByteArray &locustOwn, const QList<LoadSample> &samples)
{
    QByteArray own = locustOwn;
    own.replace("\r\n", "\n");
    QByteArrayList lines = own.split('\n');
    QByteArray header = historyHeader();
    header.chop(2);
    if (lines.isEmpty() || lines.first() != header)
        return history(samples);
    QByteArray out = historyHeader();
    qint64 lastTs = -1;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        if (lines[i].isEmpty())
            continue;
        bool ok = false;
        const qint64 ts = lines[i].left(lines[i].indexOf(',')).toLongLong(&ok);
        if (!ok || lines[i].count(',') != header.count(','))
            break; // a torn last row
        lastTs = ts;
        out += lines[i] + "\r\n";
    }
    QList<LoadSample> later;
    for (const LoadSample &s : samples) {
        if (s.timestampMs / 1000 > lastTs)
            later.append(s);
    }
    out += history(later).mid(historyHeader().size());
    return out;
}

QByteArray failures(const StatsSnapshot &snapshot)
{
    QByteArray out = failuresHeader();
    for (const ErrorStats &e : snapshot.errors)
        out += quoteField(e.method) + ',' + quoteField(e.name) + ',' + quoteField(e.error) + ',' +
               QByteArray::number(e.occurrences) + "\r\n";
    return out;
}

} // namespace bc::locust_csv
