#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace bc::sandbox {

// The watch parameters of a list request beyond the selectors, checked as the API server's
// validateWatchOptions does, and the BOOKMARK events it sends when a client allows them.
struct WatchOptions {
    bool allowBookmarks = false;
    std::optional<bool> sendInitialEvents;
    std::optional<std::chrono::seconds> timeout;
    std::string resourceVersion;

    // Throws ApiError 400 (a value that does not parse) or 422 (ListOptions.meta.k8s.io is invalid).
    static WatchOptions parse(const std::function<std::string(const char *)> &param);
};

// Sends a BOOKMARK as the watch cache does: every minute, and two seconds before the watch's
// own deadline (timeoutSeconds), so a client learns the current resourceVersion before it ends.
class BookmarkTimer {
public:
    BookmarkTimer(const WatchOptions &options, std::chrono::steady_clock::time_point start);
    bool due(std::chrono::steady_clock::time_point now);

    static constexpr std::chrono::seconds kFrequency{60};

private:
    void schedule(std::chrono::steady_clock::time_point now);
    bool m_enabled;
    std::optional<std::chrono::steady_clock::time_point> m_deadline;
    std::optional<std::chrono::steady_clock::time_point> m_next;
};

// {"type":"BOOKMARK","object":{"kind":K,"apiVersion":V,"metadata":{"resourceVersion":"N",...}}}\n
std::string bookmarkLine(const std::string &kind, const std::string &apiVersion, std::uint64_t rv, bool initialEventsEnd);
// The watch cache's 410 for a resourceVersion older than its history: an ERROR event.
std::string tooOldLine(std::uint64_t asked, std::uint64_t oldest);

} // namespace bc::sandbox
