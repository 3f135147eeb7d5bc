#pragma once

// A real process the sandbox runs for a pod (an exec session, a load generator): argv as given (no
// shell string is ever built), an explicit environment, its own working directory, and either pipes
// or a pseudo-terminal (openpty) for stdin/stdout/stderr.
//
// Cleanup rules, the same for every process the sandbox starts:
//  - the child leads its own process group (with a terminal: its own session, the pty as its
//    controlling terminal), so stopping it stops what it started too (sh -> psql);
//  - PR_SET_PDEATHSIG(SIGKILL): if the sandbox dies, the kernel kills the child;
//  - the destructor stops the whole group (SIGHUP + SIGTERM, a grace period, then SIGKILL) and reaps
//    the child: no orphan, no zombie.

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace bc::sandbox {

struct ChildSpec {
    std::vector<std::string> argv; // argv[0] is looked up in the PATH of `env` when it has no '/'
    std::vector<std::string> env;  // "NAME=value"
    std::string workingDir;        // must exist
    bool tty = false;              // stdin/stdout/stderr on a pseudo-terminal
    bool mergeStderr = false;      // without tty: stderr goes to the stdout pipe
    int niceness = 0;              // added with nice() in the child
    unsigned short columns = 80, rows = 24;
};

class ChildProcess {
public:
    using ExitHandler = std::function<void(int exitCode)>; // 128 + N for a signal, as container runtimes report it

    // Starts the process; nullptr and `error` (a sentence in Go's style: `exec: "x": executable file
    // not found in $PATH`) when it cannot.
    static std::unique_ptr<ChildProcess> start(const ChildSpec &spec, std::string &error);
    ~ChildProcess();
    ChildProcess(const ChildProcess &) = delete;
    ChildProcess &operator=(const ChildProcess &) = delete;

    pid_t pid() const { return m_pid; }
    bool tty() const { return m_tty; }
    // Ownership of the descriptors passes to the caller (each can be taken once; -1 after).
    // With a tty, stdin and stdout are both the pty master (two descriptors), stderr is -1.
    int takeStdin();
    int takeStdout();
    int takeStderr();

    void resize(unsigned short columns, unsigned short rows); // TIOCSWINSZ on the pty (SIGWINCH to the group)
    // Calls `handler` once, from a waiter thread, when the child has exited.
    void onExit(ExitHandler handler);
    bool exited() const;
    // Stops the whole process group now: SIGHUP and SIGTERM, then SIGKILL after `grace`. Blocks up to `grace`.
    void stopGroup(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

private:
    ChildProcess() = default;
    void waitLoop();

    pid_t m_pid = -1;
    bool m_tty = false;
    int m_stdin = -1, m_stdout = -1, m_stderr = -1;
    int m_ptyControl = -1; // a pty master kept for resize
    mutable std::mutex m_mutex;
    std::condition_variable m_exitedCv;
    bool m_exited = false;
    int m_exitCode = -1;
    ExitHandler m_handler;
    std::thread m_waiter;
};

// Finds `program` in the colon-separated `path`: "" when absent. A program with a '/' is returned
// when it is an executable file.
std::string findExecutable(const std::string &program, const std::string &path);

} // namespace bc::sandbox
