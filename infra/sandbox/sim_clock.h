#pragma once

// The clock the simulated cluster's controllers read. Injected (SimulatorOptions::clock), so a test can
// drive pod start delays, graceful termination and load-balancer delays by advancing a ManualClock
// instead of sleeping.

#include <chrono>
#include <memory>
#include <mutex>

namespace bc::sandbox {

class SimClock {
public:
    using time_point = std::chrono::steady_clock::time_point;
    using duration = std::chrono::steady_clock::duration;
    virtual ~SimClock() = default;
    virtual time_point now() const = 0;
};

// Real time (the default).
class SteadyClock final : public SimClock {
public:
    time_point now() const override { return std::chrono::steady_clock::now(); }
};

// Time that moves only when a test says so. Thread safe.
class ManualClock final : public SimClock {
public:
    time_point now() const override
    {
        std::lock_guard lock(m_mutex);
        return m_now;
    }
    void advance(duration by)
    {
        std::lock_guard lock(m_mutex);
        m_now += by;
    }

private:
    mutable std::mutex m_mutex;
    time_point m_now = std::chrono::steady_clock::now();
};

inline std::shared_ptr<const SimClock> steadyClock()
{
    static const auto clock = std::make_shared<const SteadyClock>();
    return clock;
}

} // namespace bc::sandbox
