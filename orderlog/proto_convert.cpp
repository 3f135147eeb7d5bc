#include "orderlog/proto_convert.h"

#include <cctype>
#include <cstdint>

namespace bc::orderlog {

namespace {

constexpr std::int64_t kMinTimestampSeconds = -62135596800; // 0001-01-01T00:00:00Z
constexpr std::int64_t kMaxTimestampSeconds = 253402300799; // 9999-12-31T23:59:59Z
constexpr std::int32_t kMaxNanos = 999999999;

std::size_t utf8Length(const std::string &s)
{
    std::size_t n = 0;
    for (const unsigned char ch : s)
        n += (ch & 0xC0) != 0x80;
    return n;
}

bool hasControl(const std::string &s, bool allowWhitespace)
{
    for (const unsigned char ch : s) {
        if (ch == 0x7F || (ch < 0x20 && !(allowWhitespace && (ch == '\n' || ch == '\t' || ch == '\r'))))
            return true;
    }
    return false;
}

// Empty string: valid. Otherwise why `value` of `field` cannot be stored.
// An order message with nothing in it (`Entry{order: {}}`) would be a blank row.
bool orderIsEmpty(const ::orderlog::Order &o)
{
    return o.order_id().empty() && o.user_id().empty() && o.email().empty() && o.items_size() == 0
        && !o.has_total() && o.shipping_tracking_id().empty() && o.shipping_address().city().empty()
        && o.shipping_address().country().empty();
}

std::string checkText(const char *field, const std::string &value, std::size_t maxBytes)
{
    if (value.size() > maxBytes)
        return std::string(field) + " is " + std::to_string(value.size()) + " bytes; the limit is "
            + std::to_string(maxBytes);
    if (!isValidUtf8(value))
        return std::string(field) + " is not valid UTF-8";
    if (hasControl(value, false))
        return std::string(field) + " contains control characters";
    return {};
}

std::string checkMoney(const char *field, const std::string &currency, std::int64_t units, std::int32_t nanos)
{
    if (currency.size() != 3 || !std::isupper(static_cast<unsigned char>(currency[0]))
        || !std::isupper(static_cast<unsigned char>(currency[1]))
        || !std::isupper(static_cast<unsigned char>(currency[2])))
        return std::string(field) + ".currency_code must be three upper-case letters (ISO 4217)";
    if (nanos < -kMaxNanos || nanos > kMaxNanos)
        return std::string(field) + ".nanos must be within +-999999999";
    if (units < 0 || nanos < 0)
        return std::string(field) + " must not be negative";
    return {};
}

} // namespace

bool isValidUtf8(const std::string &s)
{
    std::size_t i = 0;
    const std::size_t n = s.size();
    while (i < n) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n)
            return false;
        for (std::size_t k = 1; k < len; ++k) {
            const unsigned char cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800)
            || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

Converted entryToRecord(const ::orderlog::Entry &entry, const std::string &metadataKey)
{
    OrderRecord r;
    if (!isValidUtf8(entry.content()))
        return std::string("content is not valid UTF-8");
    if (utf8Length(entry.content()) > kMaxContentChars)
        return "content is " + std::to_string(utf8Length(entry.content())) + " characters; the limit is "
            + std::to_string(kMaxContentChars);
    if (entry.content().find('\0') != std::string::npos)
        return std::string("content contains a NUL character");
    r.content = entry.content();

    if ((!entry.has_order() || orderIsEmpty(entry.order())) && entry.content().empty())
        return std::string("entry has neither content nor order");

    const std::string &key = entry.request_id().empty() ? metadataKey : entry.request_id();
    // The key becomes the order id "request:KEY", which must itself fit the order id limit.
    if (auto why = checkText("request_id", key, kMaxIdBytes - kRequestKeyPrefix.size()); !why.empty())
        return why;

    if (entry.has_order()) {
        const auto &o = entry.order();
        const struct
        {
            const char *name;
            const std::string &value;
            std::size_t max;
        } texts[] = {
            {"order.order_id", o.order_id(), kMaxIdBytes},
            {"order.user_id", o.user_id(), kMaxIdBytes},
            {"order.email", o.email(), kMaxEmailBytes},
            {"order.shipping_tracking_id", o.shipping_tracking_id(), kMaxIdBytes},
            {"order.shipping_address.city", o.shipping_address().city(), kMaxPlaceBytes},
            {"order.shipping_address.country", o.shipping_address().country(), kMaxPlaceBytes},
        };
        for (const auto &t : texts) {
            if (auto why = checkText(t.name, t.value, t.max); !why.empty())
                return why;
        }
        if (o.has_total()) {
            if (auto why
                = checkMoney("order.total", o.total().currency_code(), o.total().units(), o.total().nanos());
                !why.empty())
                return why;
        }
        if (o.items_size() > kMaxItems)
            return "order has " + std::to_string(o.items_size()) + " items; the limit is "
                + std::to_string(kMaxItems);
        for (const auto &item : o.items()) {
            if (item.product_id().empty())
                return std::string("order.items.product_id is empty");
            if (auto why = checkText("order.items.product_id", item.product_id(), kMaxIdBytes); !why.empty())
                return why;
            if (item.quantity() < 1 || item.quantity() > kMaxQuantity)
                return "order.items.quantity must be 1.." + std::to_string(kMaxQuantity);
            r.items.push_back({item.product_id(), item.quantity()});
        }
        if (o.has_placed_at()) {
            const auto &ts = o.placed_at();
            if (ts.seconds() < kMinTimestampSeconds || ts.seconds() > kMaxTimestampSeconds || ts.nanos() < 0
                || ts.nanos() > kMaxNanos)
                return std::string("order.placed_at is out of range");
            r.placedAtMicros = ts.seconds() * 1000000 + ts.nanos() / 1000;
        }
        r.orderId = o.order_id();
        r.userId = o.user_id();
        r.email = o.email();
        r.currencyCode = o.total().currency_code();
        r.totalUnits = o.total().units();
        r.totalNanos = o.total().nanos();
        r.shippingTrackingId = o.shipping_tracking_id();
        r.shippingCity = o.shipping_address().city();
        r.shippingCountry = o.shipping_address().country();
    }
    if (r.orderId.empty() && !key.empty())
        r.orderId = std::string(kRequestKeyPrefix) + key; // a retried legacy call maps to the same row
    return r;
}

Converted placedOrderToRecord(
    const ::hipstershop::PlaceOrderRequest &request, const ::hipstershop::PlaceOrderResponse &response)
{
    const auto &o = response.order();
    ::orderlog::Entry entry;
    auto *order = entry.mutable_order();
    order->set_order_id(o.order_id());
    order->set_user_id(request.user_id());
    order->set_email(request.email());
    order->set_shipping_tracking_id(o.shipping_tracking_id());
    order->mutable_shipping_address()->set_city(o.shipping_address().city());
    order->mutable_shipping_address()->set_country(o.shipping_address().country());
    // The checkout service's own total, as the frontend computes it: shipping + cost x quantity.
    std::int64_t units = o.shipping_cost().units();
    std::int64_t nanos = o.shipping_cost().nanos();
    std::string currency = o.shipping_cost().currency_code();
    for (const auto &item : o.items()) {
        auto *it = order->add_items();
        it->set_product_id(item.item().product_id());
        it->set_quantity(item.item().quantity());
        units += item.cost().units() * item.item().quantity();
        nanos += std::int64_t(item.cost().nanos()) * item.item().quantity();
        if (currency.empty())
            currency = item.cost().currency_code();
    }
    units += nanos / 1000000000;
    nanos %= 1000000000;
    auto *total = order->mutable_total();
    total->set_currency_code(currency.empty() ? request.user_currency() : currency);
    total->set_units(units);
    total->set_nanos(static_cast<std::int32_t>(nanos));
    if (o.order_id().empty())
        return std::string("PlaceOrderResponse has no order id");
    return entryToRecord(entry, {});
}

void recordToProto(const OrderRecord &r, ::orderlog::StoredEntry *out)
{
    out->set_id(r.id);
    out->set_content(r.content);
    auto *o = out->mutable_order();
    o->set_order_id(r.orderId);
    o->set_user_id(r.userId);
    o->set_email(r.email);
    if (!r.currencyCode.empty() || r.totalUnits || r.totalNanos) {
        o->mutable_total()->set_currency_code(r.currencyCode);
        o->mutable_total()->set_units(r.totalUnits);
        o->mutable_total()->set_nanos(r.totalNanos);
    }
    for (const auto &item : r.items) {
        auto *it = o->add_items();
        it->set_product_id(item.productId);
        it->set_quantity(item.quantity);
    }
    o->set_shipping_tracking_id(r.shippingTrackingId);
    if (!r.shippingCity.empty() || !r.shippingCountry.empty()) {
        o->mutable_shipping_address()->set_city(r.shippingCity);
        o->mutable_shipping_address()->set_country(r.shippingCountry);
    }
    const auto toTs = [](std::int64_t micros, google::protobuf::Timestamp *ts) {
        std::int64_t sec = micros / 1000000;
        std::int64_t rem = micros % 1000000;
        if (rem < 0) {
            rem += 1000000;
            --sec;
        }
        ts->set_seconds(sec);
        ts->set_nanos(static_cast<std::int32_t>(rem * 1000));
    };
    if (r.placedAtMicros)
        toTs(*r.placedAtMicros, o->mutable_placed_at());
    toTs(r.loggedAtMicros, out->mutable_logged_at());
}

void recordToEntry(const OrderRecord &r, ::orderlog::Entry *out)
{
    ::orderlog::StoredEntry stored;
    recordToProto(r, &stored);
    out->set_content(r.content);
    if (!r.orderId.empty() || !r.items.empty() || !r.email.empty() || !r.userId.empty() || !r.currencyCode.empty()
        || r.totalUnits != 0 || r.totalNanos != 0 || !r.shippingTrackingId.empty() || !r.shippingCity.empty()
        || !r.shippingCountry.empty())
        *out->mutable_order() = stored.order();
    if (!r.placedAtMicros && out->has_order())
        out->mutable_order()->clear_placed_at();
}

} // namespace bc::orderlog
