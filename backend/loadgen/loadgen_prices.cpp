#include "backend/loadgen/loadgen_prices.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace bc {

Result<LoadgenPrices> LoadgenPrices::load(const QString &pricesJson)
{
    QFile file(pricesJson);
    if (!file.open(QIODevice::ReadOnly))
        return Error {Error::Kind::NotFound,
            u"Cannot read the price table %1: %2"_s.arg(pricesJson, file.errorString())};
    return parse(file.readAll());
}

Result<LoadgenPrices> LoadgenPrices::parse(const QByteArray &json)
{
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    const QJsonObject o = doc.object();
    if (!doc.isObject() || !o.value(u"hourly"_s).isObject() || o.value(u"date"_s).toString().isEmpty())
        return Error {Error::Kind::Invalid, u"The price table needs a date and an hourly map."_s};
    LoadgenPrices p;
    p.m_date = o.value(u"date"_s).toString();
    p.m_currency = o.value(u"currency"_s).toString(u"USD"_s);
    const QJsonObject hourly = o.value(u"hourly"_s).toObject();
    for (auto it = hourly.begin(); it != hourly.end(); ++it) {
        const QJsonObject row = it.value().toObject();
        p.m_hourly.insert(it.key(), {row.value(u"standard"_s).toDouble(), row.value(u"spot"_s).toDouble()});
    }
    return p;
}

std::optional<double> LoadgenPrices::hourly(const QString &machineType, bool spot) const
{
    const auto it = m_hourly.find(machineType);
    if (it == m_hourly.end())
        return std::nullopt;
    return spot ? it->second : it->first;
}

LoadgenPrices::Estimate LoadgenPrices::estimate(const LoadgenProfile &profile) const
{
    Estimate e;
    e.vms = 2 + profile.workerNo;
    const auto vm = hourly(profile.machineType, profile.spot);
    const auto bastion = hourly(QString::fromLatin1(kBastionMachineType), profile.spot);
    const QString what = u"%1 VMs (master and %2 workers %3%4, bastion %5)"_s.arg(e.vms)
                             .arg(profile.workerNo)
                             .arg(profile.machineType, profile.spot ? u" Spot"_s : QString(),
                                 QString::fromLatin1(kBastionMachineType));
    if (!vm || !bastion) {
        e.text = u"%1: no price for %2 in the table of %3"_s.arg(what, profile.machineType, m_date);
        return e;
    }
    e.perHour = *vm * (1 + profile.workerNo) + *bastion;
    e.text = u"%1: about %2 %3 per hour (list prices of %4)"_s.arg(
        what, QString::number(*e.perHour, 'f', 4), m_currency, m_date);
    return e;
}

} // namespace bc
