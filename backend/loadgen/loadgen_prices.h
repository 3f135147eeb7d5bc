#pragma once

#include "backend/core/result.h"
#include "backend/loadgen/loadgen_profile.h"

#include <QHash>
#include <QString>

#include <optional>

namespace bc {

// What a running generator costs per hour, from infra/loadgen/prices.json: a small dated table of
// GCE list prices (standard and Spot) per machine type. Master + workers at the profile's machine
// type, the bastion at e2-micro.
class LoadgenPrices
{
public:
    static Result<LoadgenPrices> load(const QString &pricesJson);
    static Result<LoadgenPrices> parse(const QByteArray &json);

    QString date() const { return m_date; }
    QString currency() const { return m_currency; }
    std::optional<double> hourly(const QString &machineType, bool spot) const;

    struct Estimate
    {
        int vms = 0;
        std::optional<double> perHour; // none when a machine type is not in the table
        QString text; // "4 VMs (1 master, 2 workers e2-small Spot; bastion e2-micro): 0.0175 USD/h (prices of
                      // ...)"
    };
    Estimate estimate(const LoadgenProfile &profile) const;

    static constexpr const char *kBastionMachineType = "e2-micro"; // variables.tf bastion_machine_type

private:
    QString m_date;
    QString m_currency;
    QHash<QString, std::pair<double, double>> m_hourly; // standard, spot
};

} // namespace bc
