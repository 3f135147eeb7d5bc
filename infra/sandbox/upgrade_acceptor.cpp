#include "infra/sandbox/upgrade_acceptor.h"

#include "infra/sandbox/api_error.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/websocket.hpp>

#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

namespace bc::sandbox {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using asio::ip::tcp;
using boost::system::error_code;

std::vector<std::string> headerTokens(const std::string &value)
{
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= value.size()) {
        const auto comma = value.find(',', pos);
        std::string t = value.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        const auto b = t.find_first_not_of(" \t");
        if (b != std::string::npos)
            out.push_back(t.substr(b, t.find_last_not_of(" \t") - b + 1));
        if (comma == std::string::npos)
            break;
        pos = comma + 1;
    }
    return out;
}

void UpgradeConnection::refuse(int code, const std::string &contentType, const std::string &body)
{
    m_response->result(static_cast<unsigned>(code));
    m_response->set(http::field::content_type, contentType);
    m_response->body() = body;
    m_response->keep_alive(false);
    m_response->prepare_payload();
    m_what += " -> " + std::to_string(code);
    http::async_write(m_socket, *m_response, [this](const error_code &, std::size_t) {
        error_code ignored;
        m_socket.shutdown(tcp::socket::shutdown_both, ignored);
        m_socket.close(ignored);
    });
}

void UpgradeConnection::refuse(const ApiError &error)
{
    refuse(error.code(), "application/json", error.status().dump());
}

bool UpgradeConnection::refuseEarlyData()
{
    if (m_buffer.size() == 0)
        return false;
    refuse(ApiError::badRequest("data sent before the upgrade was answered"));
    return true;
}

void UpgradeConnection::acceptWebSocket(const std::string &subprotocol, std::function<void(WebSocket)> open)
{
    m_what += " -> 101 websocket " + subprotocol;
    m_ws.emplace(std::move(m_socket));
    m_ws->set_option(websocket::stream_base::decorator([subprotocol](websocket::response_type &res) {
        res.set(http::field::sec_websocket_protocol, subprotocol);
    }));
    m_ws->async_accept(m_parser.get(), [this, open = std::move(open)](const error_code &e) {
        if (e)
            return;
        WebSocket ws = std::move(*m_ws);
        m_ws.reset(); // a moved-from Beast stream must not be touched again
        open(std::move(ws));
    });
}

void UpgradeConnection::acceptSpdy(const std::string &streamProtocol, std::function<void(Socket)> open)
{
    const Request &req = m_parser.get();
    const std::string upgrade(req[http::field::upgrade]);
    if (req.method() != http::verb::post || strcasecmp(upgrade.c_str(), "SPDY/3.1") != 0)
        return refuse(ApiError::badRequest("Upgrade request required"));
    bool offered = false;
    for (const auto &field : req)
        if (strcasecmp(std::string(field.name_string()).c_str(), "X-Stream-Protocol-Version") == 0)
            for (const auto &t : headerTokens(std::string(field.value())))
                offered = offered || t == streamProtocol;
    if (!offered)
        return refuse(ApiError::badRequest("unable to upgrade: unable to negotiate protocol: the server supports only "
                                           + streamProtocol));
    m_what += " -> 101 SPDY/3.1";
    m_response->result(http::status::switching_protocols);
    m_response->set(http::field::connection, "Upgrade");
    m_response->set(http::field::upgrade, "SPDY/3.1");
    m_response->set("X-Stream-Protocol-Version", streamProtocol);
    http::async_write(m_socket, *m_response, [this, open = std::move(open)](const error_code &e, std::size_t) {
        if (e)
            return;
        open(std::move(m_socket));
    });
}

void UpgradeAcceptor::serve(int fd, const std::function<std::unique_ptr<UpgradeHandler>()> &makeHandler)
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
    UpgradeConnection connection(io);
    error_code ec;
    connection.m_socket.assign(local.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), fd, ec);
    if (ec) {
        ::close(fd);
    } else {
        std::unique_ptr<UpgradeHandler> handler = makeHandler();
        connection.m_parser.header_limit(16 * 1024);
        connection.m_response = std::make_shared<http::response<http::string_body>>();
        asio::steady_timer deadline(io, std::chrono::seconds(10));
        deadline.async_wait([&](const error_code &e) {
            if (!e)
                connection.m_socket.close();
        });
        http::async_read_header(connection.m_socket, connection.m_buffer, connection.m_parser,
                                [&](const error_code &e, std::size_t) {
                                    deadline.cancel();
                                    if (e)
                                        return;
                                    const auto &req = connection.m_parser.get();
                                    const std::string target(req.target());
                                    connection.m_what = std::string(req.method_string()) + " "
                                                        + target.substr(0, target.find('?'));
                                    handler->onRequest(connection);
                                });
        io.run();
        handler->shutdown();
        error_code ignored;
        if (connection.m_ws)
            connection.m_ws->next_layer().close(ignored);
        connection.m_socket.close(ignored);
        io.restart();
        io.poll();
        handler.reset();
        if (m_logger && !connection.m_what.empty())
            m_logger(connection.m_what);
    }
    std::lock_guard lock(m_mutex);
    m_active.erase(&io);
}

void UpgradeAcceptor::stopAll()
{
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    for (asio::io_context *io : m_active)
        io->stop();
}

} // namespace bc::sandbox
