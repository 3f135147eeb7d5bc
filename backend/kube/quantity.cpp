#include "backend/kube/quantity.h"

#include <QRegularExpression>

#include <cmath>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

struct Split
{
    double number;
    QString suffix;
};

std::optional<Split> split(const QString &quantity)
{
    static const QRegularExpression re(uR"(^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([a-zA-Z]*)\s*$)"_s);
    const auto m = re.match(quantity);
    if (!m.hasMatch())
        return std::nullopt;
    bool ok = false;
    const double n = m.captured(1).toDouble(&ok);
    if (!ok)
        return std::nullopt;
    return Split{n, m.captured(2)};
}

std::optional<double> suffixFactor(const QString &suffix)
{
    static const QList<QPair<QString, double>> factors{
        {u""_s, 1.0},          {u"n"_s, 1e-9},          {u"u"_s, 1e-6},          {u"m"_s, 1e-3},
        {u"k"_s, 1e3},         {u"M"_s, 1e6},           {u"G"_s, 1e9},           {u"T"_s, 1e12},
        {u"P"_s, 1e15},        {u"E"_s, 1e18},          {u"Ki"_s, 1024.0},       {u"Mi"_s, 1048576.0},
        {u"Gi"_s, 1073741824.0}, {u"Ti"_s, 1099511627776.0}, {u"Pi"_s, 1125899906842624.0},
        {u"Ei"_s, 1152921504606846976.0}};
    for (const auto &[s, f] : factors)
        if (s == suffix)
            return f;
    return std::nullopt;
}

std::optional<double> parseBase(const QString &quantity)
{
    const auto parts = split(quantity);
    if (!parts)
        return std::nullopt;
    const auto factor = suffixFactor(parts->suffix);
    if (!factor)
        return std::nullopt;
    return parts->number * *factor;
}

} // namespace

std::optional<double> parseCpuMillicores(const QString &quantity)
{
    const auto cores = parseBase(quantity);
    return cores ? std::optional<double>(*cores * 1000.0) : std::nullopt;
}

std::optional<double> parseMemoryBytes(const QString &quantity)
{
    return parseBase(quantity);
}

QString formatMillicores(double millicores)
{
    if (millicores >= 1000.0 && std::fmod(millicores, 100.0) == 0.0)
        return QString::number(millicores / 1000.0, 'g', 6);
    return u"%1m"_s.arg(std::llround(millicores));
}

QString formatBytes(double bytes)
{
    static const char *units[] = {"", "Ki", "Mi", "Gi", "Ti"};
    int unit = 0;
    while (bytes >= 1024.0 && unit < 4) {
        bytes /= 1024.0;
        ++unit;
    }
    return QString::number(bytes, 'f', bytes < 10 && unit > 0 ? 1 : 0) + QLatin1StringView(units[unit]);
}

} // namespace bc
