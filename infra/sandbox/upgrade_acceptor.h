#pragma once

// The raw-connection half of pods/exec, pods/attach and pods/portforward. UpgradingHttpServer hands
// such a connection over before httplib reads it; UpgradeAcceptor then reads the request head
// (10 s, 16 KiB at most) and lets the service's UpgradeHandler answer it through an
// UpgradeConnection: a Status error, the WebSocket handshake with a subprotocol, or SPDY/3.1's
// `101 Switching Protocols`. The service only decides what the request may open and runs its
// session on the upgraded stream; accepting, closing, stopping and the log line are done here once.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace bc::sandbox {

class ApiError;

// "a, b ,c" -> {"a", "b", "c"}: the values of a comma-separated header.
std::vector<std::string> headerTokens(const std::string &value);

// One handed-over connection, from its request head to the upgrade (or refusal).
class UpgradeConnection {
public:
    using Request = boost::beast::http::request<boost::beast::http::empty_body>;
    using Socket = boost::asio::ip::tcp::socket;
    using WebSocket = boost::beast::websocket::stream<Socket>;

    boost::asio::io_context &io() { return m_io; }
    const Request &request() const { return m_parser.get(); }

    // Answers with `code` and `body`, then closes the connection.
    void refuse(int code, const std::string &contentType, const std::string &body);
    void refuse(const ApiError &error); // as a Status
    // Refuses (400) a client that sent bytes before its upgrade was answered; true when it did.
    bool refuseEarlyData();
    // Completes the WebSocket handshake, answering `subprotocol`, and hands the stream to `open`.
    void acceptWebSocket(const std::string &subprotocol, std::function<void(WebSocket)> open);
    // The classic upgrade: a POST with `Upgrade: SPDY/3.1` that offers `streamProtocol` in
    // X-Stream-Protocol-Version is answered 101 and its socket handed to `open`; anything else is
    // refused (400).
    void acceptSpdy(const std::string &streamProtocol, std::function<void(Socket)> open);

private:
    friend class UpgradeAcceptor;
    explicit UpgradeConnection(boost::asio::io_context &io) : m_io(io), m_socket(io) {}

    boost::asio::io_context &m_io;
    Socket m_socket;
    boost::beast::flat_buffer m_buffer;
    boost::beast::http::request_parser<boost::beast::http::empty_body> m_parser;
    std::optional<WebSocket> m_ws;
    std::shared_ptr<boost::beast::http::response<boost::beast::http::string_body>> m_response;
    std::string m_what; // "POST /api/v1/.../exec -> 101 SPDY/3.1", for the log
};

// What a service does with one connection.
class UpgradeHandler {
public:
    virtual ~UpgradeHandler() = default;
    // The request head is read: answer it with refuse(), acceptWebSocket() or acceptSpdy().
    virtual void onRequest(UpgradeConnection &connection) = 0;
    // The connection has ended (or stopAll() was called): end what the session still runs.
    // Called before the sockets close; the handler is destroyed after they have.
    virtual void shutdown() {}
};

class UpgradeAcceptor {
public:
    UpgradeAcceptor() = default;
    UpgradeAcceptor(const UpgradeAcceptor &) = delete;
    UpgradeAcceptor &operator=(const UpgradeAcceptor &) = delete;

    // Takes the connected socket `fd`, reads its request head, lets a new handler answer it and runs
    // the connection until it ends or stopAll() is called. Closes `fd`.
    void serve(int fd, const std::function<std::unique_ptr<UpgradeHandler>()> &makeHandler);
    void stopAll(); // ends every connection; later serve() calls close at once
    void setLogger(std::function<void(const std::string &)> logger) { m_logger = std::move(logger); }

private:
    std::function<void(const std::string &)> m_logger;
    std::mutex m_mutex;
    bool m_stopping = false;
    std::set<boost::asio::io_context *> m_active;
};

} // namespace bc::sandbox
