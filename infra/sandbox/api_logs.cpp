#include "infra/sandbox/api_handlers.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/cluster_simulator.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace bc::sandbox {

void serveLog(ApiContext &ctx, const httplib::Request &req, httplib::Response &res, const ApiRoute &r)
{
    const SnapshotPtr pod = ctx.store.get("pods", r.ns, r.name);
    if (!pod)
        throw notFoundError(r, r.name);
    std::string container = queryParam(req, "container");
    const Json &containers = pod->obj["spec"]["containers"];
    if (container.empty()) {
        if (containers.size() != 1) {
            std::string names;
            for (const auto &c : containers)
                names += (names.empty() ? "" : " ") + str(c, "name");
            throw ApiError::badRequest("a container name must be specified for pod " + r.name
                                       + ", choose one of: [" + names + "]");
        }
        container = str(containers[0], "name");
    }
    bool valid = false;
    for (const char *list : {"containers", "initContainers"})
        if (pod->obj["spec"].contains(list))
            for (const auto &c : pod->obj["spec"][list])
                valid = valid || str(c, "name") == container;
    if (!valid)
        throw ApiError::badRequest("container " + container + " is not valid for pod " + r.name);
    if (const std::string phase = str(pod->obj["status"], "phase");
        phase != "Running" && phase != "Succeeded" && phase != "Failed")
        throw ApiError::badRequest("container \"" + container + "\" in pod \"" + r.name
                                   + "\" is waiting to start: ContainerCreating");
    std::vector<std::string> lines;
    bool ended = false, known = false;
    std::size_t next = ctx.sim.readLog(r.ns, r.name, container, 0, lines, ended, known);
    const std::string tail = queryParam(req, "tailLines");
    if (!tail.empty()) {
        const long long n = std::max(0LL, std::atoll(tail.c_str()));
        if (static_cast<long long>(lines.size()) > n)
            lines.erase(lines.begin(), lines.end() - n);
    }
    std::string text;
    for (const auto &l : lines)
        text += l + "\n";
    if (!boolParam(req, "follow")) {
        res.status = 200;
        res.set_content(text, "text/plain");
        return;
    }
    struct State {
        std::string pending;
        std::size_t next;
    };
    auto state = std::make_shared<State>(State{text, next});
    const std::string ns = r.ns, name = r.name;
    res.status = 200;
    res.set_chunked_content_provider("text/plain", [&ctx = ctx, state, ns, name, container](size_t, httplib::DataSink &sink) {
        if (!state->pending.empty()) {
            const bool ok = sink.write(state->pending.data(), state->pending.size());
            state->pending.clear();
            return ok;
        }
        if (ctx.store.isShutDown()) {
            sink.done();
            return true;
        }
        std::vector<std::string> more;
        bool gone = false, exists = false;
        state->next = ctx.sim.readLog(ns, name, container, state->next, more, gone, exists);
        if (more.empty()) {
            if (gone) {
                sink.done();
                return true;
            }
            ctx.sim.waitLog(std::chrono::milliseconds(500));
            return true;
        }
        std::string chunk;
        for (const auto &l : more)
            chunk += l + "\n";
        return sink.write(chunk.data(), chunk.size());
    });
}

} // namespace bc::sandbox
