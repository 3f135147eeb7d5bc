#include "backend/load/load_run_settings.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace bc {

QByteArray LoadRunSettings::toJson() const
{
    QJsonObject o{
        {u"host"_s, host},
        {u"users"_s, users},
        {u"spawn_rate"_s, spawnRate},
        {u"duration_s"_s, double(duration.count())},
        {u"workers"_s, workers},
        {u"ramp"_s, ramp ? ramp->spec() : QString()},
        {u"attach_url"_s, attachUrl.toString()},
        {u"locustfile"_s, locustfile},
        {u"started_at"_s, startedAt.isValid() ? startedAt.toUTC().toString(Qt::ISODateWithMs) : QString()},
        {u"finished_at"_s, finishedAt.isValid() ? finishedAt.toUTC().toString(Qt::ISODateWithMs) : QString()},
        {u"outcome"_s, outcome},
        {u"format"_s, 1},
    };
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

Result<LoadRunSettings> LoadRunSettings::fromJson(const QByteArray &json)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return Error{Error::Kind::Invalid, u"The run settings are not valid JSON."_s, err.errorString()};
    const QJsonObject o = doc.object();
    LoadRunSettings s;
    s.host = o.value("host"_L1).toString();
    s.users = o.value("users"_L1).toInt(s.users);
    s.spawnRate = o.value("spawn_rate"_L1).toDouble(s.spawnRate);
    s.duration = std::chrono::seconds(qint64(o.value("duration_s"_L1).toDouble(double(s.duration.count()))));
    s.workers = o.value("workers"_L1).toInt(s.workers);
    const QString ramp = o.value("ramp"_L1).toString();
    if (!ramp.isEmpty()) {
        Result<RampPlan> plan = parseRampSpec(ramp);
        if (!plan)
            return plan.error();
        s.ramp = plan.value();
    }
    s.attachUrl = QUrl(o.value("attach_url"_L1).toString());
    s.locustfile = o.value("locustfile"_L1).toString();
    s.startedAt = QDateTime::fromString(o.value("started_at"_L1).toString(), Qt::ISODateWithMs);
    s.finishedAt = QDateTime::fromString(o.value("finished_at"_L1).toString(), Qt::ISODateWithMs);
    s.outcome = o.value("outcome"_L1).toString();
    return s;
}

Status LoadRunSettings::validate() const
{
    const QUrl target(host);
    if (attachUrl.isEmpty() &&
        (!target.isValid() || (target.scheme() != u"http" && target.scheme() != u"https") || target.host().isEmpty()))
        return Error{Error::Kind::Invalid, u"The target host \"%1\" is not an http(s) URL."_s.arg(host)};
    if (!attachUrl.isEmpty() && (!attachUrl.isValid() || attachUrl.scheme() != u"http"))
        return Error{Error::Kind::Invalid,
                     u"The Locust master URL \"%1\" is not an http URL."_s.arg(attachUrl.toString())};
    if (!ramp && (users < 1 || users > 1'000'000))
        return Error{Error::Kind::Invalid, u"The number of users must be between 1 and 1000000."_s};
    if (!(spawnRate > 0) || spawnRate > 100'000)
        return Error{Error::Kind::Invalid, u"The spawn rate must be above 0 and at most 100000 users/s."_s};
    if (duration.count() <= 0)
        return Error{Error::Kind::Invalid, u"The run time must be longer than zero."_s};
    if (attachUrl.isEmpty() && (workers < 1 || workers > 64))
        return Error{Error::Kind::Invalid, u"The number of workers must be between 1 and 64."_s};
    return ok();
}

} // namespace bc
