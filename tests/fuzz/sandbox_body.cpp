// Body decoding alone: a body POSTed as a dry run to a collection. Input: the Content-Type on the
// first line, then the body as a client sends it. A body that cannot be decoded is a 4xx Status.
#include "infra/sandbox/api_server.h"
#include "infra/sandbox/cluster_simulator.h"
#include "infra/sandbox/json.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/resource_registry.h"
#include "tests/fuzz/fuzz_input.h"

#include <httplib.h>

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace bc::sandbox;
    static ObjectStore store;
    static ResourceRegistry registry;
    static ClusterSimulator simulator{store, registry, SimulatorOptions{}};
    static ApiServer api{store, registry, simulator};
    static const bool booted = (simulator.bootstrap(), true);
    (void)booted;
    static const char *const kPaths[] = {"/api/v1/namespaces/default/configmaps",
                                         "/apis/apps/v1/namespaces/default/deployments",
                                         "/api/v1/namespaces/default/services", "/api/v1/namespaces/default/secrets"};

    std::string_view in = bc::fuzz::bytes(data, size);
    const auto nl = in.find('\n');
    httplib::Request req;
    req.method = "POST";
    req.path = kPaths[size % 4];
    req.params.emplace("dryRun", "All"); // decode and validate, store nothing
    req.set_header("Content-Type", std::string(in.substr(0, nl)));
    req.body = nl == std::string_view::npos ? std::string() : std::string(in.substr(nl + 1));
    httplib::Response res;
    api.serve(req, res);
    if (res.status >= 500 || (res.status >= 400 && !Json::accept(res.body))) {
        std::fprintf(stderr, "answer %d is not a client Status: %s\n", res.status, res.body.c_str());
        std::abort();
    }
    return 0;
}
