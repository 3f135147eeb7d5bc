#include "infra/sandbox/exec_session.h"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <chrono>

namespace bc::sandbox {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
constexpr std::size_t kMaxQueuedOutput = 1024 * 1024; // pause reading the child above this
constexpr auto kDrainAfterExit = std::chrono::seconds(2); // a background job may hold the pipe open
} // namespace

ExecSession::ExecSession(asio::io_context &io, std::shared_ptr<ExecStreams> streams, ChildSpec spec,
                         ExecChannels channels)
    : m_io(io), m_streams(std::move(streams)), m_spec(std::move(spec)), m_channels(channels), m_drain(io),
      m_backoff(io)
{
    m_stdout.channel = ExecStreams::kStdout;
    m_stderr.channel = ExecStreams::kStderr;
}

ExecSession::~ExecSession()
{
    shutdown();
}

Json ExecSession::successStatus()
{
    return {{"metadata", Json::object()}, {"status", "Success"}};
}

Json ExecSession::exitStatus(int exitCode)
{
    if (exitCode == 0)
        return successStatus();
    return {{"metadata", Json::object()},
            {"status", "Failure"},
            {"message", "command terminated with non-zero exit code: exit status " + std::to_string(exitCode)},
            {"reason", "NonZeroExitCode"},
            {"details", {{"causes", Json::array({{{"reason", "ExitCode"}, {"message", std::to_string(exitCode)}}})}}}};
}

Json ExecSession::startFailureStatus(const std::string &error)
{
    // What containerd's runc answers through the kubelet for a command that cannot start.
    const std::string message = "Internal error occurred: error executing command in container: failed to exec in "
                                "container: failed to start exec: OCI runtime exec failed: exec failed: unable to "
                                "start container process: "
                                + error + ": unknown";
    return {{"metadata", Json::object()},
            {"status", "Failure"},
            {"message", message},
            {"reason", "InternalError"},
            {"details", {{"causes", Json::array({{{"message", message}}})}}},
            {"code", 500}};
}

void ExecSession::start()
{
    std::weak_ptr<ExecSession> weak = shared_from_this();
    ExecStreams::Handlers handlers;
    handlers.stdinData = [weak](std::string data) {
        if (auto self = weak.lock(); self && self->m_stdin && !self->m_stdinEnd) {
            self->m_toChild += data;
            self->writeStdin();
        }
    };
    handlers.stdinClosed = [weak] {
        if (auto self = weak.lock()) {
            self->m_stdinEnd = true;
            self->writeStdin();
        }
    };
    handlers.resize = [weak](unsigned short columns, unsigned short rows) {
        auto self = weak.lock();
        if (!self)
            return;
        if (self->m_child)
            return self->m_child->resize(columns, rows);
        self->m_spec.columns = columns; // the first size can come before the process starts
        self->m_spec.rows = rows;
    };
    handlers.gone = [weak] {
        if (auto self = weak.lock())
            self->shutdown();
    };
    m_streams->start(std::move(handlers), [weak] {
        if (auto self = weak.lock())
            self->launch();
    });
}

void ExecSession::launch()
{
    if (m_finished || m_child)
        return;
    std::string error;
    m_child = ChildProcess::start(m_spec, error);
    if (!m_child) {
        m_finished = true;
        m_streams->finish(startFailureStatus(error));
        return;
    }
    auto wrap = [this](int fd) {
        std::optional<asio::posix::stream_descriptor> d;
        if (fd >= 0)
            d.emplace(m_io, fd);
        return d;
    };
    m_stdin = wrap(m_child->takeStdin());
    m_stdout.fd = wrap(m_child->takeStdout());
    m_stderr.fd = wrap(m_child->takeStderr());
    m_stdout.eof = !m_stdout.fd;
    m_stderr.eof = !m_stderr.fd;
    if (!m_channels.stdinOn && !m_channels.tty)
        closeStdin(); // the command reads end of file at once, as in a container without stdin
    readOutput(m_stdout);
    readOutput(m_stderr);
    std::weak_ptr<ExecSession> weak = shared_from_this();
    asio::io_context &io = m_io;
    m_child->onExit([weak, &io](int code) {
        // From the waiter thread. The io_context outlives every ChildProcess (ExecService::serve).
        asio::post(io, [weak, code] {
            if (auto self = weak.lock())
                self->onExit(code);
        });
    });
}

void ExecSession::readOutput(Output &out)
{
    if (!out.fd || out.eof || m_finished)
        return;
    if (m_streams->queued() > kMaxQueuedOutput) {
        // kubectl reads slower than the command writes: let the pipe fill, the command waits.
        m_backoff.expires_after(std::chrono::milliseconds(20));
        std::weak_ptr<ExecSession> weak = shared_from_this();
        m_backoff.async_wait([weak, &out](const error_code &ec) {
            if (auto self = weak.lock(); self && !ec)
                self->readOutput(out);
        });
        return;
    }
    std::weak_ptr<ExecSession> weak = shared_from_this();
    out.fd->async_read_some(asio::buffer(out.buffer), [weak, &out](const error_code &ec, std::size_t n) {
        auto self = weak.lock();
        if (!self || self->m_finished)
            return;
        if (ec) {
            // end of file, or EIO from a pty whose last writer closed it
            out.eof = true;
            self->maybeFinish();
            return;
        }
        const bool wanted = out.channel == ExecStreams::kStdout ? self->m_channels.stdoutOn || self->m_channels.tty
                                                                : self->m_channels.stderrOn;
        if (wanted)
            self->m_streams->send(out.channel, std::string(out.buffer.data(), n));
        self->readOutput(out);
    });
}

void ExecSession::writeStdin()
{
    if (!m_stdin || m_stdinWriting)
        return;
    if (m_toChild.empty()) {
        if (m_stdinEnd) {
            if (m_child && m_child->tty())
                m_toChild = "\x04"; // end of input on a terminal is ^D (stdin and stdout share the pty)
            else
                return closeStdin();
            m_stdinEnd = false;
        } else {
            return;
        }
    }
    m_inFlight.swap(m_toChild);
    m_toChild.clear();
    m_stdinWriting = true;
    std::weak_ptr<ExecSession> weak = shared_from_this();
    asio::async_write(*m_stdin, asio::buffer(m_inFlight), [weak](const error_code &ec, std::size_t) {
        auto self = weak.lock();
        if (!self)
            return;
        self->m_stdinWriting = false;
        if (ec) { // the command closed its stdin or exited
            self->m_toChild.clear();
            self->closeStdin();
            return;
        }
        self->writeStdin();
    });
}

void ExecSession::closeStdin()
{
    if (!m_stdin)
        return;
    error_code ec;
    m_stdin->close(ec);
    m_stdin.reset();
}

void ExecSession::onExit(int exitCode)
{
    m_exitCode = exitCode;
    m_drain.expires_after(kDrainAfterExit);
    std::weak_ptr<ExecSession> weak = shared_from_this();
    m_drain.async_wait([weak](const error_code &ec) {
        if (auto self = weak.lock(); self && !ec)
            self->finish();
    });
    maybeFinish();
}

void ExecSession::maybeFinish()
{
    if (m_exitCode && m_stdout.eof && m_stderr.eof)
        finish();
}

void ExecSession::finish()
{
    if (m_finished || !m_exitCode)
        return;
    m_finished = true;
    m_drain.cancel();
    m_backoff.cancel();
    closeStdin();
    error_code ec;
    for (Output *out : {&m_stdout, &m_stderr})
        if (out->fd)
            out->fd->close(ec);
    if (m_child)
        m_child->stopGroup(std::chrono::milliseconds(0)); // what the command left running in the background
    m_streams->finish(exitStatus(*m_exitCode));
}

void ExecSession::shutdown()
{
    m_finished = true;
    m_drain.cancel();
    m_backoff.cancel();
    closeStdin();
    error_code ec;
    for (Output *out : {&m_stdout, &m_stderr})
        if (out->fd) {
            out->fd->close(ec);
            out->fd.reset();
        }
    m_child.reset(); // stops the process group and reaps it
    if (m_streams)
        m_streams->close();
}

} // namespace bc::sandbox
