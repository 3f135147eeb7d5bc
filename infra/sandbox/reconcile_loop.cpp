#include "infra/sandbox/reconcile_loop.h"

#include <exception>
#include <utility>

namespace bc::sandbox {

ReconcileLoop::ReconcileLoop(std::function<void()> pass, std::chrono::milliseconds period)
    : m_pass(std::move(pass)), m_period(period)
{
}

ReconcileLoop::~ReconcileLoop()
{
    stop();
}

void ReconcileLoop::start()
{
    std::lock_guard lock(m_mutex);
    if (m_running)
        return;
    m_running = true;
    m_thread = std::thread([this] { run(); });
}

void ReconcileLoop::stop()
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_running)
            return;
        m_running = false;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

bool ReconcileLoop::running() const
{
    std::lock_guard lock(m_mutex);
    return m_running;
}

void ReconcileLoop::run()
{
    for (;;) {
        try {
            m_pass();
        } catch (const std::exception &) {
            // A race with an API write; the next pass sees the new state.
        }
        std::unique_lock lock(m_mutex);
        m_wake.wait_for(lock, m_period, [this] { return !m_running; });
        if (!m_running)
            return;
    }
}

} // namespace bc::sandbox
