#pragma once

// kubectl's side of one `exec` (or `attach`) once the connection is upgraded, in the two protocols
// kubectl 1.32 speaks (client-go tools/remotecommand):
//  - WebSocket, subprotocol v5.channel.k8s.io (or v4): binary messages whose first byte is the
//    channel (0 stdin, 1 stdout, 2 stderr, 3 error/status JSON, 4 resize JSON; v5 adds 255 = close
//    that channel, sent for the end of stdin);
//  - SPDY/3.1, protocol v4.channel.k8s.io: one SPDY stream per channel, named by the header
//    streamType (error, stdin, stdout, stderr, resize); the session starts once every expected
//    stream is open, as the kubelet does.
// Single threaded: everything runs on the io_context of the connection.

#include "infra/sandbox/json.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace bc::sandbox {

struct ExecChannels {
    bool stdinOn = false, stdoutOn = false, stderrOn = false, tty = false;
};

class ExecStreams {
public:
    struct Handlers {
        std::function<void(std::string data)> stdinData;
        std::function<void()> stdinClosed;
        std::function<void(unsigned short columns, unsigned short rows)> resize;
        std::function<void()> gone; // kubectl went away, timed out, or broke the protocol
    };
    static constexpr int kStdout = 1;
    static constexpr int kStderr = 2;

    virtual ~ExecStreams() = default;
    // Starts reading; `ready` runs once the streams the request asked for exist.
    virtual void start(Handlers handlers, std::function<void()> ready) = 0;
    virtual void send(int channel, std::string data) = 0;
    // Sends the final Status on the error channel, then closes in order. `gone` is not called after.
    virtual void finish(const Json &status) = 0;
    virtual void close() = 0;          // at once
    virtual std::size_t queued() const = 0; // output bytes not yet written (back-pressure)
};

// version 5 or 4 of the channel protocol.
std::shared_ptr<ExecStreams> makeWebSocketExecStreams(
    boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws, int version);
std::shared_ptr<ExecStreams> makeSpdyExecStreams(boost::asio::io_context &io, boost::asio::ip::tcp::socket socket,
                                                 ExecChannels channels);

// "{"Width":120,"Height":40}" -> columns, rows; false when it is not a terminal size.
bool parseTerminalSize(const std::string &json, unsigned short &columns, unsigned short &rows);

} // namespace bc::sandbox
