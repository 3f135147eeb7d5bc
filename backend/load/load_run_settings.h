#pragma once

#include "backend/core/result.h"
#include "backend/load/ramp_plan.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QUrl>

#include <chrono>
#include <optional>

namespace bc {

// What a load run was asked to do; saved as settings.json in the run folder.
struct LoadRunSettings
{
    QString host;                     // target base URL, e.g. http://127.0.0.1:8080
    int users = 10;
    double spawnRate = 1;
    std::chrono::seconds duration{60};
    int workers = 2;
    std::optional<RampPlan> ramp;     // overrides `users` over time
    QUrl attachUrl;                   // attach to this master instead of starting Locust
    QString locustfile;               // for the record; empty: the bundled Boutique shopper
    QDateTime startedAt;              // UTC, set when the run starts
    QDateTime finishedAt;
    QString outcome;                  // "completed", "failed: ...", empty while running

    QByteArray toJson() const;
    static Result<LoadRunSettings> fromJson(const QByteArray &json);
    Status validate() const;
};

} // namespace bc
