#include "orderlog/checkout_tap.h"

#include "orderlog/grpc_util.h"
#include "orderlog/order_writer.h"
#include "orderlog/proto_convert.h"

namespace bc::orderlog {

namespace {

constexpr const char *kPlaceOrder = "/hipstershop.CheckoutService/PlaceOrder";
constexpr auto kMaxUpstreamTime = std::chrono::seconds(60); // when the caller set no deadline

// Metadata the transport owns; everything else the caller sent is passed on.
bool forwardable(const std::string &key)
{
    return !key.empty() && key[0] != ':' && key.rfind("grpc-", 0) != 0 && key != "content-type" && key != "te"
        && key != "user-agent" && key != "host";
}

struct TapCall
{
    std::unique_ptr<::grpc::ClientContext> client;
    ::grpc::ByteBuffer request;
    ::grpc::ByteBuffer upstreamResponse;
};

} // namespace

CheckoutTap::CheckoutTap(
    OrderWriter &writer, const std::string &upstream, std::function<void(const std::string &)> log)
    : m_writer(writer)
    , m_channel(::grpc::CreateChannel(upstream, ::grpc::InsecureChannelCredentials()))
    , m_stub(std::make_unique<::grpc::GenericStub>(m_channel))
    , m_log(std::move(log))
{ }

void CheckoutTap::noteLogged(const std::string &orderId)
{
    // The first orders one by one (an operator sees the tap work), then one line per thousand.
    const std::uint64_t n = ++m_logged;
    if (n <= kOrdersLoggedOneByOne || n % 1000 == 0)
        m_log("checkout tap: order " + orderId + " logged via PlaceOrder (" + std::to_string(n) + " since start)");
}

::grpc::ServerUnaryReactor *CheckoutTap::PlaceOrder(
    ::grpc::CallbackServerContext *context, const ::grpc::ByteBuffer *request, ::grpc::ByteBuffer *response)
{
    ::grpc::ServerUnaryReactor *reactor = context->DefaultReactor();
    auto call = std::make_shared<TapCall>();
    // Deadline and cancellation follow the caller's.
    call->client = ::grpc::ClientContext::FromCallbackServerContext(*context);
    const auto latest = std::chrono::system_clock::now() + kMaxUpstreamTime;
    if (context->deadline() > latest)
        call->client->set_deadline(latest); // gRPC keeps the earlier of this and the caller's
    for (const auto &[key, value] : context->client_metadata()) {
        const std::string k(key.data(), key.size());
        if (forwardable(k))
            call->client->AddMetadata(k, std::string(value.data(), value.size()));
    }
    call->request = *request;
    m_stub->UnaryCall(call->client.get(), kPlaceOrder, ::grpc::StubOptions(), &call->request,
        &call->upstreamResponse, [this, call, reactor, response, context](::grpc::Status status) {
            // Upstream's metadata goes back to the caller as it came.
            for (const auto &[key, value] : call->client->GetServerInitialMetadata()) {
                const std::string k(key.data(), key.size());
                if (forwardable(k))
                    context->AddInitialMetadata(k, std::string(value.data(), value.size()));
            }
            for (const auto &[key, value] : call->client->GetServerTrailingMetadata()) {
                const std::string k(key.data(), key.size());
                if (forwardable(k))
                    context->AddTrailingMetadata(k, std::string(value.data(), value.size()));
            }
            if (!status.ok()) {
                reactor->Finish(status); // code, message and details exactly as upstream said
                return;
            }
            *response = call->upstreamResponse; // the caller gets the very bytes upstream sent
            ::hipstershop::PlaceOrderRequest placeRequest;
            ::hipstershop::PlaceOrderResponse placeResponse;
            if (!parseBuffer(call->request, &placeRequest)
                || !parseBuffer(call->upstreamResponse, &placeResponse)) {
                m_log("checkout tap: could not parse PlaceOrder messages; order not logged");
                reactor->Finish(::grpc::Status::OK);
                return;
            }
            placeRequest.clear_credit_card(); // never kept, never logged
            Converted converted = placedOrderToRecord(placeRequest, placeResponse);
            if (auto *why = std::get_if<std::string>(&converted)) {
                m_log("checkout tap: order not logged: " + *why);
                reactor->Finish(::grpc::Status::OK);
                return;
            }
            OrderRecord record = std::move(std::get<OrderRecord>(converted));
            const std::string orderId = record.orderId;
            // The order is placed (payment taken): the caller gets its response even if the log
            // write fails, and the failure is reported with the order id for reconciliation.
            m_writer.submit(
                std::move(record), [this, reactor, orderId](const StoreResult<WriteOutcome> &result) {
                    if (!result)
                        m_log("checkout tap: order " + orderId
                            + " placed but not logged: " + result.error().message);
                    else
                        noteLogged(orderId);
                    reactor->Finish(::grpc::Status::OK);
                });
        });
    return reactor;
}

} // namespace bc::orderlog
