#include "infra/sandbox/rollout_history.h"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace bc::sandbox::rollout {

namespace {

long long number(const Json &obj, const char *a, const char *b)
{
    const Json *v = at(obj, std::string(a) + "." + b);
    return v && v->is_number_integer() ? v->get<long long>() : 0;
}

// A typed object has no nulls: `creationTimestamp: null` (what kubectl's `rollout undo` patch carries)
// and a missing member are the same.
void dropNulls(Json &j)
{
    if (j.is_object()) {
        for (auto it = j.begin(); it != j.end();) {
            if (it->is_null()) {
                it = j.erase(it);
            } else {
                dropNulls(*it);
                ++it;
            }
        }
    } else if (j.is_array()) {
        for (auto &e : j)
            dropNulls(e);
    }
}

// Key order does not matter to the API server: compare as sorted JSON.
nlohmann::json canonical(Json tmpl)
{
    dropNulls(tmpl);
    if (Json *labels = tmpl.is_object() && tmpl.contains("metadata") ? &tmpl["metadata"] : nullptr;
        labels && labels->is_object() && labels->contains("labels") && (*labels)["labels"].is_object()) {
        (*labels)["labels"].erase("pod-template-hash");
        if ((*labels)["labels"].empty())
            labels->erase("labels");
    }
    return nlohmann::json(tmpl);
}

} // namespace

long long revisionOf(const Json &rs)
{
    const Json *ann = at(rs, "metadata.annotations");
    if (!ann || !ann->is_object())
        return 0;
    return std::atoll(str(*ann, kRevision).c_str());
}

const Json *matchingTemplate(const std::vector<const Json *> &owned, const Json &deploymentTemplate)
{
    const nlohmann::json want = canonical(deploymentTemplate);
    for (const Json *rs : owned) {
        const Json *tmpl = at(*rs, "spec.template");
        if (tmpl && at(*rs, "metadata.deletionTimestamp") == nullptr && canonical(*tmpl) == want)
            return rs;
    }
    return nullptr;
}

bool setRevision(Json &rs, long long revision)
{
    const long long old = revisionOf(rs);
    if (old == revision)
        return false;
    Json &ann = rs["metadata"]["annotations"];
    if (old > 0) {
        std::string history = str(ann, kRevisionHistory);
        ann[kRevisionHistory] = history.empty() ? std::to_string(old) : history + "," + std::to_string(old);
    }
    ann[kRevision] = std::to_string(revision);
    return true;
}

std::vector<std::string> beyondHistoryLimit(const std::vector<const Json *> &owned, const Json *current,
                                            long long historyLimit)
{
    std::vector<const Json *> old;
    for (const Json *rs : owned)
        if (rs != current && at(*rs, "metadata.deletionTimestamp") == nullptr && number(*rs, "spec", "replicas") == 0
            && number(*rs, "status", "replicas") == 0 && at(*rs, "spec.replicas") != nullptr)
            old.push_back(rs);
    std::vector<std::string> names;
    const long long limit = std::max(0LL, historyLimit);
    if (static_cast<long long>(old.size()) <= limit)
        return names;
    std::sort(old.begin(), old.end(), [](const Json *a, const Json *b) { return revisionOf(*a) < revisionOf(*b); });
    for (std::size_t i = 0; i < old.size() - static_cast<std::size_t>(limit); ++i)
        names.push_back(str((*old[i])["metadata"], "name"));
    return names;
}

} // namespace bc::sandbox::rollout
