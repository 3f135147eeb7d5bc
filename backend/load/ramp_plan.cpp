#include "backend/load/ramp_plan.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace bc {

namespace {
constexpr int kMaxUsers = 1'000'000;
constexpr int kMaxLevels = 10'000;
} // namespace

QList<int> RampPlan::levels() const
{
    QList<int> out;
    const int dir = to >= from ? 1 : -1;
    for (qint64 u = from; dir > 0 ? u < to : u > to; u += qint64(dir) * step)
        out.append(int(u));
    out.append(to);
    return out;
}

std::chrono::seconds RampPlan::totalDuration() const
{
    return interval * (levels().size() - 1);
}

QString RampPlan::spec() const
{
    return u"%1:%2:%3:%4"_s.arg(from).arg(to).arg(step).arg(formatDuration(interval));
}

Result<RampPlan> parseRampSpec(const QString &spec)
{
    const QString usage = u"expected FROM:TO:STEP:INTERVAL, e.g. 100:750:50:60s"_s;
    const QStringList parts = spec.trimmed().split(u':');
    if (parts.size() != 4)
        return Error{Error::Kind::Invalid, u"Invalid ramp \"%1\": %2."_s.arg(spec, usage)};
    int values[3] = {};
    for (int i = 0; i < 3; ++i) {
        bool ok = false;
        values[i] = parts[i].trimmed().toInt(&ok);
        if (!ok || values[i] < 0 || values[i] > kMaxUsers)
            return Error{Error::Kind::Invalid,
                         u"Invalid ramp \"%1\": \"%2\" is not a user count between 0 and %3."_s.arg(spec, parts[i])
                             .arg(kMaxUsers)};
    }
    RampPlan plan;
    plan.from = values[0];
    plan.to = values[1];
    plan.step = values[2];
    if (plan.step <= 0)
        return Error{Error::Kind::Invalid, u"Invalid ramp \"%1\": the step must be at least 1."_s.arg(spec)};
    if (std::abs(plan.to - plan.from) / plan.step > kMaxLevels)
        return Error{Error::Kind::Invalid, u"Invalid ramp \"%1\": more than %2 steps."_s.arg(spec).arg(kMaxLevels)};
    const Result<std::chrono::seconds> interval = parseDuration(parts[3]);
    if (!interval)
        return Error{Error::Kind::Invalid, u"Invalid ramp \"%1\": %2"_s.arg(spec, interval.error().message)};
    plan.interval = interval.value();
    return plan;
}

Result<std::chrono::seconds> parseDuration(const QString &text)
{
    const QString t = text.trimmed().toLower();
    static const QRegularExpression plain(u"^\\d{1,9}$"_s);
    static const QRegularExpression units(u"^(?:(\\d{1,6})h)?(?:(\\d{1,7})m)?(?:(\\d{1,9})s)?$"_s);
    qint64 secs = 0;
    if (plain.match(t).hasMatch()) {
        secs = t.toLongLong();
    } else if (const QRegularExpressionMatch m = units.match(t); m.hasMatch() && !t.isEmpty()) {
        secs = m.captured(1).toLongLong() * 3600 + m.captured(2).toLongLong() * 60 + m.captured(3).toLongLong();
    } else {
        return Error{Error::Kind::Invalid,
                     u"\"%1\" is not a duration (use e.g. 90, 60s, 20m, 1h30m)."_s.arg(text)};
    }
    if (secs <= 0)
        return Error{Error::Kind::Invalid, u"The duration \"%1\" must be longer than zero."_s.arg(text)};
    return std::chrono::seconds(secs);
}

QString formatDuration(std::chrono::seconds s)
{
    const qint64 total = s.count();
    const qint64 h = total / 3600, m = (total % 3600) / 60, sec = total % 60;
    QString out;
    if (h)
        out += u"%1h"_s.arg(h);
    if (m)
        out += u"%1m"_s.arg(m);
    if (sec || out.isEmpty())
        out += u"%1s"_s.arg(sec);
    return out;
}

} // namespace bc
