#include "infra/sandbox/api_handlers.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/api_tables.h"
#include "infra/sandbox/cluster_simulator.h"
#include "infra/sandbox/list_paging.h"
#include "infra/sandbox/selector.h"

#include <httplib.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bc::sandbox {

namespace {

constexpr const char *kJson = "application/json";

} // namespace

void serveObject(ApiContext &ctx, const httplib::Request &req, httplib::Response &res, const ApiRoute &r)
{
    const SnapshotPtr s = ctx.store.get(r.type.key(), r.ns, r.name);
    if (!s)
        throw notFoundError(r, r.name);
    if (r.sub == "scale")
        return sendJson(res, 200, scaleOf(s->obj));
    if (wantsTable(req))
        return sendJson(res, 200, objectTable(r, s->obj));
    sendText(res, 200, textFor(r, s));
}

void serveList(ApiContext &ctx, const httplib::Request &req, httplib::Response &res, const ApiRoute &r)
{
    const Selector labels = Selector::parseLabels(queryParam(req, "labelSelector"));
    const Selector fields = Selector::parseFields(queryParam(req, "fieldSelector"));
    const ListQuery query = ListQuery::parse([&req](const char *n) { return queryParam(req, n); },
                                             r.type.key() + "\n" + r.ns + "\n" + queryParam(req, "labelSelector") + "\n"
                                                 + queryParam(req, "fieldSelector"),
                                             !labels.empty() || !fields.empty());
    const ListPage page = ctx.pager.page(query, [&](std::uint64_t *listRv) {
        const auto items = ctx.store.list(r.type.key(), r.ns, listRv);
        std::vector<SnapshotPtr> kept;
        kept.reserve(items.size());
        for (const auto &s : items) {
            const Json &md = s->obj["metadata"];
            if (!labels.empty() && !labels.matchesLabels(md.contains("labels") ? md["labels"] : Json::object()))
                continue;
            if (!fields.empty() && !fields.matchesFields(s->obj))
                continue;
            kept.push_back(s);
        }
        return kept;
    });
    const std::vector<SnapshotPtr> &matched = page.items;
    if (wantsTable(req))
        return sendJson(res, 200, listTable(r, page, queryParam(req, "includeObject") == "Object"));
    // Streamed from the stored texts (no 60 MB copy at 30,000 pods), with a Content-Length.
    struct ListBody {
        std::vector<std::shared_ptr<const std::string>> parts;
        std::size_t part = 0;
        std::size_t pos = 0;
    };
    auto list = std::make_shared<ListBody>();
    list->parts.reserve(matched.size() * 2 + 2);
    list->parts.push_back(std::make_shared<const std::string>(
        R"({"kind":")" + r.type.listKind() + R"(","apiVersion":")" + r.type.groupVersion()
        + R"(","metadata":{)" + page.metadataMembers() + R"(},"items":[)"));
    static const auto comma = std::make_shared<const std::string>(",");
    std::size_t total = list->parts.front()->size() + 2;
    bool first = true;
    for (const auto &s : matched) {
        if (!first)
            list->parts.push_back(comma);
        first = false;
        const bool same = str(s->obj, "apiVersion") == r.type.groupVersion() && str(s->obj, "kind") == r.type.kind;
        list->parts.push_back(same ? s->text : std::make_shared<const std::string>(textFor(r, s)));
    }
    list->parts.push_back(std::make_shared<const std::string>("]}"));
    total = 0;
    for (const auto &part : list->parts)
        total += part->size();
    res.status = 200;
    res.set_content_provider(total, kJson, [list](size_t, size_t, httplib::DataSink &sink) {
        std::string chunk;
        chunk.reserve(256 * 1024);
        while (list->part < list->parts.size() && chunk.size() < 256 * 1024) {
            const std::string &p = *list->parts[list->part];
            const std::size_t n = std::min(p.size() - list->pos, 256 * 1024 - chunk.size());
            chunk.append(p, list->pos, n);
            list->pos += n;
            if (list->pos == p.size()) {
                ++list->part;
                list->pos = 0;
            }
        }
        return sink.write(chunk.data(), chunk.size());
    });
}

void serveMetrics(ApiContext &ctx, const httplib::Request &req, httplib::Response &res, const ApiRoute &r)
{
    const bool pods = r.type.resource == "pods";
    if (!r.name.empty()) {
        Json m = pods ? ctx.sim.podMetrics(r.ns, r.name) : ctx.sim.nodeMetrics(r.name);
        if (m.is_null())
            throw notFoundError(r, r.name);
        m["kind"] = pods ? "PodMetrics" : "NodeMetrics";
        m["apiVersion"] = "metrics.k8s.io/v1beta1";
        return sendJson(res, 200, m);
    }
    Json list = pods ? ctx.sim.podMetricsList(r.ns) : ctx.sim.nodeMetricsList();
    const Selector labels = Selector::parseLabels(queryParam(req, "labelSelector"));
    if (!labels.empty()) {
        Json kept = Json::array();
        for (auto &item : list["items"])
            if (labels.matchesLabels(item["metadata"].value("labels", Json::object())))
                kept.push_back(item);
        list["items"] = kept;
    }
    sendJson(res, 200, list);
}

} // namespace bc::sandbox
