#include "infra/sandbox/attach_session.h"

#include "infra/sandbox/cluster_simulator.h"

#include <chrono>
#include <vector>

namespace bc::sandbox {

AttachSession::AttachSession(boost::asio::io_context &io, std::shared_ptr<ExecStreams> streams,
                             const ClusterSimulator &simulator, std::string ns, std::string pod, std::string container)
    : m_streams(std::move(streams)), m_simulator(simulator), m_ns(std::move(ns)), m_pod(std::move(pod)),
      m_container(std::move(container)), m_timer(io)
{
}

void AttachSession::start()
{
    m_next = m_simulator.logSize(m_ns, m_pod, m_container); // output from now on, not the history
    std::weak_ptr<AttachSession> weak = shared_from_this();
    ExecStreams::Handlers handlers;
    handlers.stdinData = [](std::string) {}; // nothing reads it
    handlers.gone = [weak] {
        if (auto self = weak.lock())
            self->shutdown();
    };
    m_streams->start(std::move(handlers), [weak] {
        if (auto self = weak.lock())
            self->poll();
    });
}

void AttachSession::poll()
{
    if (m_done)
        return;
    std::vector<std::string> lines;
    bool ended = false, known = false;
    m_next = m_simulator.readLog(m_ns, m_pod, m_container, m_next, lines, ended, known);
    std::string out;
    for (const auto &line : lines)
        out += line + "\n";
    if (!out.empty())
        m_streams->send(ExecStreams::kStdout, std::move(out));
    if (ended) {
        m_done = true;
        m_streams->finish({{"metadata", Json::object()}, {"status", "Success"}});
        return;
    }
    m_timer.expires_after(std::chrono::milliseconds(250));
    std::weak_ptr<AttachSession> weak = shared_from_this();
    m_timer.async_wait([weak](const boost::system::error_code &ec) {
        if (auto self = weak.lock(); self && !ec)
            self->poll();
    });
}

void AttachSession::shutdown()
{
    m_done = true;
    m_timer.cancel();
    m_streams->close();
}

} // namespace bc::sandbox
