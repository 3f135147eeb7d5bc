#include "infra/sandbox/port_forward_service.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/object_store.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>

namespace bc::sandbox {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using asio::ip::tcp;
using boost::system::error_code;

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
    asio::io_context io;
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping) {
            ::shutdown(fd, SHUT_RDWR);
            ::close(fd);
            return;
        }
        m_active.insert(&io);
    }
    sockaddr_storage local{};
    socklen_t len = sizeof(local);
    getsockname(fd, reinterpret_cast<sockaddr *>(&local), &len);
    tcp::socket socket(io);
    error_code ec;
    socket.assign(local.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), fd, ec);
    if (ec) {
        ::close(fd);
    } else {
        boost::beast::flat_buffer buffer;
        http::request_parser<http::empty_body> parser;
        parser.header_limit(16 * 1024);
        asio::steady_timer deadline(io, std::chrono::seconds(10));
        deadline.async_wait([&](const error_code &e) {
            if (!e)
                socket.close();
        });
        std::optional<websocket::stream<tcp::socket>> ws;
        std::shared_ptr<PortForwardTunnel> tunnel;
        auto response = std::make_shared<http::response<http::string_body>>();
        std::string what;

        auto refuse = [&](const ApiError &error) {
            response->result(static_cast<unsigned>(error.code()));
            response->set(http::field::content_type, "application/json");
            response->body() = error.status().dump();
            response->keep_alive(false);
            response->prepare_payload();
            what = " -> " + std::to_string(error.code());
            http::async_write(socket, *response, [&](const error_code &, std::size_t) {
                error_code ignored;
                socket.shutdown(tcp::socket::shutdown_both, ignored);
                socket.close(ignored);
            });
        };
        auto startTunnel = [&](std::unique_ptr<TunnelTransport> transport, const std::string &ns,
                               const std::string &pod, const std::string &uid) {
            tunnel = std::make_shared<PortForwardTunnel>(
                io, std::move(transport), uid, [this, ns, pod](int port) { return resolve(ns, pod, port); });
            tunnel->start();
        };
        auto onRequest = [&]() {
            const auto &req = parser.get();
            std::string ns, pod;
            const std::string target(req.target());
            what = std::string(req.method_string()) + " " + target.substr(0, target.find('?'));
            if (!portForwardPath(target, ns, pod))
                return refuse(ApiError(404, "NotFound", "the server could not find the requested resource"));
            if (buffer.size() != 0)
                return refuse(ApiError::badRequest("data sent before the upgrade was answered"));
            const SnapshotPtr s = m_store.get("pods", ns, pod);
            if (!s)
                return refuse(ApiError::notFound("pods", pod, "", "pods"));
            if (str(s->obj["spec"], "nodeName").empty())
                return refuse(ApiError::badRequest("pod " + pod + " does not have a host assigned"));
            const std::string phase = str(s->obj["status"], "phase");
            if (phase != "Running")
                return refuse(ApiError::badRequest("unable to upgrade connection: pod " + pod
                                                   + " is not running (phase " + phase + ")"));
            const std::string uid = str(s->obj["metadata"], "uid");
            if (websocket::is_upgrade(req)) {
                if (!listContains(std::string(req[http::field::sec_websocket_protocol]), kWebSocketProtocol))
                    return refuse(ApiError::badRequest(std::string("unable to upgrade connection: the sandbox tunnels "
                                                                   "port-forward only as ")
                                                       + kWebSocketProtocol));
                what += " -> 101 websocket";
                ws.emplace(std::move(socket));
                ws->set_option(websocket::stream_base::decorator([](websocket::response_type &res) {
                    res.set(http::field::sec_websocket_protocol, kWebSocketProtocol);
                }));
                ws->async_accept(req, [&, ns, pod, uid](const error_code &e) {
                    if (e)
                        return;
                    auto transport = makeWebSocketTransport(std::move(*ws));
                    ws.reset(); // a moved-from Beast stream must not be touched again
                    startTunnel(std::move(transport), ns, pod, uid);
                });
                return;
            }
            const std::string upgrade(req[http::field::upgrade]);
            if (req.method() != http::verb::post || strcasecmp(upgrade.c_str(), "SPDY/3.1") != 0)
                return refuse(ApiError::badRequest("Upgrade request required"));
            bool protocolOffered = false;
            for (const auto &field : req)
                if (strcasecmp(std::string(field.name_string()).c_str(), "X-Stream-Protocol-Version") == 0)
                    protocolOffered = protocolOffered || listContains(std::string(field.value()), kStreamProtocol);
            if (!protocolOffered)
                return refuse(ApiError::badRequest(std::string("unable to upgrade: unable to negotiate protocol: "
                                                               "the server supports only ")
                                                   + kStreamProtocol));
            what += " -> 101 SPDY/3.1";
            response->result(http::status::switching_protocols);
            response->set(http::field::connection, "Upgrade");
            response->set(http::field::upgrade, "SPDY/3.1");
            response->set("X-Stream-Protocol-Version", kStreamProtocol);
            http::async_write(socket, *response, [&, ns, pod, uid](const error_code &e, std::size_t) {
                if (e)
                    return;
                startTunnel(makeSocketTransport(std::move(socket)), ns, pod, uid);
            });
        };
        http::async_read_header(socket, buffer, parser, [&](const error_code &e, std::size_t) {
            deadline.cancel();
            if (!e)
                onRequest();
        });
        io.run();
        if (tunnel)
            tunnel->close();
        error_code ignored;
        if (ws)
            ws->next_layer().close(ignored);
        socket.close(ignored);
        io.restart();
        io.poll();
        if (m_logger && !what.empty())
            m_logger(what);
    }
    std::lock_guard lock(m_mutex);
    m_active.erase(&io);
}

void PortForwardService::stopAll()
{
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    for (asio::io_context *io : m_active)
        io->stop();
}

} // namespace bc::sandbox
