#pragma once

// Synchronous reader of the Orderlog's `logs` table (libpqxx, hidden in the .cpp). One instance owns one
// connection and is used from one thread: OrdersRepository's worker thread, or a headless command.
// Every page is a keyset query on an indexed order, never OFFSET, never the whole table at once.

#include "backend/core/result.h"
#include "backend/orders/order_types.h"

#include <QString>

#include <functional>
#include <memory>

class QIODevice;

namespace bc {

class OrdersDatabase
{
public:
    // conninfo: libpq key=value string or URI; password (may be empty) is added in memory only.
    explicit OrdersDatabase(QString conninfo, QString password = {});
    ~OrdersDatabase();
    OrdersDatabase(const OrdersDatabase &) = delete;
    OrdersDatabase &operator=(const OrdersDatabase &) = delete;

    Status open(); // connects if not connected; errors say what to do
    bool isOpen() const;
    void close();
    QString redactedConninfo() const;

    Result<OrderPageData> page(const OrderPageRequest &request);
    Result<OrderDetails> details(qint64 id);
    Result<OrderSummary> summary(const OrderFilter &filter);

    // Streams every row matching the filter, in `sort` order, as CSV (header line first), page by page.
    // progress(rowsWritten) after each page; returning false cancels. Returns the number of rows written.
    Result<qint64> exportCsv(const OrderFilter &filter, OrderSort sort, QIODevice *out,
        const std::function<bool(qint64)> &progress = {}, int pageSize = 5000);

    static QString csvHeader();
    static QString csvLine(const OrderRow &row);

private:
    struct Impl;
    std::unique_ptr<Impl> m_d;
};

} // namespace bc
