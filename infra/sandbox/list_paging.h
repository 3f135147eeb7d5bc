#pragma once

#include "infra/sandbox/object_store.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace bc::sandbox {

// What a list request asks for (the query of GET .../pods): limit, continue, resourceVersion,
// resourceVersionMatch. parse() checks them as the API server's ValidateListOptions does.
struct ListQuery {
    long long limit = 0; // 0 = everything
    std::string continueToken;
    std::string resourceVersion;
    std::string resourceVersionMatch;
    std::string scope;      // what makes two lists the same list: resource, namespace, selectors
    bool selectors = false; // a label or field selector narrows the list (no remainingItemCount)

    // Throws ApiError 400 (a value that does not parse) or 422 (ListOptions.meta.k8s.io is invalid).
    static ListQuery parse(const std::function<std::string(const char *)> &param, std::string scope, bool selectors);
};

struct ListPage {
    std::vector<SnapshotPtr> items;
    std::uint64_t resourceVersion = 0;
    std::string continueToken;    // "" on the last page
    long long remainingItems = -1; // metadata.remainingItemCount, -1 = not set (selectors, last page)

    // `"resourceVersion":"N"` plus continue and remainingItemCount when set: a ListMeta's members.
    std::string metadataMembers() const;
};

// Paged lists as the API server serves them from etcd. The first page of a list with a limit keeps
// the whole matched list (pointers to the stored versions) as a snapshot at its resourceVersion;
// the opaque continue token (base64 JSON {"v","rv","start"}, the real format) names that snapshot and
// the last key returned, so every page comes from the same consistent list. A snapshot lives until
// its last page is served or `ttl` passes (etcd compacts every 5 minutes); later, the token gets
// 410 Expired with a token that continues, inconsistently, from the current state (rv -1), as the
// real server answers. At most kMaxSnapshots lists are open at a time (the oldest goes first).
class ListPager {
public:
    using Lister = std::function<std::vector<SnapshotPtr>(std::uint64_t *rv)>; // matched items, by namespace/name
    explicit ListPager(std::chrono::seconds ttl = std::chrono::minutes(5));

    ListPage page(const ListQuery &query, const Lister &list);
    void setTtl(std::chrono::seconds ttl);

    static std::string encodeToken(long long rv, const std::string &startKey);
    // Throws ApiError 400 "invalid continue token: ...".
    static void decodeToken(const std::string &token, long long &rv, std::string &startKey);
    static std::string keyOf(const SnapshotPtr &item); // "namespace/name" or "name"

private:
    struct Snapshot {
        std::vector<SnapshotPtr> items;
        std::uint64_t rv = 0;
        std::chrono::steady_clock::time_point created;
    };
    static constexpr std::size_t kMaxSnapshots = 32;
    ListPage cut(const std::vector<SnapshotPtr> &items, std::uint64_t rv, std::size_t from, const ListQuery &query,
                 bool &last) const;

    std::chrono::seconds m_ttl;
    std::mutex m_mutex;
    std::map<std::string, Snapshot> m_snapshots; // scope + "\n" + rv
};

} // namespace bc::sandbox
