#pragma once

#include "infra/sandbox/storefront/service_mesh.h"
#include "infra/sandbox/storefront/shop_data.h"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace bc::sandbox::storefront {

class CartStore;

struct Address {
    std::string streetAddress, city, state, country;
    std::int32_t zipCode = 0;
};

// hipstershop.PlaceOrderRequest, as plain values.
struct CheckoutRequest {
    std::string userId, userCurrency, email;
    Address address;
    std::string cardNumber;
    int cardCvv = 0, cardExpirationYear = 0, cardExpirationMonth = 0;
};

struct OrderLine {
    std::string productId;
    int quantity = 0;
    Money cost; // one unit, in the user's currency
};

// hipstershop.OrderResult.
struct PlacedOrder {
    std::string orderId, shippingTrackingId;
    Money shippingCost;
    Address shippingAddress;
    std::vector<OrderLine> items;
    Money total() const; // shipping + cost x quantity, as the frontend shows "Total Paid"
};

// A gRPC status: the code (grpc::StatusCode numbering) and its message.
struct RpcFailure {
    int code = 13; // INTERNAL
    std::string message;
    std::string text() const; // as Go prints it: "rpc error: code = Internal desc = MESSAGE"
};
std::string rpcCodeName(int code);          // 14 -> "Unavailable"
RpcFailure parseRpcError(const std::string &text); // the inverse of text(); anything else is Unknown

std::string uuid4(); // random RFC 4122 version 4 UUID

// The sandbox's checkoutservice: PlaceOrder as upstream's (src/checkoutservice/main.go) does it.
// It charges checkoutservice and every service it calls in the ServiceMesh on the caller's
// timeline: the cart of request.userId from cartservice (and redis-cart), each product from
// productcatalogservice, prices and shipping converted by currencyservice, a shipping quote, the
// card checked as paymentservice does, ShipOrder, EmptyCart, then the confirmation email (whose
// failure is only ignored, as upstream logs it). Errors carry upstream's codes and messages.
// Thread safe.
class CheckoutService {
public:
    CheckoutService(const ShopData &data, ServiceMesh &mesh, CartStore &carts);

    std::variant<PlacedOrder, RpcFailure> placeOrder(const CheckoutRequest &request, ServiceMesh::Trace &trace);

private:
    std::string getProduct(ServiceMesh::Trace &trace, const std::string &id, Product &out);
    std::string convert(ServiceMesh::Trace &trace, const Money &m, const std::string &currency, Money &out);
    std::string cartCall(ServiceMesh::Trace &trace, const std::string &method);

    const ShopData &m_data;
    ServiceMesh &m_mesh;
    CartStore &m_carts;
};

} // namespace bc::sandbox::storefront
