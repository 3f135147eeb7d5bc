#include "infra/sandbox/exec_streams.h"

#include "infra/sandbox/port_forward_tunnel.h"
#include "infra/sandbox/spdy_codec.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <deque>
#include <map>

namespace bc::sandbox {

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

// The kubelet's --streaming-connection-idle-timeout default: a session with no traffic at all ends.
constexpr auto kIdleTimeout = std::chrono::hours(4);
// The kubelet waits this long for kubectl to open every SPDY stream it announced.
constexpr auto kStreamCreationTimeout = std::chrono::seconds(30);

constexpr unsigned char kChannelStdin = 0;
constexpr unsigned char kChannelError = 3;
constexpr unsigned char kChannelResize = 4;
constexpr unsigned char kChannelClose = 255;

class WebSocketExecStreams final : public ExecStreams, public std::enable_shared_from_this<WebSocketExecStreams> {
public:
    WebSocketExecStreams(websocket::stream<tcp::socket> ws, int version) : m_ws(std::move(ws)), m_version(version)
    {
        m_ws.binary(true);
        websocket::stream_base::timeout t{};
        t.handshake_timeout = std::chrono::seconds(30);
        t.idle_timeout = kIdleTimeout;
        t.keep_alive_pings = true; // kubectl answers pings; a dead peer behind a live socket times out
        m_ws.set_option(t);
    }

    void start(Handlers handlers, std::function<void()> ready) override
    {
        m_handlers = std::move(handlers);
        readMore();
        ready();
    }

    void send(int channel, std::string data) override
    {
        data.insert(data.begin(), static_cast<char>(channel));
        m_queuedBytes += data.size();
        m_queue.push_back(std::move(data));
        flush();
    }

    void finish(const Json &status) override
    {
        if (m_finishing || m_closed)
            return;
        send(kChannelError, status.dump());
        m_finishing = true;
        flush();
    }

    void close() override
    {
        if (m_closed)
            return;
        m_closed = true;
        error_code ec;
        m_ws.next_layer().shutdown(tcp::socket::shutdown_both, ec);
        m_ws.next_layer().close(ec);
    }

    std::size_t queued() const override { return m_queuedBytes; }

private:
    void readMore()
    {
        auto self = shared_from_this();
        m_ws.async_read(m_buffer, [self](const error_code &ec, std::size_t) {
            if (self->m_closed)
                return;
            if (ec) {
                if (!self->m_finishing)
                    self->lost();
                return;
            }
            const auto data = self->m_buffer.data();
            std::string message(static_cast<const char *>(data.data()), data.size());
            self->m_buffer.consume(self->m_buffer.size());
            self->onMessage(std::move(message));
            if (!self->m_closed)
                self->readMore();
        });
    }

    void onMessage(std::string message)
    {
        if (message.empty())
            return;
        const auto channel = static_cast<unsigned char>(message[0]);
        message.erase(0, 1);
        if (channel == kChannelStdin) {
            if (!message.empty() && m_handlers.stdinData)
                m_handlers.stdinData(std::move(message));
        } else if (channel == kChannelResize) {
            unsigned short columns = 0, rows = 0;
            if (m_handlers.resize && parseTerminalSize(message, columns, rows))
                m_handlers.resize(columns, rows);
        } else if (channel == kChannelClose && m_version >= 5 && !message.empty()
                   && static_cast<unsigned char>(message[0]) == kChannelStdin) {
            if (m_handlers.stdinClosed)
                m_handlers.stdinClosed();
        }
    }

    void flush()
    {
        if (m_writing || m_closed)
            return;
        if (m_queue.empty()) {
            if (m_finishing && !m_closing) {
                m_closing = true;
                auto self = shared_from_this();
                m_ws.async_close(websocket::close_code::normal, [self](const error_code &) { self->close(); });
            }
            return;
        }
        m_writing = true;
        m_inFlight = std::move(m_queue.front());
        m_queue.pop_front();
        auto self = shared_from_this();
        m_ws.async_write(asio::buffer(m_inFlight), [self](const error_code &ec, std::size_t) {
            self->m_writing = false;
            self->m_queuedBytes -= self->m_inFlight.size();
            if (self->m_closed)
                return;
            if (ec) {
                self->lost();
                return;
            }
            self->flush();
        });
    }

    void lost()
    {
        close();
        if (m_handlers.gone)
            m_handlers.gone();
    }

    websocket::stream<tcp::socket> m_ws;
    int m_version;
    Handlers m_handlers;
    boost::beast::flat_buffer m_buffer;
    std::deque<std::string> m_queue;
    std::string m_inFlight;
    std::size_t m_queuedBytes = 0;
    bool m_writing = false, m_finishing = false, m_closing = false, m_closed = false;
};

class SpdyExecStreams final : public ExecStreams, public std::enable_shared_from_this<SpdyExecStreams> {
public:
    SpdyExecStreams(asio::io_context &io, tcp::socket socket, ExecChannels channels)
        : m_transport(makeSocketTransport(std::move(socket))), m_channels(channels), m_timer(io)
    {
    }

    void start(Handlers handlers, std::function<void()> ready) override
    {
        m_handlers = std::move(handlers);
        m_ready = std::move(ready);
        armTimer(kStreamCreationTimeout);
        readMore();
    }

    void send(int channel, std::string data) override
    {
        const char *type = channel == kStderr ? "stderr" : "stdout";
        const auto it = m_streams.find(type);
        if (it == m_streams.end() || m_closed)
            return;
        sendData(it->second, std::move(data), false);
    }

    void finish(const Json &status) override
    {
        if (m_finishing || m_closed)
            return;
        m_finishing = true;
        // Go's json.Encoder ends the Status with a newline; kubectl decodes the error stream to its end.
        for (const char *type : {"stdout", "stderr"})
            if (const auto it = m_streams.find(type); it != m_streams.end())
                sendData(it->second, {}, true);
        if (const auto it = m_streams.find("error"); it != m_streams.end())
            sendData(it->second, status.dump() + "\n", true);
        spdy::Frame goAway;
        goAway.type = spdy::FrameType::GoAway;
        goAway.streamId = m_lastStream;
        sendFrame(goAway);
    }

    void close() override
    {
        if (m_closed)
            return;
        m_closed = true;
        m_timer.cancel();
        m_transport->close();
    }

    std::size_t queued() const override { return m_pending.size() + m_inFlight.size(); }

private:
    std::size_t expectedStreams() const
    {
        return 1 + m_channels.stdinOn + m_channels.stdoutOn + (m_channels.stderrOn && !m_channels.tty)
               + m_channels.tty;
    }

    void armTimer(std::chrono::steady_clock::duration after)
    {
        m_timer.expires_after(after);
        std::weak_ptr<SpdyExecStreams> weak = shared_from_this();
        m_timer.async_wait([weak](const error_code &ec) {
            if (auto self = weak.lock(); self && !ec && !self->m_closed)
                self->lost();
        });
    }

    void readMore()
    {
        auto self = shared_from_this();
        m_transport->read([self](bool ok, const char *data, std::size_t size) {
            if (self->m_closed)
                return;
            if (!ok) {
                if (self->m_finishing)
                    self->close();
                else
                    self->lost();
                return;
            }
            if (self->m_started)
                self->armTimer(kIdleTimeout);
            self->m_reader.feed(data, size);
            try {
                while (auto frame = self->m_reader.next()) {
                    self->onFrame(*frame);
                    if (self->m_closed)
                        return;
                }
            } catch (const spdy::ProtocolError &) {
                self->lost();
                return;
            }
            self->readMore();
        });
    }

    void onFrame(const spdy::Frame &frame)
    {
        switch (frame.type) {
        case spdy::FrameType::SynStream:
            return onSynStream(frame);
        case spdy::FrameType::Data:
            return onData(frame);
        case spdy::FrameType::Ping:
            return sendFrame(frame);
        case spdy::FrameType::GoAway:
            return m_finishing ? close() : lost();
        default:
            return; // SETTINGS, WINDOW_UPDATE, HEADERS, RST_STREAM of a stream kubectl no longer reads
        }
    }

    void onSynStream(const spdy::Frame &frame)
    {
        const std::string type = frame.header("streamtype");
        const bool known = type == "error" || type == "stdin" || type == "stdout" || type == "stderr"
                           || type == "resize";
        if (!known || m_streams.count(type)) {
            spdy::Frame rst;
            rst.type = spdy::FrameType::RstStream;
            rst.streamId = frame.streamId;
            rst.status = spdy::kRefusedStream;
            return sendFrame(rst);
        }
        m_streams[type] = frame.streamId;
        m_types[frame.streamId] = type;
        m_lastStream = std::max(m_lastStream, frame.streamId);
        spdy::Frame reply;
        reply.type = spdy::FrameType::SynReply;
        reply.streamId = frame.streamId;
        sendFrame(reply);
        if (type == "stdin" && frame.fin())
            m_stdinFin = true;
        if (!m_started && m_streams.size() >= expectedStreams()) {
            m_started = true;
            armTimer(kIdleTimeout);
            m_ready();
            if (m_stdinFin && m_handlers.stdinClosed)
                m_handlers.stdinClosed();
        }
    }

    void onData(const spdy::Frame &frame)
    {
        const auto it = m_types.find(frame.streamId);
        if (it == m_types.end())
            return;
        if (it->second == "stdin") {
            if (!frame.data.empty() && m_handlers.stdinData)
                m_handlers.stdinData(frame.data);
            if (frame.fin() && m_started && m_handlers.stdinClosed)
                m_handlers.stdinClosed();
            else if (frame.fin())
                m_stdinFin = true;
        } else if (it->second == "resize") {
            // A sequence of JSON objects, as Go's json.Encoder writes them, cut anywhere.
            m_resizeBuffer += frame.data;
            std::size_t end;
            while ((end = m_resizeBuffer.find('}')) != std::string::npos) {
                unsigned short columns = 0, rows = 0;
                if (m_handlers.resize && parseTerminalSize(m_resizeBuffer.substr(0, end + 1), columns, rows))
                    m_handlers.resize(columns, rows);
                m_resizeBuffer.erase(0, end + 1);
            }
            if (m_resizeBuffer.size() > 4096)
                m_resizeBuffer.clear();
        }
    }

    void sendData(std::uint32_t streamId, std::string data, bool fin)
    {
        spdy::Frame frame;
        frame.type = spdy::FrameType::Data;
        frame.streamId = streamId;
        frame.flags = fin ? spdy::kFlagFin : 0;
        frame.data = std::move(data);
        sendFrame(frame);
    }

    void sendFrame(const spdy::Frame &frame)
    {
        if (m_closed)
            return;
        m_pending += m_writer.encode(frame);
        flush();
    }

    void flush()
    {
        if (m_writing || m_closed)
            return;
        if (m_pending.empty()) {
            if (m_finishing)
                close(); // everything, the Status included, is written
            return;
        }
        m_inFlight.swap(m_pending);
        m_pending.clear();
        m_writing = true;
        auto self = shared_from_this();
        m_transport->write(m_inFlight, [self](bool ok) {
            self->m_writing = false;
            self->m_inFlight.clear();
            if (self->m_closed)
                return;
            if (!ok) {
                self->lost();
                return;
            }
            self->flush();
        });
    }

    void lost()
    {
        const bool notify = !m_finishing;
        close();
        if (notify && m_handlers.gone)
            m_handlers.gone();
    }

    std::unique_ptr<TunnelTransport> m_transport;
    ExecChannels m_channels;
    asio::steady_timer m_timer;
    Handlers m_handlers;
    std::function<void()> m_ready;
    spdy::FrameReader m_reader;
    spdy::FrameWriter m_writer;
    std::map<std::string, std::uint32_t> m_streams; // by streamType
    std::map<std::uint32_t, std::string> m_types;   // by stream id
    std::uint32_t m_lastStream = 0;
    std::string m_pending, m_inFlight, m_resizeBuffer;
    bool m_writing = false, m_started = false, m_stdinFin = false, m_finishing = false, m_closed = false;
};

} // namespace

bool parseTerminalSize(const std::string &json, unsigned short &columns, unsigned short &rows)
{
    const Json size = Json::parse(json, nullptr, false);
    if (!size.is_object())
        return false;
    const auto width = size.find("Width");
    const auto height = size.find("Height");
    if (width == size.end() || height == size.end() || !width->is_number_unsigned() || !height->is_number_unsigned())
        return false;
    const auto w = width->get<unsigned long long>();
    const auto h = height->get<unsigned long long>();
    if (w == 0 || h == 0 || w > 10000 || h > 10000)
        return false;
    columns = static_cast<unsigned short>(w);
    rows = static_cast<unsigned short>(h);
    return true;
}

std::shared_ptr<ExecStreams> makeWebSocketExecStreams(websocket::stream<tcp::socket> ws, int version)
{
    return std::make_shared<WebSocketExecStreams>(std::move(ws), version);
}

std::shared_ptr<ExecStreams> makeSpdyExecStreams(asio::io_context &io, tcp::socket socket, ExecChannels channels)
{
    return std::make_shared<SpdyExecStreams>(io, std::move(socket), channels);
}

} // namespace bc::sandbox
