#include "backend/load/version_stats.h"

using namespace Qt::StringLiterals;

namespace bc {

QList<VersionFigures> versionFigures(const StatsSnapshot &snapshot)
{
    if (snapshot.versions.isEmpty())
        return {};
    QList<VersionFigures> out {VersionFigures {.version = u"v1"_s}, VersionFigures {.version = u"v2"_s}};
    const QString prefix = QLatin1StringView(kVersionEntryPrefix);
    for (const EndpointStats &e : snapshot.versions) {
        if (!e.name.startsWith(prefix))
            continue;
        const QString version = e.name.mid(prefix.size());
        VersionFigures f {.version = version,
            .requests = e.numRequests,
            .failures = e.numFailures,
            .medianMs = e.medianMs,
            .p95Ms = e.p95Ms,
            .currentRps = e.currentRps};
        if (version == u"v1")
            out[0] = f;
        else if (version == u"v2")
            out[1] = f;
        else if (e.numRequests > 0)
            out.append(f);
    }
    return out;
}

QByteArray versionsCsv(const QList<VersionFigures> &versions)
{
    QByteArray csv = "Version,Requests,Failures,Median Response Time,95%\n";
    for (const VersionFigures &v : versions) {
        csv += v.version.toUtf8() + ',' + QByteArray::number(v.requests) + ','
            + QByteArray::number(v.failures) + ',' + QByteArray::number(v.medianMs, 'g', 10) + ','
            + (v.p95Ms ? QByteArray::number(*v.p95Ms, 'g', 10) : QByteArray("N/A")) + '\n';
    }
    return csv;
}

} // namespace bc
