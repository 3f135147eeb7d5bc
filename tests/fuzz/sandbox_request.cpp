// The sandbox's whole request path in-process: routing (path and query), body decoding (JSON, YAML,
// protobuf), create/update/patch/apply/delete, Table output, then one pass of every controller over
// what was stored. Input: an HTTP request as text ("METHOD /path?query\r\nHeader: v\r\n\r\nbody").
// Every answer is a Status or an object; an empty or non-JSON error is a bug.
#include "infra/sandbox/api_server.h"
#include "infra/sandbox/cluster_simulator.h"
#include "infra/sandbox/crd_support.h"
#include "infra/sandbox/json.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/resource_registry.h"
#include "tests/fuzz/fuzz_input.h"

#include <httplib.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace {

using namespace bc::sandbox;

struct World {
    ObjectStore store;
    ResourceRegistry registry;
    ClusterSimulator simulator{store, registry, SimulatorOptions{}};
    ApiServer api{store, registry, simulator};

    World()
    {
        simulator.bootstrap();
        for (const Json &crd : bundledCrds())
            activateCrd(store, registry, store.create("customresourcedefinitions.apiextensions.k8s.io", crd)->obj);
    }
};

std::string percentDecode(std::string_view s)
{
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1]))
            && std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += char(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i] == '+' ? ' ' : s[i];
        }
    }
    return out;
}

std::string_view takeLine(std::string_view &in)
{
    const auto nl = in.find('\n');
    std::string_view line = in.substr(0, nl);
    in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    return line;
}

httplib::Request parseRequest(std::string_view in)
{
    httplib::Request req;
    std::string_view first = takeLine(in);
    const auto sp = first.find(' ');
    req.method = std::string(first.substr(0, sp));
    std::string_view target = sp == std::string_view::npos ? std::string_view() : first.substr(sp + 1);
    if (const auto space = target.find(' '); space != std::string_view::npos)
        target = target.substr(0, space); // " HTTP/1.1"
    const auto q = target.find('?');
    req.path = percentDecode(target.substr(0, q));
    std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const auto eq = pair.find('=');
        req.params.emplace(percentDecode(pair.substr(0, eq)),
                           eq == std::string_view::npos ? std::string() : percentDecode(pair.substr(eq + 1)));
        query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
    }
    for (std::string_view line = takeLine(in); !line.empty(); line = takeLine(in)) {
        const auto colon = line.find(':');
        if (colon == std::string_view::npos)
            continue;
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ')
            value.remove_prefix(1);
        req.set_header(std::string(line.substr(0, colon)), std::string(value));
    }
    req.body = std::string(in);
    return req;
}

std::unique_ptr<World> g_world;
int g_runs = 0;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_world || ++g_runs % 2000 == 0)
        g_world = std::make_unique<World>(); // bounded memory: what earlier inputs created goes

    const httplib::Request req = parseRequest(bc::fuzz::bytes(data, size));
    httplib::Response res;
    g_world->api.serve(req, res);
    g_world->simulator.reconcile(); // the controllers meet whatever the request stored
    if (res.content_provider_)
        return 0; // a watch or log stream: its body is produced later
    if (res.status >= 400 && res.body.empty()) {
        std::fprintf(stderr, "empty %d answer for %s %s\n", res.status, req.method.c_str(), req.path.c_str());
        std::abort();
    }
    if (res.status >= 400 && !Json::accept(res.body)) {
        std::fprintf(stderr, "error answer is not a Status for %s %s\n", req.method.c_str(), req.path.c_str());
        std::abort();
    }
    return 0;
}
