#include "infra/sandbox/table_printer.h"

#include <ctime>

namespace bc::sandbox {

namespace {
Json col(const char *name, const char *type = "string", int priority = 0, const char *format = "")
{
    return {{"name", name}, {"type", type}, {"format", format}, {"description", name}, {"priority", priority}};
}

std::string joinStrings(const std::vector<std::string> &v, const char *sep = ",")
{
    std::string out;
    for (size_t i = 0; i < v.size(); ++i)
        out += (i ? sep : "") + v[i];
    return out;
}

std::string selectorString(const Json &sel)
{
    std::vector<std::string> parts;
    const Json *ml = sel.contains("matchLabels") ? &sel["matchLabels"] : &sel;
    if (ml->is_object())
        for (auto it = ml->begin(); it != ml->end(); ++it)
            if (it->is_string())
                parts.push_back(it.key() + "=" + it->get<std::string>());
    return parts.empty() ? "<none>" : joinStrings(parts);
}

std::pair<std::string, std::string> containersImages(const Json &podSpec)
{
    std::vector<std::string> names, images;
    if (podSpec.contains("containers"))
        for (const auto &c : podSpec["containers"]) {
            names.push_back(str(c, "name"));
            images.push_back(str(c, "image"));
        }
    return {joinStrings(names), joinStrings(images)};
}

long long intAt(const Json &obj, const char *path)
{
    const Json *v = at(obj, path);
    return v && v->is_number() ? v->get<long long>() : 0;
}
} // namespace

// kubectl's Job columns: STATUS (Complete, Failed, Suspended, Running), COMPLETIONS, DURATION.
static Json jobRow(const Json &job, const std::string &ageCell)
{
    std::string status = "Running";
    if (const Json *conds = at(job, "status.conditions"); conds && conds->is_array())
        for (const Json &c : *conds)
            if (str(c, "status") == "True" && (str(c, "type") == "Complete" || str(c, "type") == "Failed"))
                status = str(c, "type");
    if (status == "Running" && at(job, "spec.suspend") && job["spec"]["suspend"] == true)
        status = "Suspended";
    const Json *completions = at(job, "spec.completions");
    const Json *succeeded = at(job, "status.succeeded");
    const std::string done = std::to_string(succeeded && succeeded->is_number_integer() ? succeeded->get<long long>() : 0);
    const Json *start = at(job, "status.startTime");
    const Json *end = at(job, "status.completionTime");
    std::string duration;
    if (start && start->is_string()) {
        const long long from = TablePrinter::parseTime(start->get<std::string>());
        const long long to = end && end->is_string() ? TablePrinter::parseTime(end->get<std::string>())
                                                     : static_cast<long long>(std::time(nullptr));
        const long long secs = std::max(0LL, to - from);
        duration = secs < 120 ? std::to_string(secs) + "s" : std::to_string(secs / 60) + "m";
    }
    const Json &spec = job.contains("spec") ? job["spec"] : Json::object();
    const auto [containers, images] = containersImages(at(spec, "template.spec") ? spec["template"]["spec"] : Json::object());
    return {str(job["metadata"], "name"), status,
            done + "/" + (completions && completions->is_number_integer() ? std::to_string(completions->get<long long>()) : "1"),
            duration, ageCell, containers, images, spec.contains("selector") ? selectorString(spec["selector"]) : "<none>"};
}

long long TablePrinter::parseTime(const std::string &s)
{
    std::tm tm{};
    if (!strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm))
        return -1;
    return static_cast<long long>(timegm(&tm));
}

std::string TablePrinter::age(const std::string &rfc3339)
{
    const long long t = parseTime(rfc3339);
    if (t < 0)
        return "<unknown>";
    const long long seconds = static_cast<long long>(std::time(nullptr)) - t;
    if (seconds < -1)
        return "<invalid>";
    if (seconds < 0)
        return "0s";
    if (seconds < 120)
        return std::to_string(seconds) + "s";
    const long long minutes = seconds / 60;
    if (minutes < 10) {
        const long long s = seconds % 60;
        return std::to_string(minutes) + "m" + (s ? std::to_string(s) + "s" : "");
    }
    if (minutes < 180)
        return std::to_string(minutes) + "m";
    const long long hours = minutes / 60;
    if (hours < 8) {
        const long long m = minutes % 60;
        return std::to_string(hours) + "h" + (m ? std::to_string(m) + "m" : "");
    }
    if (hours < 48)
        return std::to_string(hours) + "h";
    if (hours < 24 * 8) {
        const long long h = hours % 24;
        return std::to_string(hours / 24) + "d" + (h ? std::to_string(h) + "h" : "");
    }
    if (hours < 24 * 365 * 2)
        return std::to_string(hours / 24) + "d";
    return std::to_string(hours / 24 / 365) + "y";
}

std::string TablePrinter::podStatus(const Json &pod)
{
    std::string reason = str(pod["status"], "phase");
    if (!str(pod["status"], "reason").empty())
        reason = str(pod["status"], "reason");
    const Json *init = at(pod, "status.initContainerStatuses");
    bool initializing = false;
    if (init && init->is_array()) {
        int done = 0;
        for (const auto &cs : *init) {
            if (at(cs, "state.terminated") && intAt(cs, "state.terminated.exitCode") == 0) {
                ++done;
                continue;
            }
            initializing = true;
            const Json *w = at(cs, "state.waiting");
            if (w && !str(*w, "reason").empty() && str(*w, "reason") != "PodInitializing")
                reason = "Init:" + str(*w, "reason");
            else
                reason = "Init:" + std::to_string(done) + "/" + std::to_string(init->size());
            break;
        }
    }
    if (!initializing) {
        const Json *cs = at(pod, "status.containerStatuses");
        if (cs && cs->is_array())
            for (const auto &c : *cs) {
                if (const Json *w = at(c, "state.waiting"); w && !str(*w, "reason").empty())
                    reason = str(*w, "reason");
                else if (const Json *t = at(c, "state.terminated"); t && !str(*t, "reason").empty())
                    reason = str(*t, "reason");
            }
    }
    if (at(pod, "metadata.deletionTimestamp"))
        reason = "Terminating";
    return reason;
}

Json TablePrinter::columns(const ResourceType &type)
{
    const std::string &r = type.resource;
    if (type.group.empty() && r == "pods")
        return {col("Name", "string", 0, "name"), col("Ready"), col("Status"), col("Restarts"), col("Age"),
                col("IP", "string", 1), col("Node", "string", 1), col("Nominated Node", "string", 1),
                col("Readiness Gates", "string", 1)};
    if (type.group == "apps" && r == "deployments")
        return {col("Name", "string", 0, "name"), col("Ready"), col("Up-to-date", "integer"),
                col("Available", "integer"), col("Age"), col("Containers", "string", 1),
                col("Images", "string", 1), col("Selector", "string", 1)};
    if (type.group == "apps" && r == "replicasets")
        return {col("Name", "string", 0, "name"), col("Desired", "integer"), col("Current", "integer"),
                col("Ready", "integer"), col("Age"), col("Containers", "string", 1), col("Images", "string", 1),
                col("Selector", "string", 1)};
    if (type.group == "batch" && r == "jobs")
        return {col("Name", "string", 0, "name"), col("Status"), col("Completions"), col("Duration"), col("Age"),
                col("Containers", "string", 1), col("Images", "string", 1), col("Selector", "string", 1)};
    if (type.group.empty() && r == "services")
        return {col("Name", "string", 0, "name"), col("Type"), col("Cluster-IP"), col("External-IP"),
                col("Port(s)"), col("Age"), col("Selector", "string", 1)};
    if (type.group.empty() && r == "endpoints")
        return {col("Name", "string", 0, "name"), col("Endpoints"), col("Age")};
    if (type.group.empty() && r == "namespaces")
        return {col("Name", "string", 0, "name"), col("Status"), col("Age")};
    if (type.group.empty() && r == "nodes")
        return {col("Name", "string", 0, "name"), col("Status"), col("Roles"), col("Age"), col("Version"),
                col("Internal-IP", "string", 1), col("External-IP", "string", 1), col("OS-Image", "string", 1),
                col("Kernel-Version", "string", 1), col("Container-Runtime", "string", 1)};
    if (type.group.empty() && r == "configmaps")
        return {col("Name", "string", 0, "name"), col("Data", "integer"), col("Age")};
    if (type.group.empty() && r == "secrets")
        return {col("Name", "string", 0, "name"), col("Type"), col("Data", "integer"), col("Age")};
    if (type.group.empty() && r == "serviceaccounts")
        return {col("Name", "string", 0, "name"), col("Secrets", "integer"), col("Age")};
    if (type.group.empty() && r == "events")
        return {col("Last Seen"), col("Type"), col("Reason"), col("Object"), col("Message"),
                col("Name", "string", 1, "name")};
    if (r == "customresourcedefinitions")
        return {col("Name", "string", 0, "name"), col("Created At", "date")};
    return {col("Name", "string", 0, "name"), col("Age")};
}

Json TablePrinter::row(const ResourceType &type, const Json &obj)
{
    const Json &md = obj["metadata"];
    const std::string name = str(md, "name");
    const std::string ageCell = age(str(md, "creationTimestamp"));
    const std::string &r = type.resource;
    Json cells = Json::array();
    if (type.group.empty() && r == "pods") {
        int ready = 0, total = 0;
        long long restarts = 0;
        if (const Json *cs = at(obj, "status.containerStatuses"); cs && cs->is_array())
            for (const auto &c : *cs) {
                ready += c.value("ready", false) ? 1 : 0;
                restarts += c.value("restartCount", 0LL);
            }
        if (const Json *cs = at(obj, "spec.containers"); cs && cs->is_array())
            total = static_cast<int>(cs->size());
        const std::string ip = str(obj["status"], "podIP");
        const std::string node = str(obj["spec"], "nodeName");
        cells = {name,
                 std::to_string(ready) + "/" + std::to_string(total),
                 podStatus(obj),
                 restarts,
                 ageCell,
                 ip.empty() ? "<none>" : ip,
                 node.empty() ? "<none>" : node,
                 "<none>",
                 "<none>"};
    } else if (type.group == "apps" && (r == "deployments" || r == "replicasets")) {
        const Json &spec = obj.contains("spec") ? obj["spec"] : Json::object();
        const auto [containers, images] = containersImages(spec.contains("template") && spec["template"].contains("spec")
                                                               ? spec["template"]["spec"]
                                                               : Json::object());
        const long long want = spec.contains("replicas") ? spec["replicas"].get<long long>() : 1;
        const std::string sel = spec.contains("selector") ? selectorString(spec["selector"]) : "<none>";
        if (r == "deployments")
            cells = {name,
                     std::to_string(intAt(obj, "status.readyReplicas")) + "/" + std::to_string(want),
                     intAt(obj, "status.updatedReplicas"),
                     intAt(obj, "status.availableReplicas"),
                     ageCell,
                     containers,
                     images,
                     sel};
        else
            cells = {name, want, intAt(obj, "status.replicas"), intAt(obj, "status.readyReplicas"), ageCell,
                     containers, images, sel};
    } else if (type.group == "batch" && r == "jobs") {
        cells = jobRow(obj, ageCell);
    } else if (type.group.empty() && r == "services") {
        const Json &spec = obj["spec"];
        const std::string svcType = spec.contains("type") ? str(spec, "type") : "ClusterIP";
        std::string external = "<none>";
        if (svcType == "LoadBalancer") {
            external = "<pending>";
            if (const Json *ing = at(obj, "status.loadBalancer.ingress"); ing && ing->is_array() && !ing->empty()) {
                std::vector<std::string> ips;
                for (const auto &i : *ing)
                    ips.push_back(str(i, "ip").empty() ? str(i, "hostname") : str(i, "ip"));
                external = joinStrings(ips);
            }
        }
        std::vector<std::string> ports;
        if (spec.contains("ports"))
            for (const auto &p : spec["ports"]) {
                std::string s = std::to_string(p.value("port", 0));
                if (p.contains("nodePort") && svcType != "ClusterIP")
                    s += ":" + std::to_string(p.value("nodePort", 0));
                s += "/" + (p.contains("protocol") ? str(p, "protocol") : std::string("TCP"));
                ports.push_back(s);
            }
        const std::string cip = str(spec, "clusterIP");
        cells = {name,
                 svcType,
                 cip.empty() ? "<none>" : cip,
                 external,
                 ports.empty() ? "<none>" : joinStrings(ports),
                 ageCell,
                 spec.contains("selector") ? selectorString(spec["selector"]) : "<none>"};
    } else if (type.group.empty() && r == "endpoints") {
        std::vector<std::string> eps;
        if (obj.contains("subsets"))
            for (const auto &s : obj["subsets"]) {
                if (!s.contains("addresses"))
                    continue;
                for (const auto &a : s["addresses"]) {
                    if (s.contains("ports") && !s["ports"].empty())
                        for (const auto &p : s["ports"])
                            eps.push_back(str(a, "ip") + ":" + std::to_string(p.value("port", 0)));
                    else
                        eps.push_back(str(a, "ip"));
                }
            }
        std::string text;
        for (size_t i = 0; i < eps.size() && i < 3; ++i)
            text += (i ? "," : "") + eps[i];
        if (eps.size() > 3)
            text += " + " + std::to_string(eps.size() - 3) + " more...";
        cells = {name, eps.empty() ? "<none>" : text, ageCell};
    } else if (type.group.empty() && r == "namespaces") {
        cells = {name, at(obj, "status.phase") ? str(obj["status"], "phase") : "Active", ageCell};
    } else if (type.group.empty() && r == "nodes") {
        std::string status = "Unknown";
        if (const Json *cs = at(obj, "status.conditions"); cs && cs->is_array())
            for (const auto &c : *cs)
                if (str(c, "type") == "Ready")
                    status = str(c, "status") == "True" ? "Ready" : "NotReady";
        std::string internal = "<none>";
        if (const Json *as = at(obj, "status.addresses"); as && as->is_array())
            for (const auto &a : *as)
                if (str(a, "type") == "InternalIP")
                    internal = str(a, "address");
        const Json *ni = at(obj, "status.nodeInfo");
        cells = {name, status, "<none>", ageCell, ni ? str(*ni, "kubeletVersion") : "", internal, "<none>",
                 ni ? str(*ni, "osImage") : "", ni ? str(*ni, "kernelVersion") : "",
                 ni ? str(*ni, "containerRuntimeVersion") : ""};
    } else if (type.group.empty() && r == "configmaps") {
        size_t n = 0;
        for (const char *f : {"data", "binaryData"})
            if (obj.contains(f) && obj[f].is_object())
                n += obj[f].size();
        cells = {name, n, ageCell};
    } else if (type.group.empty() && r == "secrets") {
        size_t n = obj.contains("data") && obj["data"].is_object() ? obj["data"].size() : 0;
        cells = {name, obj.contains("type") ? str(obj, "type") : "Opaque", n, ageCell};
    } else if (type.group.empty() && r == "serviceaccounts") {
        cells = {name, obj.contains("secrets") && obj["secrets"].is_array() ? obj["secrets"].size() : 0, ageCell};
    } else if (type.group.empty() && r == "events") {
        const std::string last = !str(obj, "lastTimestamp").empty() ? str(obj, "lastTimestamp")
                                                                    : str(md, "creationTimestamp");
        const Json &io = obj.contains("involvedObject") ? obj["involvedObject"] : Json::object();
        std::string kind = str(io, "kind");
        std::transform(kind.begin(), kind.end(), kind.begin(), ::tolower);
        cells = {age(last), str(obj, "type"), str(obj, "reason"), kind + "/" + str(io, "name"), str(obj, "message"),
                 name};
    } else if (r == "customresourcedefinitions") {
        cells = {name, str(md, "creationTimestamp")};
    } else {
        cells = {name, ageCell};
    }
    Json partial = {{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", md}};
    return {{"cells", std::move(cells)}, {"object", std::move(partial)}};
}

Json TablePrinter::table(const ResourceType &type, const std::vector<const Json *> &objects,
                         const std::string &resourceVersion)
{
    Json rows = Json::array();
    for (const Json *o : objects)
        rows.push_back(row(type, *o));
    return {{"kind", "Table"},
            {"apiVersion", "meta.k8s.io/v1"},
            {"metadata", {{"resourceVersion", resourceVersion}}},
            {"columnDefinitions", columns(type)},
            {"rows", std::move(rows)}};
}

} // namespace bc::sandbox
