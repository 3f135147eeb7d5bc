#pragma once

// One upgraded `kubectl port-forward` connection: a SPDY/3.1 session (carried raw or inside
// WebSocket binary messages) in which kubectl opens an error stream and a data stream per local
// connection (headers streamType, port, requestID). Each pair is relayed to the loopback address
// the pod maps that port to, like the kubelet relays it into the pod's network namespace.
// Single threaded: everything runs on the io_context the tunnel was made with.

#include "infra/sandbox/spdy_codec.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace bc::sandbox {

// Where a connection to a container port goes: host:port, or an error text for kubectl.
struct ForwardTarget {
    std::string host;
    int port = 0;
    std::string error;
};

// The byte stream SPDY frames travel on.
class TunnelTransport {
public:
    using ReadHandler = std::function<void(bool ok, const char *data, std::size_t size)>;
    using WriteHandler = std::function<void(bool ok)>;
    virtual ~TunnelTransport() = default;
    virtual void read(ReadHandler handler) = 0;
    virtual void write(const std::string &bytes, WriteHandler handler) = 0; // bytes outlive the write
    virtual void close() = 0;
};

std::unique_ptr<TunnelTransport> makeSocketTransport(boost::asio::ip::tcp::socket socket);
std::unique_ptr<TunnelTransport>
makeWebSocketTransport(boost::beast::websocket::stream<boost::asio::ip::tcp::socket> stream);

class PortForwardTunnel : public std::enable_shared_from_this<PortForwardTunnel> {
public:
    using Resolver = std::function<ForwardTarget(int containerPort)>;

    // podId goes into kubelet-style error texts ("error forwarding port 5432 to pod <podId>, uid : ...").
    PortForwardTunnel(boost::asio::io_context &io, std::unique_ptr<TunnelTransport> transport, std::string podId,
                      Resolver resolver);
    ~PortForwardTunnel();
    void start();
    void close(); // ends the session and every relayed connection
    std::size_t openConnections() const { return m_pairs.size(); }

private:
    struct Pair;
    void readMore();
    void onFrame(spdy::Frame frame);
    void onSynStream(const spdy::Frame &frame);
    void onData(const spdy::Frame &frame);
    void onReset(std::uint32_t streamId);
    void send(const spdy::Frame &frame);
    void flush();
    void startPair(const std::shared_ptr<Pair> &pair);
    void fail(const std::shared_ptr<Pair> &pair, const std::string &reason);
    void readTarget(const std::shared_ptr<Pair> &pair);
    void writeTarget(const std::shared_ptr<Pair> &pair);
    void finishIfDone(const std::shared_ptr<Pair> &pair);
    void dropPair(std::shared_ptr<Pair> pair); // by value: callers may hold a reference into the maps it erases from
    void sendData(std::uint32_t streamId, std::string data, bool fin);

    boost::asio::io_context &m_io;
    std::unique_ptr<TunnelTransport> m_transport;
    std::string m_podId;
    Resolver m_resolver;
    spdy::FrameReader m_reader;
    spdy::FrameWriter m_writer;
    std::string m_pending;  // encoded frames waiting for the transport
    std::string m_inFlight; // being written
    bool m_writing = false;
    bool m_closed = false;
    std::map<std::string, std::shared_ptr<Pair>> m_pairs;     // by requestID
    std::map<std::uint32_t, std::shared_ptr<Pair>> m_streams; // by SPDY stream id
    std::vector<std::shared_ptr<Pair>> m_parked;              // target reads waiting for the transport to drain
};

} // namespace bc::sandbox
