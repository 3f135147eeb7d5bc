#include "infra/sandbox/storefront/checkout_grpc.h"

#include "orderlog/proto/demo.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace bc::sandbox::storefront {

namespace {

constexpr const char *kTimelineKey = "x-sandbox-timeline";
constexpr double kMaxSkewSeconds = 60; // a timeline further from now than this is not ours: start at now
constexpr auto kCallTimeout = std::chrono::seconds(15); // the mesh fails a call queued beyond 10 s

std::string formatSeconds(double t)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6f", t);
    return buf;
}

// The timeline a metadata value names, or `fallback` when it is missing or implausible.
double timelineFrom(const std::string &value, double fallback)
{
    if (value.empty())
        return fallback;
    char *end = nullptr;
    const double t = std::strtod(value.c_str(), &end);
    if (*end || !std::isfinite(t) || std::abs(t - fallback) > kMaxSkewSeconds)
        return fallback;
    return t;
}

template <typename Map> std::string metadataValue(const Map &metadata)
{
    const auto it = metadata.find(kTimelineKey);
    return it == metadata.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

void toProto(const Money &m, hipstershop::Money *out)
{
    out->set_currency_code(m.currencyCode);
    out->set_units(m.units);
    out->set_nanos(m.nanos);
}

Money fromProto(const hipstershop::Money &m)
{
    return Money{m.currency_code(), m.units(), m.nanos()};
}

void toProto(const Address &a, hipstershop::Address *out)
{
    out->set_street_address(a.streetAddress);
    out->set_city(a.city);
    out->set_state(a.state);
    out->set_country(a.country);
    out->set_zip_code(a.zipCode);
}

Address fromProto(const hipstershop::Address &a)
{
    return Address{a.street_address(), a.city(), a.state(), a.country(), a.zip_code()};
}

} // namespace

// ---- server -------------------------------------------------------------------------------------

class CheckoutGrpcServer::Service final : public hipstershop::CheckoutService::Service {
public:
    Service(CheckoutService &checkout, ServiceMesh &mesh) : m_checkout(checkout), m_mesh(mesh) {}

    grpc::Status PlaceOrder(grpc::ServerContext *context, const hipstershop::PlaceOrderRequest *request,
                            hipstershop::PlaceOrderResponse *response) override
    {
        ServiceMesh::Trace trace = m_mesh.begin();
        trace.t = timelineFrom(metadataValue(context->client_metadata()), trace.t);
        CheckoutRequest in;
        in.userId = request->user_id();
        in.userCurrency = request->user_currency();
        in.email = request->email();
        in.address = fromProto(request->address());
        in.cardNumber = request->credit_card().credit_card_number();
        in.cardCvv = request->credit_card().credit_card_cvv();
        in.cardExpirationYear = request->credit_card().credit_card_expiration_year();
        in.cardExpirationMonth = request->credit_card().credit_card_expiration_month();
        auto placed = m_checkout.placeOrder(in, trace);
        context->AddTrailingMetadata(kTimelineKey, formatSeconds(trace.t));
        if (const auto *failure = std::get_if<RpcFailure>(&placed))
            return grpc::Status(static_cast<grpc::StatusCode>(failure->code), failure->message);
        const PlacedOrder &order = std::get<PlacedOrder>(placed);
        hipstershop::OrderResult *out = response->mutable_order();
        out->set_order_id(order.orderId);
        out->set_shipping_tracking_id(order.shippingTrackingId);
        toProto(order.shippingCost, out->mutable_shipping_cost());
        toProto(order.shippingAddress, out->mutable_shipping_address());
        for (const OrderLine &line : order.items) {
            hipstershop::OrderItem *item = out->add_items();
            item->mutable_item()->set_product_id(line.productId);
            item->mutable_item()->set_quantity(line.quantity);
            toProto(line.cost, item->mutable_cost());
        }
        return grpc::Status::OK;
    }

private:
    CheckoutService &m_checkout;
    ServiceMesh &m_mesh;
};

CheckoutGrpcServer::CheckoutGrpcServer(CheckoutService &checkout, ServiceMesh &mesh)
    : m_service(std::make_unique<Service>(checkout, mesh))
{
}

CheckoutGrpcServer::~CheckoutGrpcServer()
{
    stop();
}

std::string CheckoutGrpcServer::start(const std::string &address)
{
    const auto colon = address.rfind(':');
    const std::string host = colon == std::string::npos ? std::string() : address.substr(0, colon);
    if (host != "127.0.0.1" && host != "localhost")
        return "the checkout stand-in listens on loopback only (127.0.0.1:PORT), got \"" + address + "\"";
    grpc::ServerBuilder builder;
    // gRPC binds with SO_REUSEPORT: on port 0 Linux may then hand it a port that another reuseport
    // socket (the sandbox's HTTP server) already serves, and connections are split between the two.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    int port = 0;
    builder.AddListeningPort("127.0.0.1" + address.substr(colon), grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(m_service.get());
    m_server = builder.BuildAndStart();
    if (!m_server || port <= 0) {
        m_server.reset();
        return "cannot listen on " + address + " (is the port taken?)";
    }
    m_address = "127.0.0.1:" + std::to_string(port);
    return {};
}

void CheckoutGrpcServer::stop()
{
    if (!m_server)
        return;
    m_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    m_server->Wait();
    m_server.reset();
    m_address.clear();
}

// ---- client -------------------------------------------------------------------------------------

std::shared_ptr<grpc::Channel> CheckoutGrpcClient::channel(const std::string &address)
{
    std::lock_guard lock(m_mutex);
    auto &c = m_channels[address];
    if (!c)
        c = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    return c;
}

std::variant<PlacedOrder, RpcFailure> CheckoutGrpcClient::placeOrder(const std::string &address,
                                                                   const CheckoutRequest &request,
                                                                   ServiceMesh::Trace &trace)
{
    hipstershop::PlaceOrderRequest out;
    out.set_user_id(request.userId);
    out.set_user_currency(request.userCurrency);
    out.set_email(request.email);
    toProto(request.address, out.mutable_address());
    auto *card = out.mutable_credit_card();
    card->set_credit_card_number(request.cardNumber);
    card->set_credit_card_cvv(request.cardCvv);
    card->set_credit_card_expiration_year(request.cardExpirationYear);
    card->set_credit_card_expiration_month(request.cardExpirationMonth);

    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kCallTimeout);
    context.AddMetadata(kTimelineKey, formatSeconds(trace.t));
    hipstershop::PlaceOrderResponse response;
    const grpc::Status status = hipstershop::CheckoutService::NewStub(channel(address))->PlaceOrder(&context, out, &response);
    trace.t = std::max(trace.t, timelineFrom(metadataValue(context.GetServerTrailingMetadata()), trace.t));
    if (!status.ok())
        return RpcFailure{static_cast<int>(status.error_code()), status.error_message()};
    const hipstershop::OrderResult &o = response.order();
    PlacedOrder order;
    order.orderId = o.order_id();
    order.shippingTrackingId = o.shipping_tracking_id();
    order.shippingCost = fromProto(o.shipping_cost());
    order.shippingAddress = fromProto(o.shipping_address());
    for (const auto &item : o.items())
        order.items.push_back(OrderLine{item.item().product_id(), item.item().quantity(), fromProto(item.cost())});
    return order;
}

} // namespace bc::sandbox::storefront
