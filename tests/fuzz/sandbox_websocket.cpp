// WebSocket frames into the port-forward/exec tunnel: an upgrade handshake, then fuzzed frames read by
// the same Beast stream type the sandbox serves, and their payload fed to the SPDY reader as the
// tunnel does (kubectl's tunnelingConnection cuts the SPDY stream into binary messages anywhere).
#include "infra/sandbox/spdy_codec.h"

#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <string>

namespace {
const std::string kHandshake = "GET /api/v1/namespaces/default/pods/p/portforward HTTP/1.1\r\n"
                               "Host: 127.0.0.1\r\n"
                               "Upgrade: websocket\r\n"
                               "Connection: Upgrade\r\n"
                               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                               "Sec-WebSocket-Version: 13\r\n"
                               "Sec-WebSocket-Protocol: SPDY/3.1+portforward.k8s.io\r\n\r\n";
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    namespace beast = boost::beast;
    namespace websocket = beast::websocket;
    boost::asio::io_context ioc;
    beast::test::stream client(ioc);
    beast::test::stream server(ioc);
    server.connect(client);
    server.append(kHandshake);
    server.append(beast::string_view(reinterpret_cast<const char *>(data), size));
    server.close_remote(); // end of input: reads fail instead of waiting

    websocket::stream<beast::test::stream &> ws(server);
    ws.read_message_max(1 << 20);
    beast::error_code ec;
    ws.accept(ec);
    if (ec)
        return 0;
    bc::sandbox::spdy::FrameReader spdy;
    for (int messages = 0; messages < 64; ++messages) {
        beast::flat_buffer buffer;
        ws.read(buffer, ec);
        if (ec)
            break;
        const std::string bytes = beast::buffers_to_string(buffer.data());
        try {
            spdy.feed(bytes.data(), bytes.size());
            while (spdy.next()) {
            }
        } catch (const bc::sandbox::spdy::ProtocolError &) {
            break;
        }
    }
    return 0;
}
