#include "infra/sandbox/exec_service.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/attach_session.h"
#include "infra/sandbox/exec_session.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <vector>

namespace bc::sandbox {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr const char *kSpdyProtocol = "v4.channel.k8s.io";

std::vector<std::string> tokens(const std::string &value)
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

// Subprotocols offered on a WebSocket upgrade -> 5, 4, or 0 when neither.
int channelVersion(const std::string &offered)
{
    int best = 0;
    for (const auto &t : tokens(offered)) {
        if (t == "v5.channel.k8s.io")
            best = 5;
        else if (t == "v4.channel.k8s.io" && best < 4)
            best = 4;
    }
    return best;
}

std::string makeRunRoot()
{
    const char *tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/boutique-sandbox-pods.XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data()))
        return std::string(tmp && *tmp ? tmp : "/tmp");
    return std::string(buf.data());
}

} // namespace

ExecService::ExecService(ObjectStore &store, const ClusterSimulator *simulator)
    : m_simulator(simulator), m_runRoot(makeRunRoot()), m_env(store, m_runRoot)
{
}

ExecService::~ExecService()
{
    stopAll();
    if (m_runRoot.find("/boutique-sandbox-pods.") != std::string::npos) {
        std::error_code ec;
        std::filesystem::remove_all(m_runRoot, ec);
    }
}

bool ExecService::isExecRequestLine(const std::string &line)
{
    const auto space = line.find(' ');
    if (space == std::string::npos)
        return false;
    const std::string method = line.substr(0, space);
    if (method != "GET" && method != "POST")
        return false;
    const auto end = line.find(' ', space + 1);
    ExecRequest request;
    return end != std::string::npos && parseExecTarget(line.substr(space + 1, end - space - 1), request);
}

void ExecService::serve(int fd)
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
        std::shared_ptr<ExecSession> session;
        std::shared_ptr<AttachSession> attach;
        auto response = std::make_shared<http::response<http::string_body>>();
        std::string what;
        ExecRequest request;

        auto refuse = [&](const ExecRefusal &refusal) {
            response->result(static_cast<unsigned>(refusal.code));
            response->set(http::field::content_type, refusal.contentType);
            response->body() = refusal.body;
            response->keep_alive(false);
            response->prepare_payload();
            what += " -> " + std::to_string(refusal.code);
            http::async_write(socket, *response, [&](const error_code &, std::size_t) {
                error_code ignored;
                socket.shutdown(tcp::socket::shutdown_both, ignored);
                socket.close(ignored);
            });
        };
        auto refuseStatus = [&](const ApiError &error) {
            refuse(ExecRefusal{error.code(), "application/json", error.status().dump()});
        };
        auto startSession = [&](std::shared_ptr<ExecStreams> streams) {
            if (request.attach) {
                attach = std::make_shared<AttachSession>(io, std::move(streams), *m_simulator, request.ns, request.pod,
                                                         request.container);
                return attach->start();
            }
            const ExecChannels channels{request.stdinOn, request.stdoutOn, request.stderrOn, request.tty};
            session = std::make_shared<ExecSession>(io, std::move(streams), m_env.childSpec(request), channels);
            session->start();
        };
        auto onRequest = [&]() {
            const auto &req = parser.get();
            const std::string target(req.target());
            what = std::string(req.method_string()) + " " + target.substr(0, target.find('?'));
            if (!parseExecTarget(target, request))
                return refuseStatus(ApiError(404, "NotFound", "the server could not find the requested resource"));
            if (buffer.size() != 0)
                return refuseStatus(ApiError::badRequest("data sent before the upgrade was answered"));
            ExecRefusal refusal;
            if (!m_env.admit(request, refusal))
                return refuse(refusal);
            if (request.attach && !m_simulator)
                return refuseStatus(ApiError::badRequest("this sandbox serves no container output to attach to"));
            if (!request.stdinOn && !request.stdoutOn && !request.stderrOn)
                return refuseStatus(ApiError::badRequest("you must specify at least 1 of stdin, stdout, stderr"));
            if (websocket::is_upgrade(req)) {
                const int version = channelVersion(std::string(req[http::field::sec_websocket_protocol]));
                if (version == 0)
                    return refuseStatus(ApiError::badRequest(
                        "unable to upgrade connection: the sandbox streams exec as v5.channel.k8s.io or "
                        "v4.channel.k8s.io"));
                const std::string protocol = version == 5 ? "v5.channel.k8s.io" : "v4.channel.k8s.io";
                what += " -> 101 websocket " + protocol;
                ws.emplace(std::move(socket));
                ws->set_option(websocket::stream_base::decorator([protocol](websocket::response_type &res) {
                    res.set(http::field::sec_websocket_protocol, protocol);
                }));
                ws->async_accept(req, [&, version](const error_code &e) {
                    if (e)
                        return;
                    auto streams = makeWebSocketExecStreams(std::move(*ws), version);
                    ws.reset(); // a moved-from Beast stream must not be touched again
                    startSession(std::move(streams));
                });
                return;
            }
            const std::string upgrade(req[http::field::upgrade]);
            if (req.method() != http::verb::post || strcasecmp(upgrade.c_str(), "SPDY/3.1") != 0)
                return refuseStatus(ApiError::badRequest("Upgrade request required"));
            bool offered = false;
            for (const auto &field : req)
                if (strcasecmp(std::string(field.name_string()).c_str(), "X-Stream-Protocol-Version") == 0)
                    for (const auto &t : tokens(std::string(field.value())))
                        offered = offered || t == kSpdyProtocol;
            if (!offered)
                return refuseStatus(ApiError::badRequest(
                    std::string("unable to upgrade: unable to negotiate protocol: the server supports only ")
                    + kSpdyProtocol));
            what += " -> 101 SPDY/3.1";
            response->result(http::status::switching_protocols);
            response->set(http::field::connection, "Upgrade");
            response->set(http::field::upgrade, "SPDY/3.1");
            response->set("X-Stream-Protocol-Version", kSpdyProtocol);
            http::async_write(socket, *response, [&](const error_code &e, std::size_t) {
                if (e)
                    return;
                const ExecChannels channels{request.stdinOn, request.stdoutOn, request.stderrOn, request.tty};
                startSession(makeSpdyExecStreams(io, std::move(socket), channels));
            });
        };
        http::async_read_header(socket, buffer, parser, [&](const error_code &e, std::size_t) {
            deadline.cancel();
            if (!e)
                onRequest();
        });
        io.run();
        if (session)
            session->shutdown(); // kills what is left of the command's process group
        if (attach)
            attach->shutdown();
        error_code ignored;
        if (ws)
            ws->next_layer().close(ignored);
        socket.close(ignored);
        io.restart();
        io.poll();
        session.reset();
        attach.reset();
        if (m_logger && !what.empty())
            m_logger(what);
    }
    std::lock_guard lock(m_mutex);
    m_active.erase(&io);
}

void ExecService::stopAll()
{
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    for (asio::io_context *io : m_active)
        io->stop();
}

} // namespace bc::sandbox
