#pragma once

// pods/portforward for the sandbox. The sandbox has no containers, so a pod says where its ports
// lead with the annotation
//     sandbox.boutique.dev/port-forward: "5432=127.0.0.1:15432,8080=127.0.0.1:9000"
// (loopback targets only). kubectl's upgrade (WebSocket with subprotocol
// SPDY/3.1+portforward.k8s.io, or the classic SPDY/3.1 POST) is answered here on the raw
// connection the HTTP server hands over; the SPDY streams are relayed by PortForwardTunnel.

#include "infra/sandbox/json.h"
#include "infra/sandbox/port_forward_tunnel.h"
#include "infra/sandbox/upgrade_acceptor.h"

#include <functional>
#include <map>
#include <string>

namespace bc::sandbox {

class ObjectStore;

constexpr const char *kPortForwardAnnotation = "sandbox.boutique.dev/port-forward";

// "5432=127.0.0.1:15432,8080=localhost:9000" -> {5432: 127.0.0.1:15432, 8080: 127.0.0.1:9000}.
// Entries that are malformed or not loopback map to a ForwardTarget with `error` set.
std::map<int, ForwardTarget> parsePortMap(const std::string &annotation);
// "127.0.0.1:5432" -> host and port when the address is a loopback IP (or "localhost"); else error set.
ForwardTarget parseLoopbackAddress(const std::string &hostPort);

class PortForwardService {
public:
    explicit PortForwardService(ObjectStore &store);
    PortForwardService(const PortForwardService &) = delete;
    PortForwardService &operator=(const PortForwardService &) = delete;

    // True when a request line ("POST /api/v1/namespaces/x/pods/y/portforward HTTP/1.1") is one
    // this service answers on the raw connection.
    static bool isPortForwardRequestLine(const std::string &line);

    // Reads the request from the connected socket `fd`, answers the upgrade (or a Status error)
    // and relays until kubectl or stopAll() ends it. Closes `fd`.
    void serve(int fd);
    void stopAll(); // ends every forward; later serve() calls close at once
    void setLogger(std::function<void(const std::string &)> logger) { m_acceptor.setLogger(std::move(logger)); }

private:
    ForwardTarget resolve(const std::string &ns, const std::string &pod, int port) const;

    ObjectStore &m_store;
    UpgradeAcceptor m_acceptor;
};

} // namespace bc::sandbox
