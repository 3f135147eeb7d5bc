#pragma once

#include "infra/sandbox/storefront/checkout_service.h"

#include <memory>
#include <string>
#include <variant>

namespace bc::sandbox::storefront {

class CartStore;
class CheckoutGrpcServer;
class CheckoutGrpcClient;

// How the frontend's PlaceOrder reaches checkout in the sandbox, as on a cluster: the serving
// frontend pod's CHECKOUT_SERVICE_ADDR names the Service it calls.
// - checkoutservice:5050 (the manifests' value): the sandbox's checkoutservice stand-in
//   (CheckoutService), served over real gRPC on a loopback port; no order is logged.
// - orderlog:50051 (deployed with the order log): the real orderlog-server given with --orderlog,
//   whose checkout tap (--checkout-upstream = the stand-in's address) forwards the call to the
//   stand-in and logs the order it returns in PostgreSQL.
// The hop into a Service other than checkoutservice is charged to that Service's pod (its
// readiness decides whether the call connects); the stand-in charges checkoutservice and the
// services it calls. Built without gRPC (BC_BUILD_ORDERLOG=OFF) only checkoutservice answers,
// in-process.
class CheckoutRoute {
public:
    CheckoutRoute(const ShopData &data, ServiceMesh &mesh, CartStore &carts, std::string orderlogAddress);
    ~CheckoutRoute();
    CheckoutRoute(const CheckoutRoute &) = delete;
    CheckoutRoute &operator=(const CheckoutRoute &) = delete;

    static constexpr const char *kDefaultAddress = "checkoutservice:5050";

    // Serves the stand-in on a loopback HOST:PORT (port 0: a free one). "" or why it cannot.
    std::string start(const std::string &listen);
    void stop();
    std::string standInAddress() const; // 127.0.0.1:PORT while serving

    // checkoutAddress: CHECKOUT_SERVICE_ADDR ("" = kDefaultAddress).
    std::variant<PlacedOrder, RpcFailure> placeOrder(ServiceMesh::Trace &trace, const std::string &checkoutAddress,
                                                    const CheckoutRequest &request);

    // "orderlog:50051" -> "orderlog"; "checkoutservice.default.svc.cluster.local:5050" -> "checkoutservice".
    static std::string serviceOf(const std::string &address);

private:
    ServiceMesh &m_mesh;
    const std::string m_orderlogAddress;
    CheckoutService m_service;
    std::unique_ptr<CheckoutGrpcServer> m_server;
    std::unique_ptr<CheckoutGrpcClient> m_client;
};

} // namespace bc::sandbox::storefront
