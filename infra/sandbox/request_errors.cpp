#include "infra/sandbox/request_errors.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/json.h"

#include <httplib.h>

namespace bc::sandbox {

void checkNesting(std::string_view body)
{
    int depth = 0;
    bool inString = false;
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > RequestLimits::kMaxNesting)
                throw ApiError::badRequest("the request body nests arrays and objects more than "
                                           + std::to_string(RequestLimits::kMaxNesting) + " levels deep (at byte "
                                           + std::to_string(i) + "): exceeded max depth");
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
}

void checkMediaType(const std::string &contentType)
{
    const std::string type = contentType.substr(0, contentType.find(';'));
    if (type.empty() || type == "*/*" || type.find("json") != std::string::npos || type.find("yaml") != std::string::npos
        || type.find("protobuf") != std::string::npos)
        return;
    throw ApiError(415, "UnsupportedMediaType",
                   "the body of the request was in an unknown format - accepted media types include: application/json, "
                   "application/yaml, application/vnd.kubernetes.protobuf");
}

void throwExcessiveAliasing()
{
    throw ApiError::badRequest("yaml: document contains excessive aliasing (more than "
                               + std::to_string(RequestLimits::kMaxYamlNodes) + " nodes once aliases are expanded)");
}

void fillEmptyErrorBody(const httplib::Request &req, httplib::Response &res)
{
    if (!res.body.empty() || res.status < 400)
        return;
    std::string reason = "BadRequest";
    std::string message;
    switch (res.status) {
    case 400:
        message = "the request could not be read: a malformed request line, header or body, or a body that did not "
                  "arrive in time";
        break;
    case 404:
        reason = "NotFound";
        message = "the server could not find the requested resource";
        break;
    case 405:
        reason = "MethodNotAllowed";
        message = "the server does not allow this method (" + req.method + ") on the requested resource";
        break;
    case 413:
        reason = "RequestEntityTooLarge";
        message = "Request entity too large: the body is larger than the server accepts";
        break;
    case 414:
        reason = "RequestURITooLong";
        message = "the request URI is longer than " + std::to_string(CPPHTTPLIB_REQUEST_URI_MAX_LENGTH) + " bytes";
        break;
    case 416:
        reason = "BadRequest";
        message = "the requested range cannot be satisfied";
        break;
    default:
        reason = res.status >= 500 ? "InternalError" : "BadRequest";
        message = res.status >= 500 ? "Internal error occurred: the request could not be served"
                                    : "the request could not be served (HTTP " + std::to_string(res.status) + ")";
    }
    res.set_content(ApiError(res.status, reason, message).status().dump(), "application/json");
}

RequestReadGuard::RequestReadGuard(const RequestLimits &limits)
    : m_limits(limits), m_start(std::chrono::steady_clock::now())
{
}

bool RequestReadGuard::onRead(const char *data, std::size_t size)
{
    if (failed())
        return false;
    for (std::size_t i = 0; i < size && !m_headDone; ++i) {
        ++m_headBytes;
        const char c = data[i];
        if (c == '\n') {
            if (++m_newlines == 2)
                m_headDone = true;
        } else if (c != '\r') {
            m_newlines = 0;
        }
    }
    if (!m_headDone && m_headBytes > m_limits.maxHeadBytes) {
        fail(431, "RequestHeaderFieldsTooLarge",
             "request header fields too large: the request line and headers may have at most "
                 + std::to_string(m_limits.maxHeadBytes) + " bytes");
        return false;
    }
    return inTime();
}

bool RequestReadGuard::inTime()
{
    if (failed())
        return false;
    const auto elapsed = std::chrono::steady_clock::now() - m_start;
    if (!m_headDone && elapsed > m_limits.headTimeout) {
        fail(
            408, "Timeout", "the request line and headers did not arrive within "
                                + std::to_string(m_limits.headTimeout.count()) + " s");
        return false;
    }
    if (elapsed > m_limits.bodyTimeout) {
        fail(
            408, "Timeout", "the request body did not arrive within " + std::to_string(m_limits.bodyTimeout.count()) + " s");
        return false;
    }
    return true;
}

void RequestReadGuard::fail(int code, const std::string &reason, const std::string &message)
{
    const std::string body = ApiError(code, reason, message).status().dump();
    const char *text = code == 431 ? "Request Header Fields Too Large" : "Request Timeout";
    m_answer = "HTTP/1.1 " + std::to_string(code) + " " + text + "\r\nContent-Type: application/json\r\nContent-Length: "
               + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

} // namespace bc::sandbox
