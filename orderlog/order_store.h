#pragma once

// libpqxx storage of orders in table `logs` (the lab's table, extended by versioned migrations).
// One OrderStore owns one connection and is used from one thread at a time.

#include "orderlog/order_record.h"
#include "orderlog/store_result.h"

#include <memory>
#include <string>
#include <vector>

namespace bc::orderlog {

// Per-row result of a batch insert.
enum class WriteOutcome {
    Inserted, // a new row was committed
    Duplicate, // the order id was already stored; nothing written
};

class OrderStore
{
public:
    static constexpr int kSchemaVersion = 2;
    static constexpr int kMaxPageSize = 1000;

    // conninfo: a libpq connection string; empty means the PG* environment variables.
    explicit OrderStore(std::string conninfo);
    ~OrderStore();
    OrderStore(const OrderStore &) = delete;
    OrderStore &operator=(const OrderStore &) = delete;

    // Connects, brings the schema up to kSchemaVersion and prepares statements.
    StoreStatus open();
    bool isOpen() const;
    void close();

    // Inserts all rows in ONE transaction (group commit). Returns only after it committed.
    // Rows with an order id that is already stored (or repeated in the batch) are Duplicate.
    StoreResult<std::vector<WriteOutcome>> insertBatch(const std::vector<OrderRecord> &rows);

    // Newest first, keyset paged on (placed_at, id).
    StoreResult<OrderPage> list(const ListQuery &query);

    // Version recorded in schema_version (0 if none); for tests and diagnostics.
    StoreResult<int> schemaVersion();

private:
    struct Impl;
    std::unique_ptr<Impl> m_d;
};

// Removes the password from a libpq conninfo ("password=***") so it can be logged.
std::string redactConninfo(const std::string &conninfo);

} // namespace bc::orderlog
