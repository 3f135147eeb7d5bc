#include "infra/sandbox/port_forward_tunnel.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <array>
#include <cctype>
#include <optional>

namespace bc::sandbox {

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr std::size_t kMaxPendingOutput = 1024 * 1024; // pause reading targets above this
constexpr std::size_t kTargetReadSize = 32 * 1024;

class SocketTransport final : public TunnelTransport {
public:
    explicit SocketTransport(tcp::socket socket) : m_socket(std::move(socket)) {}
    void read(ReadHandler handler) override
    {
        m_socket.async_read_some(asio::buffer(m_buffer), [this, handler](const error_code &ec, std::size_t n) {
            if (ec)
                handler(false, nullptr, 0);
            else
                handler(true, m_buffer.data(), n);
        });
    }
    void write(const std::string &bytes, WriteHandler handler) override
    {
        asio::async_write(m_socket, asio::buffer(bytes),
                          [handler](const error_code &ec, std::size_t) { handler(!ec); });
    }
    void close() override
    {
        error_code ec;
        m_socket.shutdown(tcp::socket::shutdown_both, ec);
        m_socket.close(ec);
    }

private:
    tcp::socket m_socket;
    std::array<char, 64 * 1024> m_buffer{};
};

// kubectl's tunnelingConnection: the SPDY byte stream cut into WebSocket binary messages at any point.
class WebSocketTransport final : public TunnelTransport {
public:
    explicit WebSocketTransport(websocket::stream<tcp::socket> ws) : m_ws(std::move(ws)) { m_ws.binary(true); }
    void read(ReadHandler handler) override
    {
        m_ws.async_read(m_buffer, [this, handler](const error_code &ec, std::size_t) {
            if (ec) {
                handler(false, nullptr, 0);
                return;
            }
            const auto data = m_buffer.data();
            m_message.assign(static_cast<const char *>(data.data()), data.size());
            m_buffer.consume(m_buffer.size()); // before the handler starts the next read into it
            handler(true, m_message.data(), m_message.size());
        });
    }
    void write(const std::string &bytes, WriteHandler handler) override
    {
        m_ws.async_write(asio::buffer(bytes), [handler](const error_code &ec, std::size_t) { handler(!ec); });
    }
    void close() override
    {
        error_code ec;
        m_ws.next_layer().shutdown(tcp::socket::shutdown_both, ec);
        m_ws.next_layer().close(ec);
    }

private:
    websocket::stream<tcp::socket> m_ws;
    boost::beast::flat_buffer m_buffer;
    std::string m_message;
};

// Go's net error texts are lower case ("connect: connection refused").
std::string goStyle(std::string message)
{
    if (!message.empty())
        message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
    return message;
}

} // namespace

std::unique_ptr<TunnelTransport> makeSocketTransport(tcp::socket socket)
{
    return std::make_unique<SocketTransport>(std::move(socket));
}

std::unique_ptr<TunnelTransport> makeWebSocketTransport(websocket::stream<tcp::socket> stream)
{
    return std::make_unique<WebSocketTransport>(std::move(stream));
}

struct PortForwardTunnel::Pair {
    std::string requestId;
    int port = 0;
    std::uint32_t errorStream = 0;
    std::uint32_t dataStream = 0;
    std::optional<tcp::socket> target;
    bool started = false;
    bool connected = false;
    bool clientFin = false;  // kubectl will send no more data
    bool targetEof = false;  // the target is gone; both streams got their FIN
    bool targetShut = false; // write side of the target shut down after clientFin
    bool targetWriting = false;
    bool done = false;
    std::string toTarget;
    std::string targetInFlight;
    std::array<char, kTargetReadSize> buffer{};
};

PortForwardTunnel::PortForwardTunnel(asio::io_context &io, std::unique_ptr<TunnelTransport> transport,
                                     std::string podId, Resolver resolver)
    : m_io(io), m_transport(std::move(transport)), m_podId(std::move(podId)), m_resolver(std::move(resolver))
{
}

PortForwardTunnel::~PortForwardTunnel() = default;

void PortForwardTunnel::start()
{
    readMore();
}

void PortForwardTunnel::close()
{
    if (m_closed)
        return;
    m_closed = true;
    for (auto &[id, pair] : m_pairs) {
        pair->done = true;
        if (pair->target) {
            error_code ec;
            pair->target->close(ec);
        }
    }
    m_pairs.clear();
    m_streams.clear();
    m_parked.clear();
    m_transport->close();
}

void PortForwardTunnel::readMore()
{
    auto self = shared_from_this();
    m_transport->read([self](bool ok, const char *data, std::size_t size) {
        if (self->m_closed)
            return;
        if (!ok) {
            self->close();
            return;
        }
        self->m_reader.feed(data, size);
        try {
            while (auto frame = self->m_reader.next()) {
                self->onFrame(std::move(*frame));
                if (self->m_closed)
                    return;
            }
        } catch (const spdy::ProtocolError &) {
            self->close();
            return;
        }
        self->readMore();
    });
}

void PortForwardTunnel::onFrame(spdy::Frame frame)
{
    switch (frame.type) {
    case spdy::FrameType::SynStream:
        return onSynStream(frame);
    case spdy::FrameType::Data:
        return onData(frame);
    case spdy::FrameType::RstStream:
        return onReset(frame.streamId);
    case spdy::FrameType::Ping:
        return send(frame); // answer kubectl's keep-alive pings with the same id
    case spdy::FrameType::GoAway:
        return close();
    default:
        return; // SETTINGS, WINDOW_UPDATE, HEADERS: nothing to do for port-forward
    }
}

void PortForwardTunnel::onSynStream(const spdy::Frame &frame)
{
    const std::string type = frame.header("streamtype");
    const std::string requestId = frame.header("requestid");
    const std::string portText = frame.header("port");
    int port = 0;
    try {
        port = std::stoi(portText);
    } catch (const std::exception &) {
        port = 0;
    }
    auto reject = [&] {
        spdy::Frame rst;
        rst.type = spdy::FrameType::RstStream;
        rst.streamId = frame.streamId;
        rst.status = spdy::kRefusedStream;
        send(rst);
    };
    if ((type != "error" && type != "data") || requestId.empty() || port <= 0 || port > 65535
        || m_streams.count(frame.streamId))
        return reject();
    auto &pair = m_pairs[requestId];
    if (!pair) {
        pair = std::make_shared<Pair>();
        pair->requestId = requestId;
        pair->port = port;
    }
    std::uint32_t &slot = type == "error" ? pair->errorStream : pair->dataStream;
    if (slot != 0 || pair->port != port)
        return reject();
    slot = frame.streamId;
    m_streams[frame.streamId] = pair;
    spdy::Frame reply;
    reply.type = spdy::FrameType::SynReply;
    reply.streamId = frame.streamId;
    send(reply);
    if (type == "data" && frame.fin())
        pair->clientFin = true;
    if (pair->errorStream && pair->dataStream && !pair->started)
        startPair(pair);
}

void PortForwardTunnel::onData(const spdy::Frame &frame)
{
    const auto it = m_streams.find(frame.streamId);
    if (it == m_streams.end())
        return;
    const std::shared_ptr<Pair> pair = it->second;
    if (frame.streamId != pair->dataStream)
        return; // kubectl only half-closes the error stream
    if (!pair->targetEof)
        pair->toTarget += frame.data;
    if (frame.fin())
        pair->clientFin = true;
    writeTarget(pair);
    finishIfDone(pair);
}

void PortForwardTunnel::onReset(std::uint32_t streamId)
{
    const auto it = m_streams.find(streamId);
    if (it != m_streams.end())
        dropPair(it->second);
}

void PortForwardTunnel::send(const spdy::Frame &frame)
{
    if (m_closed)
        return;
    m_pending += m_writer.encode(frame);
    flush();
}

void PortForwardTunnel::sendData(std::uint32_t streamId, std::string data, bool fin)
{
    spdy::Frame frame;
    frame.type = spdy::FrameType::Data;
    frame.streamId = streamId;
    frame.flags = fin ? spdy::kFlagFin : 0;
    frame.data = std::move(data);
    send(frame);
}

void PortForwardTunnel::flush()
{
    if (m_writing || m_pending.empty() || m_closed)
        return;
    m_inFlight.swap(m_pending);
    m_pending.clear();
    m_writing = true;
    auto self = shared_from_this();
    m_transport->write(m_inFlight, [self](bool ok) {
        self->m_writing = false;
        if (self->m_closed)
            return;
        if (!ok) {
            self->close();
            return;
        }
        if (self->m_pending.size() < kMaxPendingOutput) {
            auto parked = std::move(self->m_parked);
            self->m_parked.clear();
            for (const auto &pair : parked)
                if (!pair->done)
                    self->readTarget(pair);
        }
        self->flush();
    });
}

void PortForwardTunnel::startPair(const std::shared_ptr<Pair> &pair)
{
    pair->started = true;
    const ForwardTarget target = m_resolver(pair->port);
    if (!target.error.empty())
        return fail(pair, target.error);
    error_code ec;
    const auto address = asio::ip::make_address(target.host, ec);
    if (ec)
        return fail(pair, "invalid address " + target.host);
    const tcp::endpoint endpoint(address, static_cast<unsigned short>(target.port));
    pair->target.emplace(m_io);
    auto self = shared_from_this();
    const std::string where = target.host + ":" + std::to_string(target.port);
    pair->target->async_connect(endpoint, [self, pair, where](const error_code &error) {
        if (pair->done)
            return;
        if (error)
            return self->fail(pair, "dial tcp " + where + ": connect: " + goStyle(error.message()));
        pair->connected = true;
        error_code ignored;
        pair->target->set_option(tcp::no_delay(true), ignored);
        self->readTarget(pair);
        self->writeTarget(pair);
    });
}

// Like the kubelet: the reason goes on the error stream, then both streams end.
void PortForwardTunnel::fail(const std::shared_ptr<Pair> &pair, const std::string &reason)
{
    sendData(pair->errorStream,
             "error forwarding port " + std::to_string(pair->port) + " to pod " + m_podId + ", uid : " + reason, true);
    sendData(pair->dataStream, {}, true);
    dropPair(pair);
}

void PortForwardTunnel::readTarget(const std::shared_ptr<Pair> &pair)
{
    if (pair->done || pair->targetEof)
        return;
    if (m_pending.size() >= kMaxPendingOutput) {
        m_parked.push_back(pair);
        return;
    }
    auto self = shared_from_this();
    pair->target->async_read_some(asio::buffer(pair->buffer), [self, pair](const error_code &ec, std::size_t n) {
        if (pair->done)
            return;
        if (ec) {
            pair->targetEof = true;
            pair->toTarget.clear();
            self->sendData(pair->dataStream, {}, true);
            self->sendData(pair->errorStream, {}, true);
            self->finishIfDone(pair);
            return;
        }
        self->sendData(pair->dataStream, std::string(pair->buffer.data(), n), false);
        self->readTarget(pair);
    });
}

void PortForwardTunnel::writeTarget(const std::shared_ptr<Pair> &pair)
{
    if (pair->done || !pair->connected || pair->targetWriting || pair->targetEof)
        return;
    if (pair->toTarget.empty()) {
        if (pair->clientFin && !pair->targetShut) {
            pair->targetShut = true;
            error_code ignored;
            pair->target->shutdown(tcp::socket::shutdown_send, ignored);
        }
        return;
    }
    pair->targetInFlight.swap(pair->toTarget);
    pair->toTarget.clear();
    pair->targetWriting = true;
    auto self = shared_from_this();
    asio::async_write(*pair->target, asio::buffer(pair->targetInFlight),
                      [self, pair](const error_code &ec, std::size_t) {
                          pair->targetWriting = false;
                          if (pair->done)
                              return;
                          if (ec) {
                              // The target went away; its read side reports the end to kubectl.
                              pair->toTarget.clear();
                              error_code ignored;
                              pair->target->shutdown(tcp::socket::shutdown_send, ignored);
                              pair->targetShut = true;
                              return;
                          }
                          self->writeTarget(pair);
                          self->finishIfDone(pair);
                      });
}

void PortForwardTunnel::finishIfDone(const std::shared_ptr<Pair> &pair)
{
    if (pair->clientFin && pair->targetEof && !pair->targetWriting)
        dropPair(pair);
}

void PortForwardTunnel::dropPair(std::shared_ptr<Pair> pair)
{
    if (pair->done)
        return;
    pair->done = true;
    if (pair->target) {
        error_code ignored;
        pair->target->close(ignored);
    }
    m_streams.erase(pair->errorStream);
    m_streams.erase(pair->dataStream);
    m_pairs.erase(pair->requestId);
}

} // namespace bc::sandbox
