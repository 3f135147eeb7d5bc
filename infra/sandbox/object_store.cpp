#include "infra/sandbox/object_store.h"

#include "infra/sandbox/api_error.h"

#include <algorithm>
#include <ctime>
#include <random>
#include <stdexcept>

namespace bc::sandbox {

void jsonAssertFailed()
{
    throw std::out_of_range("missing or malformed field in a stored object");
}

namespace {
std::string groupOf(const std::string &key)
{
    const auto dot = key.find('.');
    return dot == std::string::npos ? std::string() : key.substr(dot + 1);
}
std::string resourceOf(const std::string &key)
{
    return key.substr(0, key.find('.'));
}
} // namespace

ObjectStore::ObjectStore(std::size_t historyCapacity) : m_historyCapacity(historyCapacity) {}

std::string ObjectStore::now()
{
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string ObjectStore::newUid()
{
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::uniform_int_distribution<int> d(0, 15);
    std::string s = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx";
    static const char *hex = "0123456789abcdef";
    for (char &c : s) {
        if (c == 'x')
            c = hex[d(rng)];
        else if (c == 'y')
            c = hex[8 + d(rng) % 4];
    }
    return s;
}

SnapshotPtr ObjectStore::get(const std::string &key, const std::string &ns, const std::string &name) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_objects.find(key);
    if (it == m_objects.end())
        return nullptr;
    const auto o = it->second.find({ns, name});
    return o == it->second.end() ? nullptr : o->second;
}

std::vector<SnapshotPtr> ObjectStore::list(const std::string &key, const std::string &ns,
                                           std::uint64_t *rvOut) const
{
    std::lock_guard lock(m_mutex);
    std::vector<SnapshotPtr> out;
    if (rvOut)
        *rvOut = m_rv;
    const auto it = m_objects.find(key);
    if (it == m_objects.end())
        return out;
    if (ns.empty()) {
        out.reserve(it->second.size());
        for (const auto &[k, v] : it->second)
            out.push_back(v);
    } else {
        for (auto o = it->second.lower_bound({ns, std::string()}); o != it->second.end() && o->first.first == ns; ++o)
            out.push_back(o->second);
    }
    return out;
}

std::size_t ObjectStore::count(const std::string &key) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_objects.find(key);
    return it == m_objects.end() ? 0 : it->second.size();
}

std::uint64_t ObjectStore::resourceVersion() const
{
    std::lock_guard lock(m_mutex);
    return m_rv;
}

bool ObjectStore::uidExists(const std::string &uid) const
{
    std::lock_guard lock(m_mutex);
    return m_uids.count(uid) > 0;
}

void ObjectStore::recordLocked(const std::string &key, const SnapshotPtr &snap, const char *type)
{
    WatchEvent e;
    e.rv = m_rv;
    e.type = type;
    e.key = key;
    const Json &md = snap->obj["metadata"];
    e.ns = str(md, "namespace");
    e.name = str(md, "name");
    if (md.contains("labels"))
        e.labels = md["labels"];
    e.text = snap->text;
    m_history.push_back(std::move(e));
    while (m_history.size() > m_historyCapacity)
        m_history.pop_front();
    m_changed.notify_all();
}

SnapshotPtr ObjectStore::commitLocked(const std::string &key, Json obj, const char *type)
{
    ++m_rv;
    obj["metadata"]["resourceVersion"] = std::to_string(m_rv);
    auto snap = std::make_shared<Snapshot>();
    snap->text = std::make_shared<const std::string>(obj.dump());
    snap->obj = std::move(obj);
    const Json &md = snap->obj["metadata"];
    m_objects[key][{str(md, "namespace"), str(md, "name")}] = snap;
    recordLocked(key, snap, type);
    return snap;
}

SnapshotPtr ObjectStore::create(const std::string &key, Json obj)
{
    std::lock_guard lock(m_mutex);
    Json &md = obj["metadata"];
    if (!md.is_object())
        throw ApiError::invalid("metadata must be an object");
    std::string name = str(md, "name");
    const std::string ns = str(md, "namespace");
    auto &objs = m_objects[key];
    if (name.empty() && !str(md, "generateName").empty()) {
        static const char *alnum = "bcdfghjklmnpqrstvwxz2456789";
        thread_local std::mt19937 rng{std::random_device{}()};
        do {
            name = str(md, "generateName");
            for (int i = 0; i < 5; ++i)
                name += alnum[rng() % 27];
        } while (objs.count({ns, name}));
        md["name"] = name;
    }
    if (name.empty())
        throw ApiError::invalid(resourceOf(key) + " is invalid: metadata.name: Required value: name or generateName is required");
    if (objs.count({ns, name}))
        throw ApiError(409, "AlreadyExists", key + " \"" + name + "\" already exists",
                       {{"name", name}, {"group", groupOf(key)}, {"kind", resourceOf(key)}});
    const std::string uid = newUid();
    md["uid"] = uid;
    md["creationTimestamp"] = now();
    if (!md.contains("generation") && obj.contains("spec"))
        md["generation"] = 1;
    md.erase("deletionTimestamp");
    m_uids[uid] = key;
    return commitLocked(key, std::move(obj), "ADDED");
}

SnapshotPtr ObjectStore::replace(const std::string &key, Json obj, bool checkResourceVersion)
{
    std::lock_guard lock(m_mutex);
    Json &md = obj["metadata"];
    const std::string name = str(md, "name");
    const std::string ns = str(md, "namespace");
    auto &objs = m_objects[key];
    const auto it = objs.find({ns, name});
    if (it == objs.end())
        throw ApiError::notFound(key, name, groupOf(key), resourceOf(key));
    const Json &old = it->second->obj;
    const std::string rv = str(md, "resourceVersion");
    if (checkResourceVersion && !rv.empty() && rv != str(old["metadata"], "resourceVersion"))
        throw ApiError(409, "Conflict",
                       "Operation cannot be fulfilled on " + key + " \"" + name
                           + "\": the object has been modified; please apply your changes to the latest version and try again",
                       {{"name", name}, {"group", groupOf(key)}, {"kind", resourceOf(key)}});
    // Immutable metadata follows the stored object.
    for (const char *f : {"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"}) {
        if (old["metadata"].contains(f))
            md[f] = old["metadata"][f];
        else
            md.erase(f);
    }
    if (old["metadata"].contains("generation")) {
        long long gen = old["metadata"]["generation"].get<long long>();
        const auto os = old.find("spec");
        const auto ns2 = obj.find("spec");
        const bool specChanged = (os == old.end()) != (ns2 == obj.end()) || (os != old.end() && *os != *ns2);
        md["generation"] = specChanged ? gen + 1 : gen;
    }
    if (*it->second->text == obj.dump())
        return it->second;
    return commitLocked(key, std::move(obj), "MODIFIED");
}

SnapshotPtr ObjectStore::mutate(const std::string &key, const std::string &ns, const std::string &name,
                                const std::function<bool(Json &)> &fn)
{
    Json copy;
    std::string rv;
    {
        std::lock_guard lock(m_mutex);
        auto &objs = m_objects[key];
        const auto it = objs.find({ns, name});
        if (it == objs.end())
            throw ApiError::notFound(key, name, groupOf(key), resourceOf(key));
        copy = it->second->obj;
        rv = str(copy["metadata"], "resourceVersion");
    }
    // fn runs without the lock (it may be slow); the write below checks nobody raced us.
    for (int attempt = 0;; ++attempt) {
        Json work = copy;
        if (!fn(work)) {
            return get(key, ns, name);
        }
        std::lock_guard lock(m_mutex);
        auto &objs = m_objects[key];
        const auto it = objs.find({ns, name});
        if (it == objs.end())
            throw ApiError::notFound(key, name, groupOf(key), resourceOf(key));
        if (str(it->second->obj["metadata"], "resourceVersion") != rv) {
            copy = it->second->obj;
            rv = str(copy["metadata"], "resourceVersion");
            continue;
        }
        work["metadata"]["name"] = name;
        if (!ns.empty())
            work["metadata"]["namespace"] = ns;
        const Json &old = it->second->obj;
        for (const char *f : {"uid", "creationTimestamp"})
            if (old["metadata"].contains(f))
                work["metadata"][f] = old["metadata"][f];
        if (old["metadata"].contains("generation") && key != "pods") {
            const long long gen = old["metadata"]["generation"].get<long long>();
            const auto os = old.find("spec");
            const auto ns2 = work.find("spec");
            const bool specChanged = (os == old.end()) != (ns2 == work.end()) || (os != old.end() && *os != *ns2);
            work["metadata"]["generation"] = specChanged ? gen + 1 : gen;
        }
        work["metadata"]["resourceVersion"] = rv;
        if (work == old)
            return it->second;
        return commitLocked(key, std::move(work), "MODIFIED");
    }
}

SnapshotPtr ObjectStore::remove(const std::string &key, const std::string &ns, const std::string &name)
{
    std::lock_guard lock(m_mutex);
    auto &objs = m_objects[key];
    const auto it = objs.find({ns, name});
    if (it == objs.end())
        throw ApiError::notFound(key, name, groupOf(key), resourceOf(key));
    SnapshotPtr old = it->second;
    objs.erase(it);
    m_uids.erase(str(old->obj["metadata"], "uid"));
    ++m_rv;
    Json last = old->obj;
    last["metadata"]["resourceVersion"] = std::to_string(m_rv);
    auto snap = std::make_shared<Snapshot>();
    snap->text = std::make_shared<const std::string>(last.dump());
    snap->obj = std::move(last);
    recordLocked(key, snap, "DELETED");
    return snap;
}

void ObjectStore::removeAll(const std::string &key)
{
    std::vector<std::pair<std::string, std::string>> names;
    {
        std::lock_guard lock(m_mutex);
        for (const auto &[k, v] : m_objects[key])
            names.push_back(k);
    }
    for (const auto &[ns, name] : names) {
        try {
            remove(key, ns, name);
        } catch (const ApiError &) {
        }
    }
}

bool ObjectStore::eventsAfter(std::uint64_t cursor, const std::string &key, std::chrono::milliseconds timeout,
                              std::vector<WatchEvent> &out, std::uint64_t &newCursor) const
{
    std::unique_lock lock(m_mutex);
    const auto ready = [&] { return m_shutdown.load() || m_rv > cursor; };
    if (!ready())
        m_changed.wait_for(lock, timeout, ready);
    newCursor = std::max(cursor, m_rv);
    if (m_history.empty() || m_rv <= cursor)
        return true;
    if (m_history.front().rv > cursor + 1)
        return false;
    auto it = std::lower_bound(m_history.begin(), m_history.end(), cursor + 1,
                               [](const WatchEvent &e, std::uint64_t rv) { return e.rv < rv; });
    for (; it != m_history.end(); ++it)
        if (it->key == key)
            out.push_back(*it);
    return true;
}

std::uint64_t ObjectStore::oldestEventRv() const
{
    std::lock_guard lock(m_mutex);
    return m_history.empty() ? m_rv + 1 : m_history.front().rv;
}

void ObjectStore::wakeWatchers()
{
    m_changed.notify_all();
}

void ObjectStore::shutdown()
{
    m_shutdown = true;
    std::lock_guard lock(m_mutex);
    m_changed.notify_all();
}

Json ObjectStore::exportState() const
{
    std::lock_guard lock(m_mutex);
    Json state = {{"resourceVersion", m_rv}, {"objects", Json::object()}};
    for (const auto &[key, objs] : m_objects) {
        if (objs.empty())
            continue;
        Json arr = Json::array();
        for (const auto &[k, snap] : objs)
            arr.push_back(snap->obj);
        state["objects"][key] = std::move(arr);
    }
    return state;
}

void ObjectStore::importState(const Json &state)
{
    std::lock_guard lock(m_mutex);
    m_rv = std::max<std::uint64_t>(m_rv, state.value("resourceVersion", std::uint64_t(1)));
    if (!state.contains("objects"))
        return;
    for (auto it = state["objects"].begin(); it != state["objects"].end(); ++it) {
        for (const auto &obj : it.value()) {
            auto snap = std::make_shared<Snapshot>();
            snap->obj = obj;
            snap->text = std::make_shared<const std::string>(obj.dump());
            const Json &md = obj["metadata"];
            m_objects[it.key()][{str(md, "namespace"), str(md, "name")}] = snap;
            m_uids[str(md, "uid")] = it.key();
        }
    }
}

} // namespace bc::sandbox
