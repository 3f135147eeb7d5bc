#include "infra/sandbox/watch_options.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/json.h"

#include <cerrno>
#include <cstdlib>

namespace bc::sandbox {

namespace {

ApiError invalid(const std::string &detail)
{
    return ApiError(422, "Invalid", "ListOptions.meta.k8s.io \"\" is invalid: " + detail,
                    {{"group", "meta.k8s.io"}, {"kind", "ListOptions"}, {"name", ""}});
}

// Go's strconv.ParseBool.
std::optional<bool> boolValue(const std::string &name, const std::string &v)
{
    if (v.empty())
        return std::nullopt;
    if (v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True")
        return true;
    if (v == "0" || v == "f" || v == "F" || v == "false" || v == "FALSE" || v == "False")
        return false;
    throw ApiError::badRequest("invalid value \"" + v + "\" for query parameter " + name + ": strconv.ParseBool: parsing \""
                               + v + "\": invalid syntax");
}

} // namespace

WatchOptions WatchOptions::parse(const std::function<std::string(const char *)> &param)
{
    WatchOptions o;
    o.allowBookmarks = boolValue("allowWatchBookmarks", param("allowWatchBookmarks")).value_or(false);
    o.sendInitialEvents = boolValue("sendInitialEvents", param("sendInitialEvents"));
    o.resourceVersion = param("resourceVersion");
    const std::string timeout = param("timeoutSeconds");
    if (!timeout.empty()) {
        errno = 0;
        char *end = nullptr;
        const long long s = std::strtoll(timeout.c_str(), &end, 10);
        if (errno == ERANGE || end != timeout.c_str() + timeout.size())
            throw ApiError::badRequest("invalid value \"" + timeout + "\" for query parameter timeoutSeconds: "
                                       "strconv.ParseInt: parsing \"" + timeout + "\": invalid syntax");
        o.timeout = std::chrono::seconds(std::max(1LL, s));
    }
    if (!o.resourceVersion.empty()) {
        errno = 0;
        char *end = nullptr;
        std::strtoull(o.resourceVersion.c_str(), &end, 10);
        if (errno == ERANGE || end != o.resourceVersion.c_str() + o.resourceVersion.size() || o.resourceVersion[0] == '-')
            throw ApiError::badRequest("invalid value \"" + o.resourceVersion + "\" for query parameter resourceVersion: "
                                       "strconv.ParseUint: parsing \"" + o.resourceVersion + "\": invalid syntax");
    }
    const std::string match = param("resourceVersionMatch");
    if (o.sendInitialEvents && match != "NotOlderThan")
        throw invalid("resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan");
    if (!match.empty()) {
        if (!o.sendInitialEvents)
            throw invalid("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless "
                          "sendInitialEvents is provided");
        if (match != "NotOlderThan")
            throw invalid("resourceVersionMatch: Unsupported value: \"" + match + "\": supported values: \"NotOlderThan\"");
        if (!param("continue").empty())
            throw invalid("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided");
    }
    return o;
}

BookmarkTimer::BookmarkTimer(const WatchOptions &options, std::chrono::steady_clock::time_point start)
    : m_enabled(options.allowBookmarks)
{
    if (options.timeout)
        m_deadline = start + *options.timeout;
    schedule(start);
}

void BookmarkTimer::schedule(std::chrono::steady_clock::time_point now)
{
    m_next.reset();
    if (!m_enabled)
        return;
    auto next = now + kFrequency;
    if (m_deadline && *m_deadline - std::chrono::seconds(2) < next)
        next = *m_deadline - std::chrono::seconds(2);
    if (next > now)
        m_next = next;
}

bool BookmarkTimer::due(std::chrono::steady_clock::time_point now)
{
    if (!m_next || now < *m_next)
        return false;
    schedule(now);
    return true;
}

std::string bookmarkLine(const std::string &kind, const std::string &apiVersion, std::uint64_t rv, bool initialEventsEnd)
{
    Json md = {{"resourceVersion", std::to_string(rv)}, {"creationTimestamp", nullptr}};
    if (initialEventsEnd)
        md["annotations"] = {{"k8s.io/initial-events-end", "true"}};
    return Json{{"type", "BOOKMARK"}, {"object", {{"kind", kind}, {"apiVersion", apiVersion}, {"metadata", md}}}}.dump() + "\n";
}

std::string tooOldLine(std::uint64_t asked, std::uint64_t oldest)
{
    const Json status = ApiError(410, "Expired",
                                 "too old resource version: " + std::to_string(asked) + " (" + std::to_string(oldest) + ")")
                            .status();
    return Json{{"type", "ERROR"}, {"object", status}}.dump() + "\n";
}

} // namespace bc::sandbox
