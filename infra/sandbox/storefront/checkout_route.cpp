#include "infra/sandbox/storefront/checkout_route.h"

#include "infra/sandbox/storefront/call_costs.h"

#ifdef BC_STOREFRONT_ORDERLOG
#include "infra/sandbox/storefront/checkout_grpc.h"
#endif

namespace bc::sandbox::storefront {

namespace {

constexpr int kUnavailable = 14;

bool isOrderlog(const std::string &service)
{
    return service == "orderlog" || service == "orderlogservice";
}

} // namespace

#ifndef BC_STOREFRONT_ORDERLOG
// Without gRPC there is nothing to serve or call; the types only need to be complete.
class CheckoutGrpcServer {};
class CheckoutGrpcClient {};
#endif

CheckoutRoute::CheckoutRoute(const ShopData &data, ServiceMesh &mesh, CartStore &carts, std::string orderlogAddress)
    : m_mesh(mesh), m_orderlogAddress(std::move(orderlogAddress)), m_service(data, mesh, carts)
{
}

CheckoutRoute::~CheckoutRoute()
{
    stop();
}

std::string CheckoutRoute::serviceOf(const std::string &address)
{
    std::string host = address.substr(0, address.rfind(':'));
    return host.substr(0, host.find('.'));
}

std::string CheckoutRoute::start(const std::string &listen)
{
#ifdef BC_STOREFRONT_ORDERLOG
    if (m_server)
        return {};
    m_client = std::make_unique<CheckoutGrpcClient>();
    auto server = std::make_unique<CheckoutGrpcServer>(m_service, m_mesh);
    if (std::string e = server->start(listen); !e.empty())
        return e;
    m_server = std::move(server);
#else
    (void)listen;
#endif
    return {};
}

void CheckoutRoute::stop()
{
#ifdef BC_STOREFRONT_ORDERLOG
    if (m_server)
        m_server->stop();
#endif
}

std::string CheckoutRoute::standInAddress() const
{
#ifdef BC_STOREFRONT_ORDERLOG
    return m_server ? m_server->address() : std::string();
#else
    return {};
#endif
}

std::variant<PlacedOrder, RpcFailure> CheckoutRoute::placeOrder(ServiceMesh::Trace &trace,
                                                               const std::string &checkoutAddress,
                                                               const CheckoutRequest &request)
{
    const std::string address = checkoutAddress.empty() ? std::string(kDefaultAddress) : checkoutAddress;
    const std::string service = serviceOf(address);
    if (service != "checkoutservice")
        if (std::string e = m_mesh.call(trace, service, "PlaceOrder", cost::kOrderlog); !e.empty())
            return parseRpcError(e);
#ifdef BC_STOREFRONT_ORDERLOG
    std::string target;
    if (service == "checkoutservice")
        target = standInAddress();
    else if (isOrderlog(service))
        target = m_orderlogAddress;
    if (target.empty())
        return RpcFailure{kUnavailable, "connection error: desc = \"transport: Error while dialing: dial tcp " + address
                                            + ": connect: connection refused\" (the sandbox runs no server for "
                                            + (isOrderlog(service) ? "orderlog: start boutique-sandbox with --orderlog)"
                                                                   : "Service " + service + ")")};
    return m_client->placeOrder(target, request, trace);
#else
    if (service != "checkoutservice")
        return RpcFailure{kUnavailable, "connection error: this build of boutique-sandbox has no gRPC "
                                        "(BC_BUILD_ORDERLOG=OFF), so only checkoutservice answers PlaceOrder"};
    return m_service.placeOrder(request, trace);
#endif
}

} // namespace bc::sandbox::storefront
