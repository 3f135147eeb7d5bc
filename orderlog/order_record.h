#pragma once

// Plain order values shared by the store, the server and readers of the same schema
// (the app's Order log panel). No pqxx, grpc or protobuf here.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bc::orderlog {

struct OrderItemRecord
{
    std::string productId;
    std::int32_t quantity = 0;
    bool operator==(const OrderItemRecord &) const = default;
};

// One row of table `logs`. Times are microseconds since the Unix epoch (PostgreSQL's resolution).
struct OrderRecord
{
    std::int64_t id = 0; // row id; 0 before it is stored
    std::string content; // the lab's free-text column `contents`
    std::string orderId; // empty: a legacy entry without an id
    std::string userId;
    std::string email;
    std::string currencyCode;
    std::int64_t totalUnits = 0;
    std::int32_t totalNanos = 0;
    std::vector<OrderItemRecord> items;
    std::string shippingTrackingId;
    std::string shippingCity;
    std::string shippingCountry;
    std::optional<std::int64_t> placedAtMicros; // unset on write: the database clock
    std::int64_t loggedAtMicros = 0; // set by the database
    bool operator==(const OrderRecord &) const = default;
};

// Keyset cursor: the (placed_at, id) of the last row of a page; pages run newest first.
struct PageKey
{
    std::int64_t placedAtMicros = 0;
    std::int64_t id = 0;
    bool operator==(const PageKey &) const = default;
};

struct ListQuery
{
    std::optional<std::int64_t> sinceMicros; // inclusive
    std::optional<std::int64_t> untilMicros; // exclusive
    std::optional<PageKey> after; // rows strictly older than this key
    int limit = 100;
};

struct OrderPage
{
    std::vector<OrderRecord> rows;
    std::optional<PageKey> next; // set when more rows may follow
};

// Text form of a PageKey for page tokens: "<placedAtMicros>.<id>".
std::string encodePageKey(const PageKey &key);
std::optional<PageKey> decodePageKey(const std::string &token);

} // namespace bc::orderlog
