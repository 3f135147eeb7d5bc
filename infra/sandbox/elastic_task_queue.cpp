#include "infra/sandbox/elastic_task_queue.h"

namespace bc::sandbox {

void ElasticTaskQueue::enqueue(std::function<void()> fn)
{
    std::lock_guard lock(m_mutex);
    if (m_shutdown)
        return;
    m_jobs.push_back(std::move(fn));
    if (m_idle < m_jobs.size() && m_threads.size() < m_maxThreads)
        m_threads.emplace_back([this] { work(); });
    else
        m_ready.notify_one();
}

void ElasticTaskQueue::shutdown()
{
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(m_mutex);
        m_shutdown = true;
        threads.swap(m_threads);
    }
    m_ready.notify_all();
    for (std::thread &t : threads)
        if (t.joinable())
            t.join();
}

std::size_t ElasticTaskQueue::threadCount() const
{
    std::lock_guard lock(m_mutex);
    return m_threads.size();
}

void ElasticTaskQueue::work()
{
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(m_mutex);
            ++m_idle;
            m_ready.wait(lock, [this] { return !m_jobs.empty() || m_shutdown; });
            --m_idle;
            if (m_jobs.empty()) // shut down, and nothing left to serve
                return;
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
        }
        job();
    }
}

} // namespace bc::sandbox
