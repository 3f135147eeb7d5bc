#include "infra/sandbox/list_paging.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/json.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace bc::sandbox {

namespace {

constexpr const char *kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view in)
{
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < in.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, in.size() - i);
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        if (n > 1)
            v |= static_cast<unsigned char>(in[i + 1]) << 8;
        if (n > 2)
            v |= static_cast<unsigned char>(in[i + 2]);
        for (std::size_t k = 0; k < 4; ++k)
            out += k <= n ? kAlphabet[(v >> (18 - 6 * k)) & 63] : '=';
    }
    return out;
}

bool unbase64(std::string_view in, std::string &out)
{
    unsigned v = 0;
    int bits = 0;
    std::size_t pad = 0;
    for (char c : in) {
        if (c == '=') {
            ++pad;
            continue;
        }
        const char *p = c ? std::char_traits<char>::find(kAlphabet, 64, c) : nullptr;
        if (!p || pad)
            return false;
        v = (v << 6) | static_cast<unsigned>(p - kAlphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((v >> bits) & 0xff);
        }
    }
    return pad <= 2 && (in.size() % 4 == 0);
}

// Go's strconv.ParseInt for a query parameter, with the API server's 400 when it does not parse.
long long intParam(const std::string &name, const std::string &value)
{
    if (value.empty())
        return 0;
    errno = 0;
    char *end = nullptr;
    const long long v = std::strtoll(value.c_str(), &end, 10);
    if (errno == ERANGE)
        throw ApiError::badRequest("invalid value \"" + value + "\" for query parameter " + name
                                   + ": strconv.ParseInt: parsing \"" + value + "\": value out of range");
    if (end != value.c_str() + value.size() || value.find_first_of(" \t") != std::string::npos)
        throw ApiError::badRequest("invalid value \"" + value + "\" for query parameter " + name
                                   + ": strconv.ParseInt: parsing \"" + value + "\": invalid syntax");
    return v;
}

ApiError invalidListOptions(const std::string &detail)
{
    return ApiError(422, "Invalid", "ListOptions.meta.k8s.io \"\" is invalid: " + detail,
                    {{"group", "meta.k8s.io"}, {"kind", "ListOptions"}, {"name", ""}});
}

constexpr const char *kInconsistentContinue =
    "The provided continue parameter is too old to display a consistent list result. You can start a new list "
    "without the continue parameter, or use the continue token in this response to retrieve the remainder of the "
    "results. Continuing with the provided token results in an inconsistent list - objects that were created, "
    "modified, or deleted between the time the first chunk was returned and now may show up in the list.";

} // namespace

ListQuery ListQuery::parse(const std::function<std::string(const char *)> &param, std::string scope, bool selectors)
{
    ListQuery q;
    q.limit = intParam("limit", param("limit"));
    if (q.limit < 0)
        q.limit = 0; // the API server treats a negative limit as none
    q.continueToken = param("continue");
    q.resourceVersion = param("resourceVersion");
    q.resourceVersionMatch = param("resourceVersionMatch");
    q.scope = std::move(scope);
    q.selectors = selectors;
    const std::string &match = q.resourceVersionMatch;
    if (!match.empty()) {
        if (q.resourceVersion.empty())
            throw invalidListOptions("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless "
                                     "resourceVersion is provided");
        if (!q.continueToken.empty())
            throw invalidListOptions("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided");
        if (match != "Exact" && match != "NotOlderThan")
            throw invalidListOptions("resourceVersionMatch: Unsupported value: \"" + match
                                     + "\": supported values: \"Exact\", \"NotOlderThan\", \"\"");
        if (match == "Exact" && q.resourceVersion == "0")
            throw invalidListOptions("resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for "
                                     "resourceVersion \"0\"");
    }
    if (!q.continueToken.empty() && !q.resourceVersion.empty() && q.resourceVersion != "0")
        throw ApiError::badRequest("specifying resource version is not allowed when using continue");
    if (!q.resourceVersion.empty())
        intParam("resourceVersion", q.resourceVersion); // 400 when it is not a number
    return q;
}

std::string ListPage::metadataMembers() const
{
    std::string out = "\"resourceVersion\":\"" + std::to_string(resourceVersion) + "\"";
    if (!continueToken.empty())
        out += ",\"continue\":\"" + continueToken + "\"";
    if (remainingItems >= 0)
        out += ",\"remainingItemCount\":" + std::to_string(remainingItems);
    return out;
}

ListPager::ListPager(std::chrono::seconds ttl) : m_ttl(ttl) {}

void ListPager::setTtl(std::chrono::seconds ttl)
{
    std::lock_guard lock(m_mutex);
    m_ttl = ttl;
}

std::string ListPager::encodeToken(long long rv, const std::string &startKey)
{
    return base64(Json{{"v", "meta.k8s.io/v1"}, {"rv", rv}, {"start", startKey}}.dump());
}

void ListPager::decodeToken(const std::string &token, long long &rv, std::string &startKey)
{
    std::string text;
    if (!unbase64(token, text))
        throw ApiError::badRequest("invalid continue token: continue key is not valid: illegal base64 data");
    Json j;
    try {
        j = Json::parse(text);
    } catch (const nlohmann::json::exception &e) {
        throw ApiError::badRequest(std::string("invalid continue token: continue key is not valid: ") + e.what());
    }
    if (!j.is_object() || str(j, "v") != "meta.k8s.io/v1")
        throw ApiError::badRequest("invalid continue token: continue key is not valid: server does not recognize this encoded version");
    if (!j.contains("rv") || !j["rv"].is_number_integer() || j["rv"].get<long long>() == 0)
        throw ApiError::badRequest("invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
    startKey = str(j, "start");
    if (startKey.empty())
        throw ApiError::badRequest("invalid continue token: continue key is not valid: encoded start key empty (version meta.k8s.io/v1)");
    rv = j["rv"].get<long long>();
}

std::string ListPager::keyOf(const SnapshotPtr &item)
{
    const Json &md = item->obj["metadata"];
    const std::string ns = str(md, "namespace");
    return ns.empty() ? str(md, "name") : ns + "/" + str(md, "name");
}

ListPage ListPager::cut(const std::vector<SnapshotPtr> &items, std::uint64_t rv, std::size_t from,
                        const ListQuery &query, bool &last) const
{
    ListPage page;
    page.resourceVersion = rv;
    const std::size_t n = std::min<std::size_t>(items.size() - std::min(from, items.size()), query.limit);
    page.items.assign(items.begin() + static_cast<long>(from), items.begin() + static_cast<long>(from + n));
    last = from + n >= items.size();
    if (!last) {
        page.continueToken = encodeToken(static_cast<long long>(rv), keyOf(page.items.back()) + std::string(1, '\0'));
        if (!query.selectors) // etcd counts what remains only for an unfiltered list
            page.remainingItems = static_cast<long long>(items.size() - from - n);
    }
    return page;
}

ListPage ListPager::page(const ListQuery &query, const Lister &list)
{
    const bool paged = query.limit > 0 && (query.resourceVersion != "0" || !query.continueToken.empty());
    std::uint64_t now = 0;
    if (query.continueToken.empty()) {
        std::vector<SnapshotPtr> items = list(&now);
        if (!query.resourceVersion.empty() && query.resourceVersion != "0") {
            const auto asked = static_cast<std::uint64_t>(std::strtoull(query.resourceVersion.c_str(), nullptr, 10));
            if (asked > now)
                throw ApiError(504, "Timeout", "Too large resource version: " + std::to_string(asked) + ", current: "
                                                   + std::to_string(now),
                               {{"causes", {{{"reason", "ResourceVersionTooLarge"}, {"message", "Too large resource version"}}}},
                                {"retryAfterSeconds", 1}});
            if (query.resourceVersionMatch == "Exact" && asked != now)
                throw ApiError(410, "Expired", "too old resource version: " + std::to_string(asked) + " ("
                                                   + std::to_string(now) + ")");
        }
        if (!paged || items.size() <= static_cast<std::size_t>(query.limit)) {
            ListPage all;
            all.items = std::move(items);
            all.resourceVersion = now;
            return all;
        }
        bool last = false;
        ListPage first = cut(items, now, 0, query, last);
        std::lock_guard lock(m_mutex);
        if (m_snapshots.size() >= kMaxSnapshots) {
            auto oldest = m_snapshots.begin();
            for (auto it = m_snapshots.begin(); it != m_snapshots.end(); ++it)
                if (it->second.created < oldest->second.created)
                    oldest = it;
            m_snapshots.erase(oldest);
        }
        m_snapshots[query.scope + "\n" + std::to_string(now)] =
            Snapshot{std::move(items), now, std::chrono::steady_clock::now()};
        return first;
    }

    long long rv = 0;
    std::string start;
    decodeToken(query.continueToken, rv, start);
    const auto after = [&start](const std::vector<SnapshotPtr> &items) {
        // items are in namespace/name order; start is the last key served plus NUL
        const std::string last = start.substr(0, start.size() - (start.back() == '\0' ? 1 : 0));
        const auto it = std::upper_bound(items.begin(), items.end(), last, [](const std::string &k, const SnapshotPtr &s) {
            const Json &md = s->obj["metadata"];
            const std::string ns = str(md, "namespace");
            const auto slash = k.find('/');
            if (ns.empty() || slash == std::string::npos)
                return k < str(md, "name");
            return std::make_pair(k.substr(0, slash), k.substr(slash + 1)) < std::make_pair(ns, str(md, "name"));
        });
        return static_cast<std::size_t>(it - items.begin());
    };
    if (rv == -1) { // after a 410: the rest of the list as it is now
        std::vector<SnapshotPtr> items = list(&now);
        bool last = false;
        ListQuery q = query;
        q.limit = query.limit > 0 ? query.limit : static_cast<long long>(items.size()) + 1;
        return cut(items, now, after(items), q, last);
    }
    std::unique_lock lock(m_mutex);
    const std::string id = query.scope + "\n" + std::to_string(rv);
    auto it = m_snapshots.find(id);
    if (it != m_snapshots.end() && std::chrono::steady_clock::now() - it->second.created >= m_ttl) {
        m_snapshots.erase(it);
        it = m_snapshots.end();
    }
    if (it == m_snapshots.end()) {
        ApiError expired(410, "Expired", kInconsistentContinue);
        expired.setListMeta({{"continue", encodeToken(-1, start)}});
        throw expired;
    }
    ListQuery q = query;
    if (q.limit <= 0)
        q.limit = static_cast<long long>(it->second.items.size()) + 1;
    bool last = false;
    ListPage next = cut(it->second.items, it->second.rv, after(it->second.items), q, last);
    if (last)
        m_snapshots.erase(it);
    return next;
}

} // namespace bc::sandbox
