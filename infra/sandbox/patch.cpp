#include "infra/sandbox/patch.h"

#include "infra/sandbox/api_error.h"

#include <algorithm>
#include <set>

namespace bc::sandbox {

namespace {

// Merge key of a list field, or "" when the list is atomic (replaced as a whole).
std::string mergeKey(const std::string &field, const Json &sample)
{
    static const std::set<std::string> byName = {
        "containers", "initContainers", "ephemeralContainers", "env", "volumes", "imagePullSecrets",
        "hostAliases_", "readinessGates_"};
    if (byName.count(field))
        return "name";
    if (field == "ports") {
        if (sample.is_object() && sample.contains("containerPort"))
            return "containerPort";
        return "port";
    }
    if (field == "volumeMounts" || field == "volumeDevices")
        return field == "volumeMounts" ? "mountPath" : "devicePath";
    if (field == "conditions")
        return "type";
    if (field == "ownerReferences")
        return "uid";
    if (field == "topologySpreadConstraints")
        return "topologyKey";
    return {};
}

bool isPrimitiveMergeList(const std::string &field)
{
    return field == "finalizers";
}

Json mergeValue(const std::string &field, const Json &orig, const Json &patch);

Json mergeObject(const Json &orig, const Json &patch)
{
    Json out = orig.is_object() ? orig : Json::object();
    if (patch.is_object() && patch.contains("$patch")) {
        const std::string p = str(patch, "$patch");
        if (p == "replace") {
            Json r = patch;
            r.erase("$patch");
            return mergeObject(Json::object(), r);
        }
        if (p == "delete")
            return Json(); // caller removes
    }
    // $retainKeys: drop keys not listed.
    if (patch.contains("$retainKeys") && patch["$retainKeys"].is_array()) {
        std::set<std::string> keep;
        for (const auto &k : patch["$retainKeys"])
            if (k.is_string())
                keep.insert(k.get<std::string>());
        Json kept = Json::object();
        for (auto it = out.begin(); it != out.end(); ++it)
            if (keep.count(it.key()))
                kept[it.key()] = it.value();
        out = std::move(kept);
    }
    for (auto it = patch.begin(); it != patch.end(); ++it) {
        const std::string &k = it.key();
        if (k == "$patch" || k == "$retainKeys" || k.rfind("$setElementOrder/", 0) == 0)
            continue;
        if (k.rfind("$deleteFromPrimitiveList/", 0) == 0) {
            const std::string field = k.substr(25);
            if (out.contains(field) && out[field].is_array() && it->is_array()) {
                Json kept = Json::array();
                for (const auto &v : out[field])
                    if (std::find(it->begin(), it->end(), v) == it->end())
                        kept.push_back(v);
                out[field] = kept;
            }
            continue;
        }
        if (it->is_null()) {
            out.erase(k);
            continue;
        }
        const Json cur = out.contains(k) ? out[k] : Json();
        Json merged = mergeValue(k, cur, *it);
        if (merged.is_null() && it->is_object() && str(*it, "$patch") == "delete")
            out.erase(k);
        else
            out[k] = std::move(merged);
    }
    // $setElementOrder: reorder merged lists as listed.
    for (auto it = patch.begin(); it != patch.end(); ++it) {
        if (it.key().rfind("$setElementOrder/", 0) != 0 || !it->is_array())
            continue;
        const std::string field = it.key().substr(17);
        if (!out.contains(field) || !out[field].is_array() || it->empty())
            continue;
        const std::string key = mergeKey(field, (*it)[0]);
        Json ordered = Json::array();
        Json rest = out[field];
        for (const auto &want : *it) {
            for (auto e = rest.begin(); e != rest.end(); ++e) {
                const bool same = key.empty() ? *e == want
                                              : (e->is_object() && want.is_object() && e->contains(key)
                                                 && want.contains(key) && (*e)[key] == want[key]);
                if (same) {
                    ordered.push_back(*e);
                    rest.erase(e);
                    break;
                }
            }
        }
        for (auto &e : rest)
            ordered.push_back(e);
        out[field] = ordered;
    }
    return out;
}

Json stripDirectives(const Json &v)
{
    if (v.is_object()) {
        Json out = Json::object();
        for (auto it = v.begin(); it != v.end(); ++it) {
            if (!it.key().empty() && it.key()[0] == '$')
                continue;
            if (!it->is_null())
                out[it.key()] = stripDirectives(*it);
        }
        return out;
    }
    if (v.is_array()) {
        Json out = Json::array();
        for (const auto &e : v)
            if (!(e.is_object() && str(e, "$patch") == "delete"))
                out.push_back(stripDirectives(e));
        return out;
    }
    return v;
}

Json mergeList(const std::string &field, const Json &orig, const Json &patch)
{
    if (isPrimitiveMergeList(field) && orig.is_array()) {
        Json out = orig;
        for (const auto &v : patch)
            if (std::find(out.begin(), out.end(), v) == out.end())
                out.push_back(v);
        return out;
    }
    // {"$patch":"replace"} element: replace the whole list with the other elements.
    for (const auto &e : patch)
        if (e.is_object() && str(e, "$patch") == "replace") {
            Json out = Json::array();
            for (const auto &x : patch)
                if (!(x.is_object() && x.contains("$patch")))
                    out.push_back(stripDirectives(x));
            return out;
        }
    const std::string key = patch.empty() ? std::string() : mergeKey(field, patch[0]);
    if (key.empty() || !orig.is_array())
        return stripDirectives(patch);
    Json out = orig;
    for (const auto &pe : patch) {
        if (!pe.is_object() || !pe.contains(key)) {
            out.push_back(stripDirectives(pe));
            continue;
        }
        auto match = std::find_if(out.begin(), out.end(), [&](const Json &e) {
            return e.is_object() && e.contains(key) && e[key] == pe[key];
        });
        if (str(pe, "$patch") == "delete") {
            if (match != out.end())
                out.erase(match);
            continue;
        }
        if (match == out.end())
            out.push_back(stripDirectives(pe));
        else
            *match = mergeObject(*match, pe);
    }
    return out;
}

Json mergeValue(const std::string &field, const Json &orig, const Json &patch)
{
    if (patch.is_object())
        return orig.is_object() ? mergeObject(orig, patch) : stripDirectives(mergeObject(Json::object(), patch));
    if (patch.is_array())
        return mergeList(field, orig, patch);
    return patch;
}

// Fields present in `previous` but missing from `applied` become nulls (deletions), recursively;
// lists with merge keys remove the elements no longer applied.
Json removalPatch(const std::string &field, const Json &previous, const Json &applied)
{
    if (previous.is_object() && applied.is_object()) {
        Json out = Json::object();
        for (auto it = previous.begin(); it != previous.end(); ++it) {
            if (!applied.contains(it.key())) {
                out[it.key()] = nullptr;
            } else {
                Json sub = removalPatch(it.key(), *it, applied[it.key()]);
                if (!sub.is_null() && !(sub.is_object() && sub.empty()))
                    out[it.key()] = sub;
            }
        }
        return out;
    }
    if (previous.is_array() && applied.is_array() && !previous.empty()) {
        const std::string key = mergeKey(field, previous[0]);
        if (key.empty())
            return Json();
        Json out = Json::array();
        for (const auto &pe : previous) {
            if (!pe.is_object() || !pe.contains(key))
                continue;
            const bool still = std::any_of(applied.begin(), applied.end(), [&](const Json &a) {
                return a.is_object() && a.contains(key) && a[key] == pe[key];
            });
            if (!still)
                out.push_back(Json{{key, pe[key]}, {"$patch", "delete"}});
        }
        return out.empty() ? Json() : out;
    }
    return Json();
}

void applyRemovals(Json &target, const Json &removal)
{
    if (!target.is_object() || !removal.is_object())
        return;
    for (auto it = removal.begin(); it != removal.end(); ++it) {
        if (it->is_null()) {
            target.erase(it.key());
        } else if (it->is_object() && target.contains(it.key())) {
            applyRemovals(target[it.key()], *it);
        } else if (it->is_array() && target.contains(it.key()) && target[it.key()].is_array()) {
            target[it.key()] = mergeList(it.key(), target[it.key()], *it);
        }
    }
}

} // namespace

Json strategicMerge(const Json &original, const Json &patch)
{
    if (!patch.is_object())
        throw ApiError::badRequest("strategic merge patch must be a JSON object");
    return mergeObject(original, patch);
}

Json mergePatch(const Json &original, const Json &patch)
{
    Json out = original;
    out.merge_patch(patch);
    return out;
}

Json jsonPatch(const Json &original, const Json &ops)
{
    if (!ops.is_array())
        throw ApiError::badRequest("json patch must be a JSON array of operations");
    try {
        return original.patch(ops);
    } catch (const std::exception &e) {
        throw ApiError::invalid(std::string("the server rejected our request due to an error in our request: ")
                                + e.what());
    }
}

Json serverSideApply(const Json &live, const Json &previous, const Json &applied)
{
    Json out = live;
    if (previous.is_object()) {
        Json removal = removalPatch("", previous, applied);
        if (removal.is_object()) {
            removal.erase("apiVersion");
            removal.erase("kind");
            if (removal.contains("metadata") && removal["metadata"].is_object())
                for (const char *f : {"name", "namespace", "uid", "resourceVersion"})
                    removal["metadata"].erase(f);
            applyRemovals(out, removal);
        }
    }
    return mergeObject(out, applied);
}

} // namespace bc::sandbox
