#pragma once

// One running `kubectl exec`: relays kubectl's streams (ExecStreams) to a real child process
// (ChildProcess) and back. stdin -> the child; stdout/stderr (or the pty) -> kubectl; resize ->
// TIOCSWINSZ; the child's exit -> the Status on the error channel (`command terminated with exit
// code N` in kubectl). When kubectl goes away the child's whole process group is stopped.
// Single threaded on the io_context of the connection; the child's exit is posted to it.

#include "infra/sandbox/exec_streams.h"
#include "infra/sandbox/pty_process.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <memory>
#include <optional>
#include <string>

namespace bc::sandbox {

class ExecSession : public std::enable_shared_from_this<ExecSession> {
public:
    ExecSession(boost::asio::io_context &io, std::shared_ptr<ExecStreams> streams, ChildSpec spec,
                ExecChannels channels);
    ~ExecSession();
    void start();
    void shutdown(); // ends the child (its group) and the streams; safe to call twice

    // The Status objects the kubelet sends on the error channel.
    static Json successStatus();
    static Json exitStatus(int exitCode);
    static Json startFailureStatus(const std::string &error);

private:
    struct Output {
        std::optional<boost::asio::posix::stream_descriptor> fd;
        std::array<char, 32 * 1024> buffer{};
        int channel = 0;
        bool eof = true;
    };
    void launch();
    void readOutput(Output &out);
    void writeStdin();
    void closeStdin();
    void onExit(int exitCode);
    void maybeFinish();
    void finish();

    boost::asio::io_context &m_io;
    std::shared_ptr<ExecStreams> m_streams;
    ChildSpec m_spec;
    ExecChannels m_channels;
    std::unique_ptr<ChildProcess> m_child;
    std::optional<boost::asio::posix::stream_descriptor> m_stdin;
    std::string m_toChild, m_inFlight;
    bool m_stdinWriting = false, m_stdinEnd = false;
    Output m_stdout, m_stderr;
    boost::asio::steady_timer m_drain; // after the exit: how long output may still arrive
    boost::asio::steady_timer m_backoff;
    std::optional<int> m_exitCode;
    bool m_finished = false;
};

} // namespace bc::sandbox
