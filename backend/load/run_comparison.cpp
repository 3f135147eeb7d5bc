#include "backend/load/run_comparison.h"

#include "backend/load/run_store.h"

#include <QFileInfo>
#include <QTextStream>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace bc {

RunSummary RunSummary::fromSamples(const QString &id, const QString &host, const QList<LoadSample> &samples)
{
    RunSummary s;
    s.id = id;
    s.host = host;
    for (const LoadSample &sample : samples) {
        s.users = std::max(s.users, sample.userCount);
        if (std::isfinite(sample.currentP95Ms))
            s.peakP95Ms = std::max(s.peakP95Ms, sample.currentP95Ms);
    }
    if (samples.isEmpty())
        return s;
    const LoadSample &last = samples.last();
    s.seconds = last.elapsedS;
    s.requests = last.totalRequests;
    s.failures = last.totalFailures;
    s.meanRps = s.seconds > 0 ? double(s.requests) / s.seconds : 0;
    s.medianMs = last.medianMs;
    s.avgMs = last.avgMs;
    s.p99Ms = last.p99Ms;
    return s;
}

Result<RunSummary> RunSummary::read(const QString &dir)
{
    const RunFolder folder(dir);
    const auto settings = folder.readSettings();
    if (!settings)
        return Error {Error::Kind::NotFound, u"%1 is not a saved run (no readable settings.json)."_s.arg(dir),
            settings.error().message};
    const auto samples = folder.readHistory();
    if (!samples)
        return samples.error();
    if (samples.value().isEmpty())
        return Error {Error::Kind::Invalid, u"The run %1 has no samples to compare."_s.arg(dir)};
    return fromSamples(QFileInfo(dir).fileName(), settings.value().host, samples.value());
}

QString formatComparison(const RunSummary &a, const RunSummary &b)
{
    QString text;
    QTextStream out(&text);
    const auto change = [](double from, double to) -> QString {
        if (from == 0)
            return to == 0 ? u"="_s : u"new"_s;
        const double pct = (to - from) / from * 100.0;
        if (std::abs(pct) < 0.05)
            return u"="_s;
        return (pct > 0 ? u"+"_s : QString()) + QString::number(pct, 'f', 1) + u"%"_s;
    };
    const auto row = [&](const QString &name, double x, double y, int decimals) {
        out << name.leftJustified(20) << QString::number(x, 'f', decimals).rightJustified(18)
            << QString::number(y, 'f', decimals).rightJustified(18) << change(x, y).rightJustified(10) << '\n';
    };
    out << QString().leftJustified(20) << a.id.rightJustified(18) << b.id.rightJustified(18)
        << u"change"_s.rightJustified(10) << '\n';
    out << u"host"_s.leftJustified(20) << a.host << u"  |  "_s << b.host << '\n';
    row(u"users"_s, a.users, b.users, 0);
    row(u"seconds"_s, a.seconds, b.seconds, 0);
    row(u"requests"_s, double(a.requests), double(b.requests), 0);
    row(u"failures"_s, double(a.failures), double(b.failures), 0);
    row(u"requests/s (mean)"_s, a.meanRps, b.meanRps, 1);
    row(u"median ms"_s, a.medianMs, b.medianMs, 0);
    row(u"average ms"_s, a.avgMs, b.avgMs, 0);
    row(u"p95 ms (peak)"_s, a.peakP95Ms, b.peakP95Ms, 0);
    row(u"p99 ms"_s, a.p99Ms, b.p99Ms, 0);
    return text;
}

} // namespace bc
