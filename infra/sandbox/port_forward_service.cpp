#include "infra/sandbox/port_forward_service.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/object_store.h"

#include "infra/sandbox/upgrade_acceptor.h"

#include <boost/beast/websocket.hpp>

#include <arpa/inet.h>
#include <strings.h>

#include <memory>

namespace bc::sandbox {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;

namespace {

constexpr const char *kWebSocketProtocol = "SPDY/3.1+portforward.k8s.io";
constexpr const char *kStreamProtocol = "portforward.k8s.io";

std::string trim(const std::string &s)
{
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos)
        return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::vector<std::string> splitList(const std::string &s, char sep)
{
    std::vector<std::string> out;
    std::size_t pos = 0;
    for (;;) {
        const auto next = s.find(sep, pos);
        const std::string part = trim(s.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
        if (!part.empty())
            out.push_back(part);
        if (next == std::string::npos)
            return out;
        pos = next + 1;
    }
}

bool listContains(const std::string &headerValue, const std::string &token)
{
    for (const auto &v : splitList(headerValue, ','))
        if (strcasecmp(v.c_str(), token.c_str()) == 0)
            return true;
    return false;
}

// /api/v1/namespaces/NS/pods/NAME/portforward -> NS, NAME
bool portForwardPath(const std::string &target, std::string &ns, std::string &pod)
{
    const std::string path = target.substr(0, target.find('?'));
    const auto parts = splitList(path, '/');
    if (parts.size() != 7 || parts[0] != "api" || parts[1] != "v1" || parts[2] != "namespaces" || parts[4] != "pods"
        || parts[6] != "portforward")
        return false;
    ns = parts[3];
    pod = parts[5];
    return true;
}

// One port-forward connection: checks the pod, then tunnels its ports over whichever upgrade
// kubectl asked for.
class PortForwardUpgrade : public UpgradeHandler {
public:
    using Resolver = std::function<ForwardTarget(const std::string &ns, const std::string &pod, int port)>;
    PortForwardUpgrade(const ObjectStore &store, Resolver resolve) : m_store(store), m_resolve(std::move(resolve)) {}

    void onRequest(UpgradeConnection &connection) override
    {
        const auto &req = connection.request();
        std::string ns, pod;
        if (!portForwardPath(std::string(req.target()), ns, pod))
            return connection.refuse(ApiError(404, "NotFound", "the server could not find the requested resource"));
        if (connection.refuseEarlyData())
            return;
        const SnapshotPtr s = m_store.get("pods", ns, pod);
        if (!s)
            return connection.refuse(ApiError::notFound("pods", pod, "", "pods"));
        if (str(s->obj["spec"], "nodeName").empty())
            return connection.refuse(ApiError::badRequest("pod " + pod + " does not have a host assigned"));
        const std::string phase = str(s->obj["status"], "phase");
        if (phase != "Running")
            return connection.refuse(ApiError::badRequest("unable to upgrade connection: pod " + pod
                                                          + " is not running (phase " + phase + ")"));
        const std::string uid = str(s->obj["metadata"], "uid");
        asio::io_context &io = connection.io();
        if (websocket::is_upgrade(req)) {
            if (!listContains(std::string(req[http::field::sec_websocket_protocol]), kWebSocketProtocol))
                return connection.refuse(ApiError::badRequest(
                    std::string("unable to upgrade connection: the sandbox tunnels port-forward only as ")
                    + kWebSocketProtocol));
            return connection.acceptWebSocket(kWebSocketProtocol, [this, &io, ns, pod, uid](UpgradeConnection::WebSocket ws) {
                startTunnel(io, makeWebSocketTransport(std::move(ws)), ns, pod, uid);
            });
        }
        connection.acceptSpdy(kStreamProtocol, [this, &io, ns, pod, uid](UpgradeConnection::Socket socket) {
            startTunnel(io, makeSocketTransport(std::move(socket)), ns, pod, uid);
        });
    }

    void shutdown() override
    {
        if (m_tunnel)
            m_tunnel->close();
    }

private:
    void startTunnel(asio::io_context &io, std::unique_ptr<TunnelTransport> transport, const std::string &ns,
                     const std::string &pod, const std::string &uid)
    {
        m_tunnel = std::make_shared<PortForwardTunnel>(io, std::move(transport), uid, [resolve = m_resolve, ns, pod](int port) {
            return resolve(ns, pod, port);
        });
        m_tunnel->start();
    }

    const ObjectStore &m_store;
    Resolver m_resolve;
    std::shared_ptr<PortForwardTunnel> m_tunnel;
};

} // namespace

ForwardTarget parseLoopbackAddress(const std::string &hostPort)
{
    ForwardTarget t;
    const auto colon = hostPort.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        t.error = "\"" + hostPort + "\" is not HOST:PORT";
        return t;
    }
    std::string host = hostPort.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    const std::string portText = hostPort.substr(colon + 1);
    char *end = nullptr;
    const long port = std::strtol(portText.c_str(), &end, 10);
    if (portText.empty() || *end || port <= 0 || port > 65535) {
        t.error = "\"" + hostPort + "\" has no valid port";
        return t;
    }
    if (host == "localhost")
        host = "127.0.0.1";
    in_addr v4{};
    in6_addr v6{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
        if ((ntohl(v4.s_addr) >> 24) != 127) {
            t.error = "the sandbox forwards only to loopback addresses, not " + host;
            return t;
        }
    } else if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
        if (!IN6_IS_ADDR_LOOPBACK(&v6)) {
            t.error = "the sandbox forwards only to loopback addresses, not " + host;
            return t;
        }
    } else {
        t.error = "\"" + host + "\" is not an IP address (use 127.0.0.1)";
        return t;
    }
    t.host = host;
    t.port = static_cast<int>(port);
    return t;
}

std::map<int, ForwardTarget> parsePortMap(const std::string &annotation)
{
    std::map<int, ForwardTarget> out;
    for (const auto &entry : splitList(annotation, ',')) {
        const auto eq = entry.find('=');
        if (eq == std::string::npos)
            continue;
        char *end = nullptr;
        const std::string portText = trim(entry.substr(0, eq));
        const long port = std::strtol(portText.c_str(), &end, 10);
        if (portText.empty() || *end || port <= 0 || port > 65535)
            continue;
        ForwardTarget t = parseLoopbackAddress(trim(entry.substr(eq + 1)));
        if (!t.error.empty())
            t.error = std::string(kPortForwardAnnotation) + ": " + t.error;
        out[static_cast<int>(port)] = t;
    }
    return out;
}

PortForwardService::PortForwardService(ObjectStore &store) : m_store(store) {}

bool PortForwardService::isPortForwardRequestLine(const std::string &line)
{
    const auto space = line.find(' ');
    if (space == std::string::npos)
        return false;
    const std::string method = line.substr(0, space);
    if (method != "GET" && method != "POST")
        return false;
    const auto end = line.find(' ', space + 1);
    std::string ns, pod;
    return end != std::string::npos && portForwardPath(line.substr(space + 1, end - space - 1), ns, pod);
}

ForwardTarget PortForwardService::resolve(const std::string &ns, const std::string &pod, int port) const
{
    ForwardTarget t;
    const SnapshotPtr s = m_store.get("pods", ns, pod);
    if (!s) {
        t.error = "pod not found (\"" + pod + "_" + ns + "\")";
        return t;
    }
    if (str(s->obj["status"], "phase") != "Running") {
        t.error = "pod " + pod + " is not running";
        return t;
    }
    const Json *annotations = at(s->obj, "metadata.annotations");
    const std::string mapping = annotations ? str(*annotations, kPortForwardAnnotation) : std::string();
    const auto ports = parsePortMap(mapping);
    const auto it = ports.find(port);
    if (it == ports.end()) {
        t.error = "failed to connect to localhost:" + std::to_string(port) + " inside namespace of pod " + pod
                  + ": the sandbox maps no address to port " + std::to_string(port) + " (annotation "
                  + kPortForwardAnnotation + "), dial tcp4 127.0.0.1:" + std::to_string(port)
                  + ": connect: connection refused";
        return t;
    }
    return it->second;
}

void PortForwardService::serve(int fd)
{
    m_acceptor.serve(fd, [this] {
        return std::make_unique<PortForwardUpgrade>(
            m_store, [this](const std::string &ns, const std::string &pod, int port) { return resolve(ns, pod, port); });
    });
}

void PortForwardService::stopAll()
{
    m_acceptor.stopAll();
}

} // namespace bc::sandbox
