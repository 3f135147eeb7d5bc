#include "infra/sandbox/api_handlers.h"

#include "infra/sandbox/api_tables.h"
#include "infra/sandbox/selector.h"
#include "infra/sandbox/watch_options.h"

#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bc::sandbox {

namespace {

constexpr const char *kJson = "application/json";

bool matches(const auto &st, const Json &obj)
{
    const Json &md = obj["metadata"];
    if (!st.labels.empty() && !st.labels.matchesLabels(md.contains("labels") ? md["labels"] : Json::object()))
        return false;
    return st.fields.empty() || st.fields.matchesFields(obj);
}

std::string eventLine(const ApiRoute &r, const std::string &type, const Json &obj, const std::string &text, bool table)
{
    if (!table)
        return R"({"type":")" + type + R"(","object":)" + text + "}\n";
    return Json{{"type", type}, {"object", objectTable(r, obj)}}.dump() + "\n";
}

} // namespace

void serveWatch(ApiContext &ctx, const httplib::Request &req, httplib::Response &res, const ApiRoute &r)
{
    struct State {
        std::uint64_t cursor = 0;
        std::vector<std::string> initial;
        std::chrono::steady_clock::time_point deadline;
        bool hasDeadline = false;
        Selector labels;
        Selector fields;
        bool table = false;
        bool finished = false;
        std::optional<BookmarkTimer> bookmarks;
    };
    auto st = std::make_shared<State>();
    st->labels = Selector::parseLabels(queryParam(req, "labelSelector"));
    st->fields = Selector::parseFields(queryParam(req, "fieldSelector"));
    st->table = wantsTable(req);
    const WatchOptions options = WatchOptions::parse([&req](const char *n) { return queryParam(req, n); });
    const auto start = std::chrono::steady_clock::now();
    if (options.timeout) {
        st->hasDeadline = true;
        st->deadline = start + *options.timeout;
    }
    st->bookmarks.emplace(options, start);
    const std::string &rv = options.resourceVersion;
    if (options.sendInitialEvents.value_or(rv.empty() || rv == "0")) {
        const auto items = ctx.store.list(r.type.key(), r.ns, &st->cursor);
        for (const auto &s : items) {
            if (!matches(*st, s->obj))
                continue;
            st->initial.push_back(eventLine(r, "ADDED", s->obj, textFor(r, s), st->table));
        }
        if (options.sendInitialEvents && options.allowBookmarks)
            st->initial.push_back(bookmarkLine(r.type.kind, r.type.groupVersion(), st->cursor, true));
    } else if (rv.empty()) {
        st->cursor = ctx.store.resourceVersion();
    } else {
        st->cursor = std::strtoull(rv.c_str(), nullptr, 10);
        const std::uint64_t now = ctx.store.resourceVersion();
        if (st->cursor > now)
            st->cursor = now;
    }
    const ApiRoute route = r;
    res.status = 200;
    res.set_chunked_content_provider(kJson, [&ctx = ctx, st, route](size_t, httplib::DataSink &sink) {
        if (st->finished) {
            sink.done();
            return true;
        }
        if (!st->initial.empty()) {
            std::string chunk;
            for (const auto &l : st->initial)
                chunk += l;
            st->initial.clear();
            return sink.write(chunk.data(), chunk.size());
        }
        if (ctx.store.isShutDown() || (st->hasDeadline && std::chrono::steady_clock::now() >= st->deadline)) {
            sink.done();
            return true;
        }
        if (st->bookmarks->due(std::chrono::steady_clock::now())) {
            const std::string line = bookmarkLine(route.type.kind, route.type.groupVersion(), st->cursor, false);
            return sink.write(line.data(), line.size());
        }
        std::vector<WatchEvent> events;
        std::uint64_t next = st->cursor;
        const bool ok = ctx.store.eventsAfter(st->cursor, route.type.key(), std::chrono::milliseconds(500), events, next);
        if (!ok) {
            const std::string line = tooOldLine(st->cursor, ctx.store.oldestEventRv() - 1);
            st->finished = true;
            return sink.write(line.data(), line.size());
        }
        st->cursor = next;
        std::string chunk;
        for (const auto &e : events) {
            if (route.hasNamespace && e.ns != route.ns)
                continue;
            if (!st->labels.empty() && !st->labels.matchesLabels(e.labels.is_object() ? e.labels : Json::object()))
                continue;
            if (!st->fields.empty()) {
                if (st->fields.onlyNameNamespace()) {
                    if (!st->fields.matchesNameNamespace(e.name, e.ns))
                        continue;
                } else if (!st->fields.matchesFields(Json::parse(*e.text))) {
                    continue;
                }
            }
            const bool sameVersion = e.text->find("\"apiVersion\":\"" + route.type.groupVersion() + "\"") != std::string::npos;
            if (st->table || !sameVersion) {
                const Json obj = Json::parse(*e.text);
                chunk += eventLine(route, e.type, obj, withVersion(route, obj).dump(), st->table);
            } else {
                chunk += R"({"type":")" + e.type + R"(","object":)" + *e.text + "}\n";
            }
        }
        if (chunk.empty())
            return true;
        return sink.write(chunk.data(), chunk.size());
    });
}

} // namespace bc::sandbox
