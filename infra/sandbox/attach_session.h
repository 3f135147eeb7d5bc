#pragma once

// One `kubectl attach`: the sandbox has no container process whose stdio it could join, so the
// session streams what the container writes from now on (its log: Locust's statistics for a
// load generator, echoed lines, the storefront's request lines) to kubectl's stdout, as attaching
// to the container's output would, and discards stdin. It ends when kubectl goes away or the
// container ends (a Success Status, kubectl exits 0).

#include "infra/sandbox/exec_streams.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <string>

namespace bc::sandbox {

class ClusterSimulator;

class AttachSession : public std::enable_shared_from_this<AttachSession> {
public:
    AttachSession(boost::asio::io_context &io, std::shared_ptr<ExecStreams> streams, const ClusterSimulator &simulator,
                  std::string ns, std::string pod, std::string container);
    void start();
    void shutdown();

private:
    void poll();

    std::shared_ptr<ExecStreams> m_streams;
    const ClusterSimulator &m_simulator;
    std::string m_ns, m_pod, m_container;
    boost::asio::steady_timer m_timer;
    std::size_t m_next = 0;
    bool m_done = false;
};

} // namespace bc::sandbox
