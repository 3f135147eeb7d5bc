#include "infra/sandbox/controller_support.h"

#include "infra/sandbox/object_store.h"
#include "infra/sandbox/quantity.h"
#include "infra/sandbox/resource_registry.h"

#include <algorithm>
#include <random>

namespace bc::sandbox::sim {

std::string randomSuffix(int n)
{
    static const char *alnum = "bcdfghjklmnpqrstvwxz2456789";
    thread_local std::mt19937 rng{std::random_device{}()};
    std::string s;
    for (int i = 0; i < n; ++i)
        s += alnum[rng() % 27];
    return s;
}

double random01()
{
    thread_local std::mt19937 rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0, 1)(rng);
}

bool isOwnedBy(const Json &obj, const std::string &uid)
{
    const Json *refs = at(obj, "metadata.ownerReferences");
    if (!refs || !refs->is_array())
        return false;
    return std::any_of(refs->begin(), refs->end(), [&](const Json &r) { return str(r, "uid") == uid; });
}

bool terminating(const Json &obj)
{
    return at(obj, "metadata.deletionTimestamp") != nullptr;
}

bool podReady(const Json &pod)
{
    if (terminating(pod))
        return false;
    if (const Json *cs = at(pod, "status.conditions"); cs && cs->is_array())
        for (const auto &c : *cs)
            if (str(c, "type") == "Ready")
                return str(c, "status") == "True";
    return false;
}

long long intAt(const Json &obj, const char *path, long long dflt)
{
    const Json *v = at(obj, path);
    return v && v->is_number() ? v->get<long long>() : dflt;
}

Requests podRequests(const Json &pod)
{
    Requests r;
    if (const Json *cs = at(pod, "spec.containers"); cs && cs->is_array())
        for (const auto &c : *cs) {
            const Json *req = at(c, "resources.requests");
            const Json *lim = at(c, "resources.limits");
            auto pick = [&](const char *k) {
                if (req && req->contains(k))
                    return quantityOf((*req)[k]);
                if (lim && lim->contains(k))
                    return quantityOf((*lim)[k]);
                return 0.0;
            };
            r.cpu += pick("cpu");
            r.memory += pick("memory");
        }
    return r;
}

Requests podLimits(const Json &pod)
{
    Requests r;
    if (const Json *cs = at(pod, "spec.containers"); cs && cs->is_array())
        for (const auto &c : *cs) {
            const Json *lim = at(c, "resources.limits");
            r.cpu += lim && lim->contains("cpu") ? quantityOf((*lim)["cpu"]) : 0;
            r.memory += lim && lim->contains("memory") ? quantityOf((*lim)["memory"]) : 0;
        }
    return r;
}

Json condition(const std::string &type, bool status, const std::string &now, const std::string &reason,
               const std::string &message)
{
    Json c = {{"type", type}, {"status", status ? "True" : "False"}, {"lastProbeTime", nullptr},
              {"lastTransitionTime", now}};
    if (!reason.empty())
        c["reason"] = reason;
    if (!message.empty())
        c["message"] = message;
    return c;
}

void setConditions(Json &status, Json conditions)
{
    const Json old = status.contains("conditions") ? status["conditions"] : Json::array();
    for (auto &c : conditions) {
        for (const auto &o : old) {
            if (str(o, "type") == str(c, "type") && str(o, "status") == str(c, "status")
                && str(o, "reason") == str(c, "reason")) {
                for (const char *f : {"lastTransitionTime", "lastUpdateTime", "lastProbeTime"})
                    if (o.contains(f))
                        c[f] = o[f];
            }
        }
    }
    status["conditions"] = std::move(conditions);
}

const ResourceType &podType()
{
    static const ResourceType t = [] {
        ResourceType p;
        p.version = "v1";
        p.resource = "pods";
        p.kind = "Pod";
        return p;
    }();
    return t;
}

std::string timeNow()
{
    return ObjectStore::now();
}

} // namespace bc::sandbox::sim
