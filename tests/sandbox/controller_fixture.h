#pragma once

// What a controller test builds: a real ObjectStore, the controllers' shared ClusterState and a
// ManualClock the test advances. Controllers are then driven by calling reconcile(clock->now()).

#include "infra/sandbox/cluster_state.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/sim_clock.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace bc::sandbox::test {

inline SimulatorOptions manualOptions(std::shared_ptr<ManualClock> clock)
{
    SimulatorOptions o;
    o.timeScale = 1.0;
    o.podStartDelay = 2.0;
    o.clock = std::move(clock);
    return o;
}

struct ControllerFixture {
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
    ObjectStore store;
    ClusterState state{store, manualOptions(clock)};

    SimClock::time_point now() const { return clock->now(); }
    void advance(std::chrono::milliseconds by) { clock->advance(by); }
    Json get(const char *key, const std::string &name, const std::string &ns = "default") const
    {
        const SnapshotPtr s = store.get(key, ns, name);
        return s ? s->obj : Json();
    }
    std::vector<Json> list(const char *key) const
    {
        std::vector<Json> out;
        for (const auto &s : store.list(key, "default"))
            out.push_back(s->obj);
        return out;
    }
    std::vector<Json> events(const std::string &reason) const
    {
        std::vector<Json> out;
        for (const auto &e : store.list("events", "default"))
            if (str(e->obj, "reason") == reason)
                out.push_back(e->obj);
        return out;
    }
};

inline Json container(const std::string &name, const std::string &cpu, const std::string &memory = "64Mi")
{
    return {{"name", name},
            {"image", "example/" + name},
            {"ports", {{{"containerPort", 8080}}}},
            {"resources", {{"requests", {{"cpu", cpu}, {"memory", memory}}}, {"limits", {{"cpu", cpu}, {"memory", memory}}}}}};
}

inline Json node(const std::string &name, const std::string &cpu, const std::string &memory = "8Gi")
{
    return {{"apiVersion", "v1"},
            {"kind", "Node"},
            {"metadata", {{"name", name}}},
            {"status",
             {{"allocatable", {{"cpu", cpu}, {"memory", memory}, {"pods", "110"}}},
              {"addresses", {{{"type", "InternalIP"}, {"address", "10.128.0." + std::to_string(name.size())}}}},
              {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
}

} // namespace bc::sandbox::test
