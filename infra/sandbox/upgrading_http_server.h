#pragma once

// cpp-httplib cannot hand a connection over after a `101 Switching Protocols`, so this server looks
// at the first request line of each new connection (MSG_PEEK, nothing consumed): a pods/portforward
// request goes to the PortForwardService, a pods/exec (or attach) request to the ExecService, which
// own the socket from then on; every other
// connection is served exactly as httplib::Server::process_and_close_socket (0.11.4) serves it.

#include "infra/sandbox/request_errors.h"

#include <httplib.h>

namespace bc::sandbox {

class ExecService;
class PortForwardService;

class UpgradingHttpServer : public httplib::Server {
public:
    UpgradingHttpServer(PortForwardService &portForward, ExecService &exec) : m_portForward(portForward), m_exec(exec)
    {
    }
    // Head size and read deadlines per request (slow or oversized requests get 431/408 and are closed).
    void setRequestLimits(const RequestLimits &limits) { m_limits = limits; }

private:
    bool process_and_close_socket(socket_t sock) override;
    bool serveHttp(socket_t sock);

    PortForwardService &m_portForward;
    ExecService &m_exec;
    RequestLimits m_limits;
};

} // namespace bc::sandbox
