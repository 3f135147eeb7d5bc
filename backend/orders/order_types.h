#pragma once

// Values of the Order log browser (issue 10). Qt types only: widgets/ may include this; no pqxx here.

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QTimeZone>

#include <optional>

namespace bc {

enum class OrderSort {
    NewestFirst, // (placed_at, id) descending: the keyset index
    OldestFirst, // (placed_at, id) ascending: the same index backwards
    OrderIdAscending, // order_id: its unique index (rows without an order id are left out)
    OrderIdDescending,
};

// What the user filters on. Empty fields do not filter.
struct OrderFilter
{
    QDateTime from; // inclusive
    QDateTime to; // exclusive
    QString userId; // exact
    QString email; // case-insensitive substring
    QString orderId; // prefix
    QString currency; // exact, case-insensitive (ISO code)
    std::optional<double> minTotal; // total >= this, in the order's own currency
    QString contents; // case-insensitive substring of the lab's free-text column
    bool operator==(const OrderFilter &) const = default;
};

// Keyset position: the last row of a page in the page's order. For the order-id sorts only orderId counts.
struct OrderCursor
{
    qint64 placedAtMicros = 0;
    qint64 id = 0;
    QString orderId;
    bool operator==(const OrderCursor &) const = default;
};

struct OrderRow
{
    qint64 id = 0;
    qint64 placedAtMicros = 0;
    QString orderId;
    QString userId;
    QString email;
    QString currency;
    qint64 totalUnits = 0;
    qint32 totalNanos = 0;
    qint32 itemCount = 0; // sum of quantities
    QString city;
    QString country;
    QString contents; // the lab's free-text column: all a lab-contract checkout sends (Entry{content})

    QDateTime placedAt() const { return QDateTime::fromMSecsSinceEpoch(placedAtMicros / 1000, Qt::UTC); }
    double total() const { return double(totalUnits) + double(totalNanos) / 1e9; }
    QString totalText() const; // "12.50"
    OrderCursor cursor() const { return {placedAtMicros, id, orderId}; }
};

struct OrderPageRequest
{
    OrderFilter filter;
    OrderSort sort = OrderSort::NewestFirst;
    std::optional<OrderCursor> after; // rows strictly after this key in `sort` order
    int limit = 200;
};

struct OrderPageData
{
    QList<OrderRow> rows;
    bool more = false; // another page may follow
    qint64 elapsedMs = 0;
};

struct OrderItem
{
    QString productId;
    int quantity = 0;
};

struct OrderDetails
{
    OrderRow row;
    QString content; // the lab's free-text column
    QString trackingId;
    QDateTime loggedAt;
    QList<OrderItem> items;
};

struct OrderSummary
{
    struct Minute
    {
        QDateTime minute;
        qint64 orders = 0;
    };
    struct Revenue
    {
        QString currency;
        qint64 orders = 0;
        double total = 0;
    };
    qint64 orders = 0;
    QList<Minute> perMinute; // oldest first, at most the last 1440 minutes of the range
    QList<Revenue> revenue; // by currency
};

QString orderSortName(OrderSort sort);

} // namespace bc

Q_DECLARE_METATYPE(bc::OrderPageData)
Q_DECLARE_METATYPE(bc::OrderDetails)
Q_DECLARE_METATYPE(bc::OrderSummary)
Q_DECLARE_METATYPE(bc::OrderPageRequest)
Q_DECLARE_METATYPE(bc::OrderFilter)
