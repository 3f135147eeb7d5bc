#include "infra/sandbox/job_controller.h"

#include "infra/sandbox/api_error.h"

#include <map>

namespace bc::sandbox {

namespace {

constexpr const char *kJobs = "jobs.batch";
constexpr const char *kPods = "pods";
constexpr const char *kControllerUid = "batch.kubernetes.io/controller-uid";
constexpr const char *kJobName = "batch.kubernetes.io/job-name";

long long integer(const Json &obj, const char *path, long long dflt)
{
    const Json *v = at(obj, path);
    return v && v->is_number_integer() ? v->get<long long>() : dflt;
}

bool ownedBy(const Json &pod, const std::string &uid)
{
    const Json *refs = at(pod, "metadata.ownerReferences");
    if (!refs || !refs->is_array())
        return false;
    for (const Json &r : *refs)
        if (str(r, "uid") == uid)
            return true;
    return false;
}

bool hasCondition(const Json &job, const char *type)
{
    const Json *conds = at(job, "status.conditions");
    if (!conds || !conds->is_array())
        return false;
    for (const Json &c : *conds)
        if (str(c, "type") == type && str(c, "status") == "True")
            return true;
    return false;
}

Json condition(const char *type, const char *reason, const char *message, const std::string &now)
{
    return {{"type", type}, {"status", "True"}, {"lastProbeTime", now}, {"lastTransitionTime", now},
            {"reason", reason}, {"message", message}};
}

void addLabels(Json &labels, const std::string &name, const std::string &uid)
{
    if (!labels.is_object())
        labels = Json::object();
    labels[kControllerUid] = uid;
    labels[kJobName] = name;
    labels["controller-uid"] = uid;
    labels["job-name"] = name;
}

} // namespace

JobController::JobController(ObjectStore &store, Hooks hooks) : m_store(store), m_hooks(std::move(hooks)) {}

void JobController::admit(Json &job)
{
    const std::string name = str(job["metadata"], "name");
    Json &spec = job["spec"];
    if (!spec.is_object() || !spec.contains("template") || !spec["template"].is_object())
        throw ApiError::invalid("Job.batch \"" + name + "\" is invalid: spec.template: Required value");
    Json &podSpec = spec["template"]["spec"];
    const std::string policy = str(podSpec, "restartPolicy");
    if (policy != "Never" && policy != "OnFailure")
        throw ApiError::invalid("Job.batch \"" + name + "\" is invalid: spec.template.spec.restartPolicy: Required value: "
                                "valid values: \"OnFailure\", \"Never\"");
    for (const char *f : {"completions", "parallelism"})
        if (!spec.contains(f))
            spec[f] = 1;
    if (!spec.contains("backoffLimit"))
        spec["backoffLimit"] = 6;
    if (!spec.contains("completionMode"))
        spec["completionMode"] = "NonIndexed";
    if (!spec.contains("suspend"))
        spec["suspend"] = false;
    if (!spec.contains("manualSelector"))
        spec["manualSelector"] = false;
    if (!spec.contains("podReplacementPolicy"))
        spec["podReplacementPolicy"] = "TerminatingOrFailed";
    if (!job.contains("status") || !job["status"].is_object())
        job["status"] = Json::object();
}

void JobController::reconcile()
{
    const std::vector<SnapshotPtr> jobs = m_store.list(kJobs);
    if (jobs.empty())
        return;
    const std::vector<SnapshotPtr> pods = m_store.list(kPods);
    std::map<std::string, std::vector<const Json *>> byOwner;
    for (const auto &p : pods) {
        const Json *refs = at(p->obj, "metadata.ownerReferences");
        if (refs && refs->is_array())
            for (const Json &r : *refs)
                if (str(r, "kind") == "Job")
                    byOwner[str(r, "uid")].push_back(&p->obj);
    }
    for (const auto &j : jobs) {
        try {
            reconcileJob(j->obj, byOwner[str(j->obj["metadata"], "uid")]);
        } catch (const std::exception &) {
            // A malformed Job must not stop the others.
        }
    }
}

void JobController::reconcileJob(const Json &job, const std::vector<const Json *> &pods)
{
    const Json &md = job["metadata"];
    const std::string ns = str(md, "namespace"), name = str(md, "name"), uid = str(md, "uid");
    if (at(job, "metadata.deletionTimestamp"))
        return;
    if (!at(job, "spec.selector")) {
        // The API server's selector for a Job without manualSelector: its own uid, known once stored.
        m_store.mutate(kJobs, ns, name, [&](Json &o) {
            o["spec"]["selector"] = {{"matchLabels", {{kControllerUid, uid}}}};
            addLabels(o["spec"]["template"]["metadata"]["labels"], name, uid);
            addLabels(o["metadata"]["labels"], name, uid);
            return true;
        });
        return; // the next pass sees the labels
    }
    if (hasCondition(job, "Complete") || hasCondition(job, "Failed"))
        return;
    long long active = 0, ready = 0, succeeded = 0, failed = 0, terminating = 0;
    for (const Json *p : pods) {
        if (!ownedBy(*p, uid))
            continue;
        const std::string phase = str((*p)["status"], "phase");
        if (phase == "Succeeded")
            ++succeeded;
        else if (phase == "Failed")
            ++failed;
        else if (at(*p, "metadata.deletionTimestamp"))
            ++terminating;
        else {
            ++active;
            const Json *cs = at(*p, "status.containerStatuses");
            if (cs && cs->is_array() && !cs->empty() && (*cs)[0].value("ready", false))
                ++ready;
        }
    }
    const long long completions = integer(job, "spec.completions", 1);
    const long long parallelism = integer(job, "spec.parallelism", 1);
    const long long backoffLimit = integer(job, "spec.backoffLimit", 6);
    const bool suspended = at(job, "spec.suspend") && job["spec"]["suspend"].is_boolean() && job["spec"]["suspend"].get<bool>();
    const bool complete = succeeded >= completions;
    const bool exhausted = failed > backoffLimit;
    if (!complete && !exhausted && !suspended)
        for (long long n = active; n < parallelism && succeeded + n < completions; ++n) {
            createPod(job);
            ++active;
        }
    const std::string now = ObjectStore::now();
    m_store.mutate(kJobs, ns, name, [&](Json &o) {
        Json &st = o["status"];
        if (!st.is_object())
            st = Json::object();
        const Json before = st;
        if (!st.contains("startTime") && !suspended)
            st["startTime"] = now;
        st["active"] = complete || exhausted ? 0 : active;
        st["ready"] = ready;
        st["succeeded"] = succeeded;
        st["failed"] = failed;
        st["terminating"] = terminating;
        st["uncountedTerminatedPods"] = Json::object();
        for (const char *f : {"active", "succeeded", "failed"})
            if (st[f] == 0)
                st.erase(f);
        if (complete) {
            const char *msg = "Reached expected number of succeeded pods";
            st["conditions"] = {condition("SuccessCriteriaMet", "CompletionsReached", msg, now),
                                condition("Complete", "CompletionsReached", msg, now)};
            st["completionTime"] = now;
        } else if (exhausted) {
            const char *msg = "Job has reached the specified backoff limit";
            st["conditions"] = {condition("FailureTarget", "BackoffLimitExceeded", msg, now),
                                condition("Failed", "BackoffLimitExceeded", msg, now)};
        }
        return st != before;
    });
    if (complete)
        m_hooks.event(job, "Normal", "Completed", "Job completed");
    else if (exhausted)
        m_hooks.event(job, "Warning", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
}

void JobController::createPod(const Json &job)
{
    const Json &md = job["metadata"];
    const Json &tmpl = job["spec"]["template"];
    const std::string name = str(md, "name");
    Json pod = {{"apiVersion", "v1"}, {"kind", "Pod"}};
    pod["metadata"] = tmpl.contains("metadata") && tmpl["metadata"].is_object() ? tmpl["metadata"] : Json::object();
    pod["metadata"].erase("creationTimestamp");
    pod["metadata"]["generateName"] = name + "-";
    pod["metadata"]["namespace"] = str(md, "namespace");
    pod["metadata"]["ownerReferences"] = {{{"apiVersion", "batch/v1"},
                                           {"kind", "Job"},
                                           {"name", name},
                                           {"uid", str(md, "uid")},
                                           {"controller", true},
                                           {"blockOwnerDeletion", true}}};
    pod["spec"] = tmpl["spec"];
    m_hooks.admitPod(pod);
    const SnapshotPtr created = m_store.create(kPods, pod);
    m_hooks.event(job, "Normal", "SuccessfulCreate", "Created pod: " + str(created->obj["metadata"], "name"));
}

} // namespace bc::sandbox
