#include "infra/sandbox/storefront/checkout_service.h"

#include "infra/sandbox/storefront/call_costs.h"
#include "infra/sandbox/storefront/cart_store.h"
#include "infra/sandbox/storefront/payment.h"

#include <cstdio>
#include <random>

namespace bc::sandbox::storefront {

namespace {

constexpr int kUnknown = 2, kInternal = 13, kUnavailable = 14;

std::mt19937_64 &rng()
{
    thread_local std::mt19937_64 r{std::random_device{}()};
    return r;
}

// Upstream shippingservice's tracking ids: two letters, 5 and 9 digits.
std::string trackingId()
{
    std::uniform_int_distribution<int> letter('A', 'Z');
    std::uniform_int_distribution<long long> digits(0, 999999999);
    char out[40];
    std::snprintf(out, sizeof out, "%c%c-%05lld-%09lld", letter(rng()), letter(rng()), digits(rng()) % 100000,
                  digits(rng()));
    return out;
}

RpcFailure internal(const std::string &message)
{
    return RpcFailure{kInternal, message};
}

} // namespace

std::string uuid4()
{
    std::uniform_int_distribution<unsigned> byte(0, 255);
    unsigned char b[16];
    for (auto &x : b)
        x = static_cast<unsigned char>(byte(rng()));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    char out[37];
    std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                  b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return out;
}

Money PlacedOrder::total() const
{
    Money sum{shippingCost.currencyCode, 0, 0};
    sum = ShopData::add(sum, shippingCost);
    for (const OrderLine &line : items)
        sum = ShopData::add(sum, ShopData::multiply(line.cost, line.quantity));
    return sum;
}

std::string rpcCodeName(int code)
{
    static const char *const names[] = {"OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded",
                                        "NotFound", "AlreadyExists", "PermissionDenied", "ResourceExhausted",
                                        "FailedPrecondition", "Aborted", "OutOfRange", "Unimplemented", "Internal",
                                        "Unavailable", "DataLoss", "Unauthenticated"};
    return code >= 0 && code < 17 ? names[code] : "Code(" + std::to_string(code) + ")";
}

std::string RpcFailure::text() const
{
    return "rpc error: code = " + rpcCodeName(code) + " desc = " + message;
}

RpcFailure parseRpcError(const std::string &text)
{
    static const std::string prefix = "rpc error: code = ", desc = " desc = ";
    if (text.rfind(prefix, 0) == 0) {
        const auto d = text.find(desc, prefix.size());
        if (d != std::string::npos) {
            const std::string name = text.substr(prefix.size(), d - prefix.size());
            for (int code = 0; code < 17; ++code)
                if (rpcCodeName(code) == name)
                    return RpcFailure{code, text.substr(d + desc.size())};
        }
    }
    return RpcFailure{kUnknown, text};
}

CheckoutService::CheckoutService(const ShopData &data, ServiceMesh &mesh, CartStore &carts)
    : m_data(data), m_mesh(mesh), m_carts(carts)
{
}

std::string CheckoutService::getProduct(ServiceMesh::Trace &trace, const std::string &id, Product &out)
{
    if (std::string e = m_mesh.call(trace, "productcatalogservice", "GetProduct", cost::kGetProduct); !e.empty())
        return e;
    const Product *p = m_data.product(id);
    if (!p)
        return "rpc error: code = NotFound desc = no product with ID " + id;
    out = *p;
    return {};
}

std::string CheckoutService::convert(ServiceMesh::Trace &trace, const Money &m, const std::string &currency,
                                     Money &out)
{
    if (std::string e = m_mesh.call(trace, "currencyservice", "Convert", cost::kConvert); !e.empty())
        return e;
    out = ShopData::convert(m, currency);
    return {};
}

std::string CheckoutService::cartCall(ServiceMesh::Trace &trace, const std::string &method)
{
    if (std::string e = m_mesh.call(trace, "cartservice", method, cost::kCart); !e.empty())
        return e;
    if (std::string e = m_mesh.call(trace, "redis-cart", "redis", cost::kRedis); !e.empty())
        return "rpc error: code = FailedPrecondition desc = Can't access cart storage. " + e;
    return {};
}

std::variant<PlacedOrder, RpcFailure> CheckoutService::placeOrder(const CheckoutRequest &request,
                                                                 ServiceMesh::Trace &trace)
{
    // The call into checkoutservice itself: a caller that cannot reach it gets the dial error.
    if (std::string e = m_mesh.call(trace, "checkoutservice", "PlaceOrder", cost::kCheckout); !e.empty())
        return parseRpcError(e);
    const std::string currency = ShopData::isSupportedCurrency(request.userCurrency) ? request.userCurrency : "USD";
    if (auto e = cartCall(trace, "GetCart"); !e.empty())
        return internal("cart failure: " + e);
    const CartStore::Cart cart = m_carts.get(request.userId);
    PlacedOrder order;
    for (const auto &[id, qty] : cart) {
        Product p;
        if (auto e = getProduct(trace, id, p); !e.empty())
            return internal("failed to prepare order: " + e);
        Money price;
        if (auto e = convert(trace, p.priceUsd, currency, price); !e.empty())
            return internal("failed to prepare order: " + e);
        order.items.push_back(OrderLine{id, qty, price});
    }
    if (auto e = m_mesh.call(trace, "shippingservice", "GetQuote", cost::kShipping); !e.empty())
        return internal("shipping quote failure: " + e);
    const Money quoteUsd{"USD", cart.empty() ? 0 : 8, cart.empty() ? 0 : 990000000};
    if (auto e = convert(trace, quoteUsd, currency, order.shippingCost); !e.empty())
        return internal("failed to convert shipping cost: " + e);
    if (auto e = m_mesh.call(trace, "paymentservice", "Charge", cost::kPayment); !e.empty())
        return internal("failed to charge card: " + e);
    const CardCheck check = checkCard(request.cardNumber, request.cardExpirationMonth, request.cardExpirationYear);
    if (!check.ok)
        return internal("failed to charge card: could not charge the card: rpc error: code = Unknown desc = "
                        + check.error);
    if (auto e = m_mesh.call(trace, "shippingservice", "ShipOrder", cost::kShipping); !e.empty())
        return RpcFailure{kUnavailable, "shipping error: " + e};
    order.orderId = uuid4();
    order.shippingTrackingId = trackingId();
    order.shippingAddress = request.address;
    (void)cartCall(trace, "EmptyCart"); // upstream only logs this failure
    m_carts.empty(request.userId);
    if (trace.topo->deployed("emailservice"))
        (void)m_mesh.call(trace, "emailservice", "SendOrderConfirmation", cost::kEmail); // only logged upstream
    return order;
}

} // namespace bc::sandbox::storefront
