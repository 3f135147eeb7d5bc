#include "orderlog/order_writer.h"

#include <algorithm>
#include <utility>

namespace bc::orderlog {

OrderWriter::OrderWriter(Options options)
    : m_options(std::move(options))
{
    if (m_options.threads < 1)
        m_options.threads = 1;
    if (m_options.maxBatch < 1)
        m_options.maxBatch = 1;
    m_options.parallelBatch = std::clamp(m_options.parallelBatch, 1, m_options.maxBatch);
}

OrderWriter::~OrderWriter()
{
    stop();
}

void OrderWriter::start()
{
    for (int i = 0; i < m_options.threads; ++i)
        m_threads.emplace_back([this, i] { run(i); });
}

void OrderWriter::submit(OrderRecord record, WriteDone done)
{
    enqueue(Task {std::move(record), std::move(done), {}, {}});
}

void OrderWriter::submitJob(Job job, JobFailed failed)
{
    enqueue(Task {{}, {}, std::move(job), std::move(failed)});
}

void OrderWriter::enqueue(Task task)
{
    bool wake = false;
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(std::move(task));
        // Wake a writer only when one may start (see canStart()); a busy writer takes the rest
        // when it comes back, so most calls cost no futex wake-up.
        const auto queued = std::ssize(m_queue);
        wake = (queued == 1 && m_busy == 0) || queued == m_options.parallelBatch;
    }
    if (wake)
        m_wake.notify_one();
}

bool OrderWriter::canStart() const
{
    return m_stopping || (!m_queue.empty() && (m_busy == 0 || std::ssize(m_queue) >= m_options.parallelBatch));
}

void OrderWriter::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    for (auto &t : m_threads) {
        if (t.joinable())
            t.join();
    }
    m_threads.clear();
}

void OrderWriter::log(const std::string &line) const
{
    if (m_options.log)
        m_options.log(line);
}

void OrderWriter::setConnected(bool &wasOpen, bool now)
{
    if (wasOpen == now)
        return;
    wasOpen = now;
    const int count = m_connectedCount.fetch_add(now ? 1 : -1) + (now ? 1 : -1);
    if (m_options.onConnectivity && ((now && count == 1) || (!now && count == 0)))
        m_options.onConnectivity(now);
}

bool OrderWriter::ensureOpen(
    OrderStore &store, std::chrono::steady_clock::time_point &lastAttempt, bool &wasOpen)
{
    if (store.isOpen())
        return true;
    setConnected(wasOpen, false);
    const auto now = std::chrono::steady_clock::now();
    if (now - lastAttempt < m_options.reconnectInterval)
        return false; // fail fast between attempts; callers get UNAVAILABLE and retry
    lastAttempt = now;
    const StoreStatus opened = store.open();
    if (!opened) {
        std::lock_guard lock(m_logMutex);
        if (opened.error().message != m_lastConnectError) {
            m_lastConnectError = opened.error().message;
            log(m_lastConnectError + " (retrying every " + std::to_string(m_options.reconnectInterval.count())
                + " ms)");
        }
        return false;
    }
    {
        std::lock_guard lock(m_logMutex);
        m_lastConnectError.clear();
    }
    setConnected(wasOpen, true);
    return true;
}

void OrderWriter::run(int /*index*/)
{
    OrderStore store(m_options.conninfo);
    auto lastAttempt = std::chrono::steady_clock::time_point {};
    bool wasOpen = false;
    ensureOpen(store, lastAttempt, wasOpen); // create the schema at start-up, not on the first order

    std::vector<Task> batch;
    for (;;) {
        batch.clear();
        bool more = false;
        {
            std::unique_lock lock(m_mutex);
            if (store.isOpen()) {
                m_wake.wait(lock, [this] { return canStart(); });
            } else {
                // Disconnected and idle: wake up now and then to reconnect, so health recovers.
                m_wake.wait_for(lock, m_options.reconnectInterval, [this] { return canStart(); });
            }
            if (m_queue.empty() && m_stopping)
                break;
            while (!m_queue.empty() && std::ssize(batch) < m_options.maxBatch) {
                batch.push_back(std::move(m_queue.front()));
                m_queue.pop_front();
            }
            if (!batch.empty())
                ++m_busy;
            more = std::ssize(m_queue) >= m_options.parallelBatch || (m_stopping && !m_queue.empty());
        }
        if (more)
            m_wake.notify_one(); // enough left: let another writer take it while we commit
        process(store, batch, lastAttempt, wasOpen);
        if (!batch.empty()) {
            std::lock_guard lock(m_mutex);
            --m_busy; // this thread checks the queue again at once, nobody else needs waking
        }
    }
    store.close();
    setConnected(wasOpen, false);
}

void OrderWriter::process(OrderStore &store, std::vector<Task> &batch,
    std::chrono::steady_clock::time_point &lastAttempt, bool &wasOpen)
{
    if (!ensureOpen(store, lastAttempt, wasOpen)) {
        const StoreError down {StoreError::Kind::Unavailable, "PostgreSQL is not reachable"};
        for (Task &t : batch) {
            if (t.done)
                t.done(down);
            else if (t.failed)
                t.failed(down);
        }
        return;
    }
    std::vector<Task> writes;
    for (Task &t : batch) {
        if (t.done)
            writes.push_back(std::move(t));
    }
    if (!writes.empty())
        writeBatch(store, writes);
    for (Task &t : batch) {
        if (!t.job)
            continue;
        if (store.isOpen())
            t.job(store);
        else
            t.failed(StoreError {StoreError::Kind::Unavailable, "PostgreSQL is not reachable"});
    }
    if (!store.isOpen())
        setConnected(wasOpen, false);
}

void OrderWriter::writeBatch(OrderStore &store, std::vector<Task> &writes)
{
    std::vector<OrderRecord> rows;
    rows.reserve(writes.size());
    for (Task &t : writes)
        rows.push_back(std::move(t.record)); // the tasks keep only their completions
    const auto result = store.insertBatch(rows);
    if (result) {
        for (std::size_t i = 0; i < writes.size(); ++i)
            writes[i].done(result.value()[i]);
        return;
    }
    const StoreError &error = result.error();
    if (error.kind == StoreError::Kind::Unavailable || writes.size() == 1) {
        if (error.kind != StoreError::Kind::Invalid)
            log("write of " + std::to_string(writes.size()) + " entries failed: " + error.message);
        for (Task &t : writes)
            t.done(error);
        return;
    }
    // One bad row must not fail its neighbours: retry them one by one.
    for (std::size_t i = 0; i < writes.size(); ++i) {
        const auto single = store.insertBatch({std::move(rows[i])});
        if (single)
            writes[i].done(single.value().front());
        else
            writes[i].done(single.error());
    }
}

} // namespace bc::orderlog
