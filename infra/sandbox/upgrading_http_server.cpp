#include "infra/sandbox/upgrading_http_server.h"

#include "infra/sandbox/exec_service.h"
#include "infra/sandbox/port_forward_service.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <thread>
#include <vector>

namespace bc::sandbox {

namespace {

int pollFor(int fd, short events, time_t sec, time_t usec)
{
    pollfd p{fd, events, 0};
    const int timeout = static_cast<int>(sec * 1000 + usec / 1000);
    int rc;
    do {
        rc = ::poll(&p, 1, timeout);
    } while (rc < 0 && errno == EINTR);
    return rc;
}

void addressOf(int fd, bool peer, std::string &ip, int &port)
{
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    const int rc = peer ? getpeername(fd, reinterpret_cast<sockaddr *>(&addr), &len)
                        : getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
    if (rc != 0)
        return;
    char text[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET) {
        const auto *a = reinterpret_cast<const sockaddr_in *>(&addr);
        inet_ntop(AF_INET, &a->sin_addr, text, sizeof(text));
        port = ntohs(a->sin_port);
    } else if (addr.ss_family == AF_INET6) {
        const auto *a = reinterpret_cast<const sockaddr_in6 *>(&addr);
        inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof(text));
        port = ntohs(a->sin6_port);
    }
    ip = text;
}

// httplib's detail::SocketStream (not exported by Debian's libcpp-httplib headers), same semantics:
// reads buffered 4 KiB at a time, each read and write waits up to its timeout.
class SocketStream final : public httplib::Stream {
public:
    SocketStream(int fd, time_t readSec, time_t readUsec, time_t writeSec, time_t writeUsec, RequestReadGuard *guard)
        : m_fd(fd), m_readSec(readSec), m_readUsec(readUsec), m_writeSec(writeSec), m_writeUsec(writeUsec),
          m_buffer(kBufferSize), m_guard(guard)
    {
    }

    bool is_readable() const override { return pollFor(m_fd, POLLIN, m_readSec, m_readUsec) > 0; }
    bool is_writable() const override
    {
        if (pollFor(m_fd, POLLOUT, m_writeSec, m_writeUsec) <= 0)
            return false;
        // httplib's is_socket_alive: a readable socket with nothing to read is closed.
        if (pollFor(m_fd, POLLIN, 0, 0) == 0)
            return true;
        char c;
        return ::recv(m_fd, &c, 1, MSG_PEEK) > 0;
    }
    ssize_t read(char *ptr, size_t size) override
    {
        if (m_offset < m_size) {
            const size_t n = std::min(size, m_size - m_offset);
            std::copy_n(m_buffer.data() + m_offset, n, ptr);
            m_offset += n;
            return static_cast<ssize_t>(n);
        }
        if (!m_guard->inTime() || !is_readable())
            return refuse();
        m_offset = m_size = 0;
        if (size >= kBufferSize) {
            const ssize_t n = receive(ptr, size);
            return n > 0 && !m_guard->onRead(ptr, static_cast<size_t>(n)) ? refuse() : n;
        }
        const ssize_t n = receive(m_buffer.data(), kBufferSize);
        if (n <= 0)
            return n;
        if (!m_guard->onRead(m_buffer.data(), static_cast<size_t>(n)))
            return refuse();
        const size_t copied = std::min(size, static_cast<size_t>(n));
        std::copy_n(m_buffer.data(), copied, ptr);
        m_offset = copied;
        m_size = static_cast<size_t>(n);
        return static_cast<ssize_t>(copied);
    }
    ssize_t write(const char *ptr, size_t size) override
    {
        if (m_guard->failed() || !is_writable())
            return -1;
        ssize_t n;
        do {
            n = ::send(m_fd, ptr, size, MSG_NOSIGNAL);
        } while (n < 0 && errno == EINTR);
        return n;
    }
    void get_remote_ip_and_port(std::string &ip, int &port) const override { addressOf(m_fd, true, ip, port); }
    void get_local_ip_and_port(std::string &ip, int &port) const override { addressOf(m_fd, false, ip, port); }
    socket_t socket() const override { return m_fd; }

private:
    // A limit of the guard was passed: send its answer once, then the connection only fails.
    ssize_t refuse()
    {
        if (m_guard->failed() && !m_refused) {
            m_refused = true;
            const std::string &answer = m_guard->answer();
            (void)::send(m_fd, answer.data(), answer.size(), MSG_NOSIGNAL);
        }
        return -1;
    }

    ssize_t receive(char *ptr, size_t size)
    {
        ssize_t n;
        do {
            n = ::recv(m_fd, ptr, size, 0);
        } while (n < 0 && errno == EINTR);
        return n;
    }

    static constexpr size_t kBufferSize = 4096;
    int m_fd;
    time_t m_readSec, m_readUsec, m_writeSec, m_writeUsec;
    std::vector<char> m_buffer;
    size_t m_offset = 0;
    size_t m_size = 0;
    RequestReadGuard *m_guard;
    bool m_refused = false;
};

// httplib's detail::keep_alive: waits until the connection has a request or the timeout passes.
bool keepAlive(int fd, time_t timeoutSec)
{
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
        const int rc = pollFor(fd, POLLIN, 0, 10000);
        if (rc < 0)
            return false;
        if (rc > 0)
            return true;
        if (std::chrono::steady_clock::now() - start > std::chrono::seconds(timeoutSec))
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

// The first request line, peeked; "" when the connection closes or sends no line within 5 s.
std::string peekRequestLine(int fd)
{
    char buf[2048];
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    ssize_t last = -1;
    for (;;) {
        const ssize_t n = ::recv(fd, buf, sizeof(buf), MSG_PEEK);
        if (n <= 0)
            return {};
        const std::string_view seen(buf, static_cast<size_t>(n));
        const auto eol = seen.find("\r\n");
        if (eol != std::string_view::npos)
            return std::string(seen.substr(0, eol));
        if (n == sizeof(buf) || std::chrono::steady_clock::now() > deadline)
            return std::string(seen); // no line ending yet: let httplib judge it
        if (n == last)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        last = n;
    }
}

} // namespace

bool UpgradingHttpServer::process_and_close_socket(socket_t sock)
{
    bool ok = false;
    if (svr_sock_ != INVALID_SOCKET && keepAlive(sock, keep_alive_timeout_sec_)) {
        const std::string line = peekRequestLine(sock);
        if (PortForwardService::isPortForwardRequestLine(line)) {
            m_portForward.serve(sock); // owns and closes the socket
            return true;
        }
        if (ExecService::isExecRequestLine(line)) {
            m_exec.serve(sock); // owns and closes the socket
            return true;
        }
        ok = serveHttp(sock);
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
}

// httplib::Server::process_and_close_socket with detail::process_server_socket, minus the close.
bool UpgradingHttpServer::serveHttp(socket_t sock)
{
    bool ok = false;
    size_t count = keep_alive_max_count_;
    while (svr_sock_ != INVALID_SOCKET && count > 0 && keepAlive(sock, keep_alive_timeout_sec_)) {
        const bool closeConnection = count == 1;
        bool connectionClosed = false;
        RequestReadGuard guard(m_limits);
        SocketStream stream(sock, read_timeout_sec_, read_timeout_usec_, write_timeout_sec_, write_timeout_usec_, &guard);
        ok = process_request(stream, closeConnection, connectionClosed, nullptr);
        if (!ok || connectionClosed)
            break;
        --count;
    }
    return ok;
}

} // namespace bc::sandbox
