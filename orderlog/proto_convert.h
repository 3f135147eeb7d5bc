#pragma once

// Validation and conversion between the wire messages and OrderRecord (server internals).

#include "orderlog/order_record.h"
#include "orderlog/proto/demo.pb.h"
#include "orderlog/proto/orderlog.pb.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace bc::orderlog {

inline constexpr std::size_t kMaxEntryBytes = 64 * 1024; // larger Entry messages: INVALID_ARGUMENT
inline constexpr std::size_t kMaxContentChars = 1000; // the lab's varchar(1000)
inline constexpr std::size_t kMaxIdBytes = 128;
inline constexpr std::string_view kRequestKeyPrefix = "request:"; // order id of an entry known by its key
inline constexpr std::size_t kMaxEmailBytes = 254;
inline constexpr std::size_t kMaxPlaceBytes = 128;
inline constexpr int kMaxItems = 500;
inline constexpr int kMaxQuantity = 100000;

// Either the record to store or a message saying which field is wrong and why.
using Converted = std::variant<OrderRecord, std::string>;

// idempotencyKey: Entry.request_id, else the "idempotency-key" metadata value (may be empty).
Converted entryToRecord(const ::orderlog::Entry &entry, const std::string &metadataKey);

// What the checkout tap stores for a placed order (request: user and email; response: the rest).
Converted placedOrderToRecord(
    const ::hipstershop::PlaceOrderRequest &request, const ::hipstershop::PlaceOrderResponse &response);

void recordToProto(const OrderRecord &record, ::orderlog::StoredEntry *out);

// Fills an Entry from a record (the CLI and tests build entries this way).
void recordToEntry(const OrderRecord &record, ::orderlog::Entry *out);

bool isValidUtf8(const std::string &s);

} // namespace bc::orderlog
