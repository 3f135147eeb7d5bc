#include "infra/sandbox/pty_process.h"

#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace bc::sandbox {

namespace {

void closeFd(int &fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

bool isExecutableFile(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string pathOf(const std::vector<std::string> &env)
{
    for (const auto &e : env)
        if (e.rfind("PATH=", 0) == 0)
            return e.substr(5);
    return "/usr/local/bin:/usr/bin:/bin";
}

[[noreturn]] void childFail(int errorPipe, int err)
{
    // Async-signal-safe only: report errno to the parent and leave.
    [[maybe_unused]] const ssize_t n = ::write(errorPipe, &err, sizeof(err));
    ::_exit(127);
}

} // namespace

std::string findExecutable(const std::string &program, const std::string &path)
{
    if (program.empty())
        return {};
    if (program.find('/') != std::string::npos)
        return isExecutableFile(program) ? program : std::string();
    std::size_t pos = 0;
    for (;;) {
        const auto next = path.find(':', pos);
        std::string dir = path.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
        if (dir.empty())
            dir = ".";
        const std::string candidate = dir + "/" + program;
        if (isExecutableFile(candidate))
            return candidate;
        if (next == std::string::npos)
            return {};
        pos = next + 1;
    }
}

std::unique_ptr<ChildProcess> ChildProcess::start(const ChildSpec &spec, std::string &error)
{
    if (spec.argv.empty()) {
        error = "no command given";
        return nullptr;
    }
    const std::string program = findExecutable(spec.argv[0], pathOf(spec.env));
    if (program.empty()) {
        error = spec.argv[0].find('/') != std::string::npos
                    ? "exec: \"" + spec.argv[0] + "\": stat " + spec.argv[0] + ": no such file or directory"
                    : "exec: \"" + spec.argv[0] + "\": executable file not found in $PATH";
        return nullptr;
    }
    // Everything the child needs is built before fork(): between fork and exec only
    // async-signal-safe calls are allowed in a threaded program.
    std::vector<char *> argv;
    for (const auto &a : spec.argv)
        argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char *> envp;
    for (const auto &e : spec.env)
        envp.push_back(const_cast<char *>(e.c_str()));
    envp.push_back(nullptr);

    int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1}, status[2] = {-1, -1};
    int master = -1, slave = -1;
    auto closeAll = [&] {
        for (int *fd : {&in[0], &in[1], &out[0], &out[1], &err[0], &err[1], &status[0], &status[1], &master, &slave})
            closeFd(*fd);
    };
    if (::pipe2(status, O_CLOEXEC) != 0) {
        error = std::string("pipe: ") + std::strerror(errno);
        return nullptr;
    }
    if (spec.tty) {
        winsize ws{};
        ws.ws_col = spec.columns;
        ws.ws_row = spec.rows;
        if (::openpty(&master, &slave, nullptr, nullptr, &ws) != 0) {
            error = std::string("openpty: ") + std::strerror(errno);
            closeAll();
            return nullptr;
        }
        ::fcntl(master, F_SETFD, FD_CLOEXEC);
    } else if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0
               || (!spec.mergeStderr && ::pipe2(err, O_CLOEXEC) != 0)) {
        error = std::string("pipe: ") + std::strerror(errno);
        closeAll();
        return nullptr;
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        error = std::string("fork: ") + std::strerror(errno);
        closeAll();
        return nullptr;
    }
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(127); // the sandbox is already gone
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr); // the sandbox blocks SIGTERM/SIGINT/SIGHUP in every thread
        for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD})
            ::signal(sig, SIG_DFL);
        if (spec.tty) {
            if (::setsid() < 0 || ::ioctl(slave, TIOCSCTTY, 0) != 0)
                childFail(status[1], errno);
            ::dup2(slave, 0);
            ::dup2(slave, 1);
            ::dup2(slave, 2);
        } else {
            if (::setpgid(0, 0) != 0)
                childFail(status[1], errno);
            ::dup2(in[0], 0);
            ::dup2(out[1], 1);
            ::dup2(spec.mergeStderr ? out[1] : err[1], 2);
        }
        if (::chdir(spec.workingDir.c_str()) != 0)
            childFail(status[1], errno);
        if (spec.niceness > 0)
            errno = 0, (void)::nice(spec.niceness);
        // Nothing of the sandbox's (sockets, other sessions' pipes) leaks into the child; the status
        // pipe stays open until exec succeeds.
        if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0)
            for (int fd = 3; fd < 4096; ++fd)
                ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        ::execve(program.c_str(), argv.data(), envp.data());
        childFail(status[1], errno);
    }
    closeFd(status[1]);
    int childErrno = 0;
    ssize_t n;
    do {
        n = ::read(status[0], &childErrno, sizeof(childErrno));
    } while (n < 0 && errno == EINTR);
    closeFd(status[0]);
    if (n == static_cast<ssize_t>(sizeof(childErrno))) {
        int ignored = 0;
        ::waitpid(pid, &ignored, 0);
        error = "exec: \"" + spec.argv[0] + "\": " + std::strerror(childErrno);
        closeAll();
        return nullptr;
    }
    std::unique_ptr<ChildProcess> child(new ChildProcess);
    child->m_pid = pid;
    child->m_tty = spec.tty;
    if (spec.tty) {
        closeFd(slave);
        child->m_stdin = master;
        child->m_stdout = ::fcntl(master, F_DUPFD_CLOEXEC, 3);
        child->m_ptyControl = ::fcntl(master, F_DUPFD_CLOEXEC, 3);
    } else {
        closeFd(in[0]);
        closeFd(out[1]);
        closeFd(err[1]);
        child->m_stdin = in[1];
        child->m_stdout = out[0];
        child->m_stderr = err[0];
    }
    child->m_waiter = std::thread([c = child.get()] { c->waitLoop(); });
    return child;
}

void ChildProcess::waitLoop()
{
    int st = 0;
    pid_t r;
    do {
        r = ::waitpid(m_pid, &st, 0);
    } while (r < 0 && errno == EINTR);
    const int code = r < 0 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
    ExitHandler handler;
    {
        std::lock_guard lock(m_mutex);
        m_exited = true;
        m_exitCode = code;
        handler = m_handler;
    }
    m_exitedCv.notify_all();
    if (handler)
        handler(code);
}

void ChildProcess::onExit(ExitHandler handler)
{
    int code = -1;
    {
        std::lock_guard lock(m_mutex);
        if (!m_exited) {
            m_handler = std::move(handler);
            return;
        }
        code = m_exitCode;
    }
    handler(code);
}

bool ChildProcess::exited() const
{
    std::lock_guard lock(m_mutex);
    return m_exited;
}

int ChildProcess::takeStdin()
{
    return std::exchange(m_stdin, -1);
}

int ChildProcess::takeStdout()
{
    return std::exchange(m_stdout, -1);
}

int ChildProcess::takeStderr()
{
    return std::exchange(m_stderr, -1);
}

void ChildProcess::resize(unsigned short columns, unsigned short rows)
{
    if (m_ptyControl < 0 || columns == 0 || rows == 0)
        return;
    winsize ws{};
    ws.ws_col = columns;
    ws.ws_row = rows;
    ::ioctl(m_ptyControl, TIOCSWINSZ, &ws); // the kernel sends SIGWINCH to the foreground group
}

void ChildProcess::stopGroup(std::chrono::milliseconds grace)
{
    if (m_pid <= 0)
        return;
    std::unique_lock lock(m_mutex);
    if (!m_exited) {
        ::kill(-m_pid, SIGHUP);
        ::kill(-m_pid, SIGTERM);
        ::kill(-m_pid, SIGCONT);
        m_exitedCv.wait_for(lock, grace, [this] { return m_exited; });
    }
    // Whatever of the group is left (a background job of the shell, or a child that ignored SIGTERM).
    ::kill(-m_pid, SIGKILL);
    if (!m_exited)
        ::kill(m_pid, SIGKILL);
}

ChildProcess::~ChildProcess()
{
    stopGroup();
    if (m_waiter.joinable())
        m_waiter.join();
    closeFd(m_stdin);
    closeFd(m_stdout);
    closeFd(m_stderr);
    closeFd(m_ptyControl);
}

} // namespace bc::sandbox
