#include "infra/sandbox/exec_service.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/attach_session.h"
#include "infra/sandbox/exec_session.h"

#include "infra/sandbox/exec_streams.h"
#include "infra/sandbox/upgrade_acceptor.h"

#include <boost/beast/websocket.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

namespace bc::sandbox {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;

namespace {

constexpr const char *kSpdyProtocol = "v4.channel.k8s.io";

// Subprotocols offered on a WebSocket upgrade -> 5, 4, or 0 when neither.
int channelVersion(const std::string &offered)
{
    int best = 0;
    for (const auto &t : headerTokens(offered)) {
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

// One exec or attach connection: admits the request, then runs the command (or streams the
// container's output) on whichever upgrade kubectl asked for.
class ExecUpgrade : public UpgradeHandler {
public:
    ExecUpgrade(const ExecEnvironment &env, const ClusterSimulator *simulator) : m_env(env), m_simulator(simulator) {}

    void onRequest(UpgradeConnection &connection) override
    {
        const auto &req = connection.request();
        if (!parseExecTarget(std::string(req.target()), m_request))
            return connection.refuse(ApiError(404, "NotFound", "the server could not find the requested resource"));
        if (connection.refuseEarlyData())
            return;
        ExecRefusal refusal;
        if (!m_env.admit(m_request, refusal))
            return connection.refuse(refusal.code, refusal.contentType, refusal.body);
        if (m_request.attach && !m_simulator)
            return connection.refuse(ApiError::badRequest("this sandbox serves no container output to attach to"));
        if (!m_request.stdinOn && !m_request.stdoutOn && !m_request.stderrOn)
            return connection.refuse(ApiError::badRequest("you must specify at least 1 of stdin, stdout, stderr"));
        asio::io_context &io = connection.io();
        if (websocket::is_upgrade(req)) {
            const int version = channelVersion(std::string(req[http::field::sec_websocket_protocol]));
            if (version == 0)
                return connection.refuse(ApiError::badRequest(
                    "unable to upgrade connection: the sandbox streams exec as v5.channel.k8s.io or "
                    "v4.channel.k8s.io"));
            return connection.acceptWebSocket(version == 5 ? "v5.channel.k8s.io" : "v4.channel.k8s.io",
                                              [this, &io, version](UpgradeConnection::WebSocket ws) {
                                                  startSession(io, makeWebSocketExecStreams(std::move(ws), version));
                                              });
        }
        connection.acceptSpdy(kSpdyProtocol, [this, &io](UpgradeConnection::Socket socket) {
            startSession(io, makeSpdyExecStreams(io, std::move(socket), channels()));
        });
    }

    void shutdown() override
    {
        if (m_session)
            m_session->shutdown(); // kills what is left of the command's process group
        if (m_attach)
            m_attach->shutdown();
    }

private:
    ExecChannels channels() const
    {
        return ExecChannels{m_request.stdinOn, m_request.stdoutOn, m_request.stderrOn, m_request.tty};
    }

    void startSession(asio::io_context &io, std::shared_ptr<ExecStreams> streams)
    {
        if (m_request.attach) {
            m_attach = std::make_shared<AttachSession>(io, std::move(streams), *m_simulator, m_request.ns, m_request.pod,
                                                       m_request.container);
            return m_attach->start();
        }
        m_session = std::make_shared<ExecSession>(io, std::move(streams), m_env.childSpec(m_request), channels());
        m_session->start();
    }

    const ExecEnvironment &m_env;
    const ClusterSimulator *m_simulator;
    ExecRequest m_request;
    std::shared_ptr<ExecSession> m_session;
    std::shared_ptr<AttachSession> m_attach;
};

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
    m_acceptor.serve(fd, [this] { return std::make_unique<ExecUpgrade>(m_env, m_simulator); });
}

void ExecService::stopAll()
{
    m_acceptor.stopAll();
}

} // namespace bc::sandbox
