#pragma once

// hipstershop.CheckoutService/PlaceOrder over real gRPC (orderlog/proto/demo.proto): the server
// the sandbox runs for checkoutservice on a loopback port, and the frontend's client. A real
// orderlog-server started with --checkout-upstream pointing at the server can sit in between
// (the checkout tap). The request's simulated timeline (ServiceMesh::Trace::t) travels in the
// metadata entry "x-sandbox-timeline", out with the request and back in the trailers, so the
// calls checkout makes are queued and charged where the frontend's request stands.

#include "infra/sandbox/storefront/checkout_service.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>

namespace grpc {
class Channel;
class Server;
} // namespace grpc

namespace bc::sandbox::storefront {

class CheckoutGrpcServer {
public:
    CheckoutGrpcServer(CheckoutService &checkout, ServiceMesh &mesh);
    ~CheckoutGrpcServer();
    CheckoutGrpcServer(const CheckoutGrpcServer &) = delete;
    CheckoutGrpcServer &operator=(const CheckoutGrpcServer &) = delete;

    // Listens on a loopback HOST:PORT (port 0: a free one). Returns "" or why it cannot.
    std::string start(const std::string &address);
    void stop();
    std::string address() const { return m_address; } // 127.0.0.1:PORT while serving

private:
    class Service;
    std::unique_ptr<Service> m_service;
    std::unique_ptr<grpc::Server> m_server;
    std::string m_address;
};

class CheckoutGrpcClient {
public:
    // PlaceOrder at HOST:PORT. Transport failures come back as the status gRPC gives them.
    std::variant<PlacedOrder, RpcFailure> placeOrder(const std::string &address, const CheckoutRequest &request,
                                                    ServiceMesh::Trace &trace);

private:
    std::shared_ptr<grpc::Channel> channel(const std::string &address);
    std::mutex m_mutex;
    std::map<std::string, std::shared_ptr<grpc::Channel>> m_channels;
};

} // namespace bc::sandbox::storefront
