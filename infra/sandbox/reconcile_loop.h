#pragma once

// The background loop every simulated controller runs on: one pass, then a wait of one period (or until
// stop()). ClusterSimulator and CnpgController share it instead of each carrying its own thread, mutex and
// condition variable.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace bc::sandbox {

class ReconcileLoop {
public:
    // pass: one reconcile; an exception it throws is a race with an API write (an object deleted
    // meanwhile), so it is dropped and the next pass sees the new state.
    ReconcileLoop(std::function<void()> pass, std::chrono::milliseconds period);
    ~ReconcileLoop();
    ReconcileLoop(const ReconcileLoop &) = delete;
    ReconcileLoop &operator=(const ReconcileLoop &) = delete;

    void start(); // no-op when running
    void stop();  // waits for the pass under way; no-op when stopped
    bool running() const;

private:
    void run();

    std::function<void()> m_pass;
    std::chrono::milliseconds m_period;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_running = false;
    std::thread m_thread;
};

} // namespace bc::sandbox
