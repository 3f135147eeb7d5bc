#include "backend/timeline/pod_sample.h"

#include <cmath>
#include <iterator>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

constexpr const char *kColumns[] = {"timestamp_ms", "pod", "deployment", "cpu_millicores", "memory_bytes",
    "cpu_request_millicores", "cpu_limit_millicores", "memory_request_bytes", "memory_limit_bytes"};
constexpr qsizetype kColumnCount = qsizetype(std::size(kColumns));

QByteArray num(double v)
{
    return QByteArray::number(v, 'g', 12);
}

QByteArray opt(const std::optional<double> &v)
{
    return v ? num(*v) : QByteArray();
}

// Pod and deployment names are DNS labels; anything else that reached us loses its separators.
QByteArray name(const QString &s)
{
    QByteArray out = s.toUtf8();
    for (char &c : out)
        if (c == ',' || c == '\n' || c == '\r' || c == '"')
            c = '_';
    return out;
}

} // namespace

std::optional<double> PodSample::cpuOfLimit() const
{
    if (!limits.cpuMillicores || *limits.cpuMillicores <= 0)
        return std::nullopt;
    return cpuMillicores / *limits.cpuMillicores;
}

namespace pod_csv {

QByteArray header()
{
    QByteArrayList names;
    for (const char *c : kColumns)
        names.append(QByteArray(c));
    return names.join(',') + '\n';
}

QByteArray row(const PodSample &s)
{
    return QByteArrayList{QByteArray::number(s.timestampMs), name(s.pod), name(s.deployment), num(s.cpuMillicores),
               num(s.memoryBytes), opt(s.requests.cpuMillicores), opt(s.limits.cpuMillicores),
               opt(s.requests.memoryBytes), opt(s.limits.memoryBytes)}
               .join(',')
        + '\n';
}

Result<QList<PodSample>> parse(const QByteArray &csv)
{
    const QByteArrayList lines = csv.split('\n');
    if (lines.isEmpty() || lines.first().trimmed() + '\n' != header())
        return Error{Error::Kind::Invalid, u"The pod series file does not start with the expected header."_s};
    QList<PodSample> out;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        if (line.isEmpty())
            continue;
        const QByteArrayList f = line.split(',');
        const bool last = i >= lines.size() - 2;
        if (f.size() != kColumnCount) {
            if (last)
                break; // a torn last line: the app stopped mid-write
            return Error{Error::Kind::Invalid,
                u"Pod series line %1 has %2 fields, expected %3."_s.arg(i + 1).arg(f.size()).arg(kColumnCount)};
        }
        bool ok = true;
        const auto number = [&](qsizetype c) {
            bool one = false;
            const double v = f[c].toDouble(&one);
            ok = ok && one && std::isfinite(v);
            return v;
        };
        const auto optional = [&](qsizetype c) -> std::optional<double> {
            if (f[c].isEmpty())
                return std::nullopt;
            return number(c);
        };
        PodSample s;
        bool timeOk = false;
        s.timestampMs = f[0].toLongLong(&timeOk);
        s.pod = QString::fromUtf8(f[1]);
        s.deployment = QString::fromUtf8(f[2]);
        s.cpuMillicores = number(3);
        s.memoryBytes = number(4);
        s.requests.cpuMillicores = optional(5);
        s.limits.cpuMillicores = optional(6);
        s.requests.memoryBytes = optional(7);
        s.limits.memoryBytes = optional(8);
        if (!ok || !timeOk || s.pod.isEmpty()) {
            if (last)
                break;
            return Error{Error::Kind::Invalid, u"Pod series line %1 has a field that is not a number."_s.arg(i + 1)};
        }
        out.append(s);
    }
    return out;
}

} // namespace pod_csv
} // namespace bc
