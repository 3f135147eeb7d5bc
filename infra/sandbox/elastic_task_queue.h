#pragma once

#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace bc::sandbox {

// httplib's task queue with threads started on demand. Each connection holds its thread for as long as
// it lasts (a watch, a followed log, a slow client), so a fixed pool of N threads left the N+1st client
// waiting: 200 kubectl watches made /version time out. A new connection gets an idle thread, or a new
// one up to `maxThreads`; beyond that it waits for a thread to come free. Threads are kept for reuse.
class ElasticTaskQueue : public httplib::TaskQueue
{
public:
    explicit ElasticTaskQueue(std::size_t maxThreads) : m_maxThreads(maxThreads) { }
    ~ElasticTaskQueue() override { shutdown(); }

    void enqueue(std::function<void()> fn) override;
    void shutdown() override;

    std::size_t threadCount() const;

private:
    void work();

    const std::size_t m_maxThreads;
    mutable std::mutex m_mutex;
    std::condition_variable m_ready;
    std::deque<std::function<void()>> m_jobs;
    std::vector<std::thread> m_threads;
    std::size_t m_idle = 0;
    bool m_shutdown = false;
};

} // namespace bc::sandbox
