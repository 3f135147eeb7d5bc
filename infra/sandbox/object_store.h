#pragma once

#include "infra/sandbox/json.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace bc::sandbox {

// One stored version of an object: the JSON and its serialized text (lists concatenate texts).
struct Snapshot {
    Json obj;
    std::shared_ptr<const std::string> text;
};
using SnapshotPtr = std::shared_ptr<const Snapshot>;

struct WatchEvent {
    std::uint64_t rv = 0;
    std::string type; // ADDED, MODIFIED, DELETED
    std::string key;  // store key ("pods", "deployments.apps")
    std::string ns;
    std::string name;
    Json labels;
    std::shared_ptr<const std::string> text;
};

// The in-process object store: objects by store key ("pods", "deployments.apps", "clusters.postgresql.cnpg.io"),
// namespace and name, one global resourceVersion counter, and a bounded event history for watches.
// Every method is thread safe. Writes throw ApiError (404 NotFound, 409 AlreadyExists/Conflict).
// C++ callers (the simulator, a storefront simulation) use it directly; the HTTP layer is a thin shell.
class ObjectStore {
public:
    explicit ObjectStore(std::size_t historyCapacity = 5000);

    // Messages name the key the way kubectl users know it: `deployments.apps "x" not found`.
    SnapshotPtr get(const std::string &key, const std::string &ns, const std::string &name) const;
    // ns "" = all namespaces. rvOut receives the store's resourceVersion at the time of the list.
    std::vector<SnapshotPtr> list(const std::string &key, const std::string &ns = {},
                                  std::uint64_t *rvOut = nullptr) const;
    std::size_t count(const std::string &key) const;

    // Fills uid, resourceVersion, creationTimestamp, generation; honours generateName.
    SnapshotPtr create(const std::string &key, Json obj);
    // Replaces the object. If expectRv is set and differs from the stored one: 409 Conflict.
    SnapshotPtr replace(const std::string &key, Json obj, bool checkResourceVersion);
    // Read-modify-write under the lock. fn returns false to leave the object untouched.
    SnapshotPtr mutate(const std::string &key, const std::string &ns, const std::string &name,
                       const std::function<bool(Json &)> &fn);
    // Removes the object now and returns its last version.
    SnapshotPtr remove(const std::string &key, const std::string &ns, const std::string &name);
    void removeAll(const std::string &key);
    bool uidExists(const std::string &uid) const;

    std::uint64_t resourceVersion() const;

    // Watch support: events after `cursor` for `key`. Blocks up to `timeout` when there are none.
    // Returns false when `cursor` is older than the kept history (the client must re-list: 410 Gone).
    bool eventsAfter(std::uint64_t cursor, const std::string &key, std::chrono::milliseconds timeout,
                     std::vector<WatchEvent> &out, std::uint64_t &newCursor) const;
    // The resourceVersion of the oldest event kept for watches (the next one when none is kept).
    std::uint64_t oldestEventRv() const;
    void wakeWatchers();
    void shutdown();
    bool isShutDown() const { return m_shutdown.load(); }

    // Whole-store state (objects and the counter) for --state FILE.
    Json exportState() const;
    void importState(const Json &state);

    static std::string now();          // RFC 3339, seconds
    static std::string newUid();

private:
    using ObjMap = std::map<std::pair<std::string, std::string>, SnapshotPtr>;
    SnapshotPtr commitLocked(const std::string &key, Json obj, const char *type);
    void recordLocked(const std::string &key, const SnapshotPtr &snap, const char *type);

    mutable std::mutex m_mutex;
    mutable std::condition_variable m_changed;
    std::unordered_map<std::string, ObjMap> m_objects;
    std::unordered_map<std::string, std::string> m_uids; // uid -> key
    std::deque<WatchEvent> m_history;
    std::size_t m_historyCapacity;
    std::uint64_t m_rv = 1;
    std::atomic<bool> m_shutdown{false};
};

} // namespace bc::sandbox
