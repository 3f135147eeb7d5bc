#pragma once

#include "backend/core/result.h"

#include <QList>
#include <QString>

#include <chrono>

namespace bc {

// A step ramp: start at `from` users, move by `step` towards `to` every `interval`.
// Spec string "FROM:TO:STEP:INTERVAL", e.g. "100:750:50:60s" (100, 150, ..., 750, one step a minute).
struct RampPlan
{
    int from = 0;
    int to = 0;
    int step = 1;
    std::chrono::seconds interval{60};

    QList<int> levels() const;                       // every user count in order, from first to last
    std::chrono::seconds totalDuration() const;      // until the last level is reached
    QString spec() const;
    bool operator==(const RampPlan &) const = default;
};

Result<RampPlan> parseRampSpec(const QString &spec);

// "60s", "20m", "1h30m", "3h30m10s" or plain seconds "90" (Locust's --run-time syntax). Zero is invalid.
Result<std::chrono::seconds> parseDuration(const QString &text);
QString formatDuration(std::chrono::seconds s);

} // namespace bc
