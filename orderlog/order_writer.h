#pragma once

// The database side of orderlog-server: a queue and a few writer threads, each with its own
// connection. gRPC handlers submit() and return at once; a writer thread takes everything that
// queued up while it was busy, writes it in ONE transaction (group commit) and only after COMMIT
// calls each task's completion, which finishes the gRPC reactor from this thread.

#include "orderlog/order_record.h"
#include "orderlog/order_store.h"
#include "orderlog/store_result.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bc::orderlog {

class OrderWriter
{
public:
    using WriteDone = std::function<void(const StoreResult<WriteOutcome> &)>;
    using Job = std::function<void(OrderStore &)>;
    using JobFailed = std::function<void(const StoreError &)>;

    struct Options
    {
        std::string conninfo;
        int threads = 4; // connections writing in parallel: one commits while the next batch fills
        int maxBatch = 1024; // rows per transaction
        // A writer starts a batch while another one is still committing only once this many
        // tasks queued up: under load the batches stay large (PostgreSQL's cost per row falls
        // with the rows per commit), while a lone call never waits (an idle server writes it at once).
        int parallelBatch = 16;
        std::chrono::milliseconds reconnectInterval {500};
        std::function<void(bool connected)> onConnectivity; // called from writer threads
        std::function<void(const std::string &)> log; // one line, already redacted
    };

    explicit OrderWriter(Options options);
    ~OrderWriter(); // stop()
    OrderWriter(const OrderWriter &) = delete;
    OrderWriter &operator=(const OrderWriter &) = delete;

    void start();
    // Thread-safe and non-blocking. `done` runs exactly once, on a writer thread.
    void submit(OrderRecord record, WriteDone done);
    // Runs `job` on a writer thread with a connected store, or `failed` if there is none.
    void submitJob(Job job, JobFailed failed);
    // Finishes everything queued (writes are still committed or failed, never dropped), then joins.
    void stop();

    bool connected() const { return m_connectedCount.load() > 0; }

private:
    struct Task
    {
        OrderRecord record;
        WriteDone done;
        Job job;
        JobFailed failed;
    };

    void run(int index);
    bool ensureOpen(OrderStore &store, std::chrono::steady_clock::time_point &lastAttempt, bool &wasOpen);
    void enqueue(Task task);
    bool canStart() const; // under m_mutex
    void process(OrderStore &store, std::vector<Task> &batch, std::chrono::steady_clock::time_point &lastAttempt,
        bool &wasOpen);
    void writeBatch(OrderStore &store, std::vector<Task> &writes);
    void setConnected(bool &wasOpen, bool now);
    void log(const std::string &line) const;

    Options m_options;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Task> m_queue;
    bool m_stopping = false;
    int m_busy = 0; // writers between taking a batch and finishing it (under m_mutex)
    std::vector<std::thread> m_threads;
    std::atomic<int> m_connectedCount {0};
    std::mutex m_logMutex;
    std::string m_lastConnectError; // logged once, not on every retry of every writer
};

} // namespace bc::orderlog
