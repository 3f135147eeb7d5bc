#pragma once

// Checkout "tap": serves hipstershop.CheckoutService/PlaceOrder, forwards the call byte for byte
// to the real checkout service, logs the order from its response, then returns that response
// unchanged (with upstream's metadata). Errors from upstream are returned unchanged and nothing
// is logged for them. Each stored order is reported through `log` ("checkout tap: order ID logged
// via PlaceOrder (N since start)") for the first ten, then for every thousandth.

#include "orderlog/proto/demo.grpc.pb.h"

#include <grpcpp/generic/generic_stub.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace bc::orderlog {

class OrderWriter;

class CheckoutTap final : public ::hipstershop::CheckoutService::WithRawCallbackMethod_PlaceOrder<
                              ::hipstershop::CheckoutService::Service>
{
public:
    // upstream: host:port of the real checkout service (plaintext, as inside the cluster).
    CheckoutTap(
        OrderWriter &writer, const std::string &upstream, std::function<void(const std::string &)> log);

    ::grpc::ServerUnaryReactor *PlaceOrder(::grpc::CallbackServerContext *context,
        const ::grpc::ByteBuffer *request, ::grpc::ByteBuffer *response) override;

    static constexpr std::uint64_t kOrdersLoggedOneByOne = 10;

private:
    void noteLogged(const std::string &orderId);

    OrderWriter &m_writer;
    std::shared_ptr<::grpc::Channel> m_channel;
    std::unique_ptr<::grpc::GenericStub> m_stub;
    std::function<void(const std::string &)> m_log;
    std::atomic<std::uint64_t> m_logged {0};
};

} // namespace bc::orderlog
