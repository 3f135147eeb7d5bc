#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace httplib {
struct Request;
struct Response;
} // namespace httplib

namespace bc::sandbox {

// Limits on what a client may send, with the API server's answers when it goes beyond them. Every
// one of them is a Kubernetes Status, never an empty body.
struct RequestLimits {
    std::size_t maxHeadBytes = 1 << 20;              // request line + headers (kube-apiserver: MaxHeaderBytes 1 MiB)
    std::chrono::seconds headTimeout{32};            // kube-apiserver's ReadHeaderTimeout
    std::chrono::seconds bodyTimeout{60};            // the whole request read, as its 60 s request timeout
    static constexpr int kMaxNesting = 2000;         // arrays and objects in a body (yaml-cpp's own limit too)
    static constexpr std::size_t kMaxYamlNodes = 1 << 20; // nodes after expanding YAML aliases
};

// Throws ApiError 400 when a JSON (or YAML flow) body nests arrays and objects deeper than
// kMaxNesting: the sandbox's JSON code recurses, so depth is checked before anything parses.
void checkNesting(std::string_view body);
// Throws ApiError 415 for a body media type the API server does not decode (JSON, YAML, protobuf).
void checkMediaType(const std::string &contentType);
// The 400 that a YAML body whose aliases expand beyond kMaxYamlNodes gets (go-yaml's message).
[[noreturn]] void throwExcessiveAliasing();

// httplib's own answers (400 unreadable request, 413 too large, 414 URI too long...) carry an empty
// body: this fills in the Status, as set_error_handler calls it for every answer of 400 or more.
void fillEmptyErrorBody(const httplib::Request &req, httplib::Response &res);

// Watches the bytes of one request as the connection reads them: the head must end within
// maxHeadBytes and headTimeout, the request within bodyTimeout. When it does not, answer() is the
// whole HTTP response to send before closing (431 or 408 with a Status).
class RequestReadGuard {
public:
    explicit RequestReadGuard(const RequestLimits &limits);
    // Call with each chunk read; false once a limit is passed.
    bool onRead(const char *data, std::size_t size);
    // False once the request has taken too long to arrive.
    bool inTime();
    bool failed() const { return !m_answer.empty(); }
    const std::string &answer() const { return m_answer; }

private:
    void fail(int code, const std::string &reason, const std::string &message);
    RequestLimits m_limits;
    std::chrono::steady_clock::time_point m_start;
    std::size_t m_headBytes = 0;
    bool m_headDone = false;
    int m_newlines = 0; // consecutive line ends seen ("\r\n\r\n" or "\n\n" ends the head)
    std::string m_answer;
};

} // namespace bc::sandbox
