// The simulator through its C++ API (what a storefront simulation uses): controllers, scheduling
// on node capacity, endpoints across deployments, CPU throttling and OOM kills. Time passes on a
// ManualClock the test advances, never by sleeping.
#include "infra/sandbox/api_error.h"
#include "infra/sandbox/cluster_simulator.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/resource_registry.h"
#include "infra/sandbox/sim_clock.h"

#include <QTest>

#include <chrono>
#include <memory>

using namespace bc::sandbox;

namespace {
Json deployment(const std::string &name, const std::string &app, int replicas, const std::string &cpuRequest,
                           const std::string &cpuLimit = "200m", const std::string &memLimit = "128Mi")
    {
        return {{"apiVersion", "apps/v1"},
                {"kind", "Deployment"},
                {"metadata", {{"name", name}, {"namespace", "default"}}},
                {"spec",
                 {{"replicas", replicas},
                  {"selector", {{"matchLabels", {{"app", app}, {"track", name}}}}},
                  {"template",
                   {{"metadata", {{"labels", {{"app", app}, {"track", name}}}}},
                    {"spec",
                     {{"containers",
                       {{{"name", "server"},
                         {"image", "example/" + name},
                         {"ports", {{{"containerPort", 8080}}}},
                         {"resources",
                          {{"requests", {{"cpu", cpuRequest}, {"memory", "64Mi"}}},
                           {"limits", {{"cpu", cpuLimit}, {"memory", memLimit}}}}}}}}}}}}}}};
    }

    struct Cluster {
        std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
        ObjectStore store;
        ResourceRegistry registry;
        ClusterSimulator sim;
        Cluster() : sim(store, registry, options(clock)) { sim.bootstrap(); }
        static SimulatorOptions options(std::shared_ptr<const SimClock> clock)
        {
            SimulatorOptions o;
            o.timeScale = 0; // everything happens on the next pass
            o.loadBalancerDelay = 0;
            o.clock = std::move(clock);
            return o;
        }
        void wait(int milliseconds) { clock->advance(std::chrono::milliseconds(milliseconds)); }
        void add(const char *key, const ResourceType &type, Json obj)
        {
            sim.admit(type, obj);
            store.create(key, std::move(obj));
        }
        void settle(int passes = 6)
        {
            for (int i = 0; i < passes; ++i)
                sim.reconcile();
        }
        std::vector<Json> pods(const std::string &app)
        {
            std::vector<Json> out;
            for (const auto &p : store.list("pods", "default"))
                if (str(p->obj["metadata"]["labels"], "app") == app)
                    out.push_back(p->obj);
            return out;
        }
    };

ResourceType type(const char *group, const char *resource)
    {
        ResourceRegistry r;
        return *r.find(group, group[0] ? "v1" : "v1", resource);
    }

Json loadBalancer(const std::string &app)
{
    Json svc = {{"apiVersion", "v1"}, {"kind", "Service"}, {"metadata", {{"name", app}, {"namespace", "default"}}}};
    svc["spec"]["type"] = "LoadBalancer";
    svc["spec"]["selector"]["app"] = app;
    svc["spec"]["ports"] = Json::array({Json{{"port", 80}, {"targetPort", 8080}}});
    return svc;
}
} // namespace

class TstClusterSimulator : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void deploymentRunsPodsAndEndpointsSpanDeployments()
    {
        Cluster c;
        c.add("deployments.apps", type("apps", "deployments"), deployment("front-v1", "front", 3, "100m"));
        c.add("deployments.apps", type("apps", "deployments"), deployment("front-v2", "front", 1, "100m"));
        c.add("services", type("", "services"), loadBalancer("front"));
        c.settle();
        const auto pods = c.pods("front");
        QCOMPARE(pods.size(), size_t(4));
        for (const auto &p : pods)
            QCOMPARE(str(p["status"], "phase"), std::string("Running"));
        const SnapshotPtr ep = c.store.get("endpoints", "default", "front");
        QVERIFY(ep);
        QCOMPARE(ep->obj["subsets"][0]["addresses"].size(), size_t(4));
        QCOMPARE(ep->obj["subsets"][0]["ports"][0]["port"].get<int>(), 8080);
        const SnapshotPtr svc = c.store.get("services", "default", "front");
        QVERIFY(str(svc->obj["status"]["loadBalancer"]["ingress"][0], "ip").rfind("127.0.0.", 0) == 0);
        const SnapshotPtr dep = c.store.get("deployments.apps", "default", "front-v1");
        QCOMPARE(dep->obj["status"]["availableReplicas"].get<int>(), 3);
        QCOMPARE(dep->obj["status"]["observedGeneration"].get<int>(), 1);

        // Scale down: the extra pods terminate, then go.
        c.store.mutate("deployments.apps", "default", "front-v1", [](Json &o) {
            o["spec"]["replicas"] = 1;
            return true;
        });
        c.settle();
        QCOMPARE(c.pods("front").size(), size_t(2));
        QCOMPARE(c.store.get("endpoints", "default", "front")->obj["subsets"][0]["addresses"].size(), size_t(2));
    }

    void podsThatDoNotFitStayPending()
    {
        Cluster c;
        c.add("deployments.apps", type("apps", "deployments"), deployment("huge", "huge", 1, "16", "16"));
        c.settle();
        const auto pods = c.pods("huge");
        QCOMPARE(pods.size(), size_t(1));
        QCOMPARE(str(pods[0]["status"], "phase"), std::string("Pending"));
        QCOMPARE(str(pods[0]["status"]["conditions"][0], "reason"), std::string("Unschedulable"));
        bool failed = false;
        for (const auto &e : c.store.list("events", "default"))
            failed = failed || (str(e->obj, "reason") == "FailedScheduling"
                                && str(e->obj["involvedObject"], "name") == str(pods[0]["metadata"], "name")
                                && str(e->obj, "message").find("Insufficient cpu") != std::string::npos);
        QVERIFY(failed);
    }

    void cpuIsThrottledAtTheLimit()
    {
        Cluster c;
        c.add("deployments.apps", type("apps", "deployments"), deployment("busy", "busy", 1, "100m", "200m"));
        c.settle();
        const std::string pod = str(c.pods("busy")[0]["metadata"], "name");
        // Ask for two full cores of work per interval; the limit is 0.2 cores.
        for (int i = 0; i < 40; ++i) {
            QVERIFY(c.sim.addCpuWork("default", pod, 0.2));
            c.wait(50);
            c.sim.reconcile();
        }
        const auto usage = c.sim.usage("default", pod);
        QVERIFY(usage);
        QVERIFY2(usage->cpuCores <= 0.2 + 1e-6, qPrintable(QString::number(usage->cpuCores)));
        QVERIFY2(usage->cpuCores > 0.05, qPrintable(QString::number(usage->cpuCores)));
        QVERIFY(usage->throttledSeconds > 0);
        const Json metrics = c.sim.podMetrics("default", pod);
        QCOMPARE(str(metrics["containers"][0], "name"), std::string("server"));
    }

    void memoryAboveTheLimitIsOomKilled()
    {
        Cluster c;
        c.add("deployments.apps", type("apps", "deployments"), deployment("leaky", "leaky", 1, "100m", "200m", "128Mi"));
        c.settle();
        const std::string pod = str(c.pods("leaky")[0]["metadata"], "name");
        QVERIFY(c.sim.setMemory("default", pod, 200.0 * 1048576));
        c.wait(60);
        c.settle(3);
        const Json p = c.store.get("pods", "default", pod)->obj;
        QCOMPARE(p["status"]["containerStatuses"][0]["restartCount"].get<int>(), 1);
        QCOMPARE(str(p["status"]["containerStatuses"][0]["lastState"]["terminated"], "reason"), std::string("OOMKilled"));
        QVERIFY(c.sim.usage("default", pod)->memoryBytes < 128.0 * 1048576);
        QCOMPARE(c.sim.usage("default", pod)->restarts, 1);
    }

    void callsHoldMemoryOnlyWhileTheirWorkWaits()
    {
        Cluster c;
        c.add("deployments.apps", type("apps", "deployments"), deployment("queue", "queue", 1, "100m", "200m", "128Mi"));
        c.settle();
        const std::string pod = str(c.pods("queue")[0]["metadata"], "name");
        const double idle = c.sim.usage("default", pod)->memoryBytes;
        constexpr double kMiB = 1048576.0;

        // Below the CPU limit the work is served within a tick: the memory it held is released.
        for (int i = 0; i < 10; ++i) {
            QVERIFY(c.sim.addCpuWork("default", pod, 0.001, 4 * kMiB));
            c.wait(20);
            c.sim.reconcile();
        }
        c.wait(50);
        c.sim.reconcile();
        QCOMPARE(c.sim.usage("default", pod)->memoryBytes, idle);
        QCOMPARE(c.sim.usage("default", pod)->restarts, 0);

        // Saturated: the backlog keeps what its calls hold, the working set passes 128Mi, OOMKilled.
        // (Ten 5 ms calls every 20 ms is 2.5 cores of demand; the backlog grows by ~9 calls a tick.)
        for (int i = 0; i < 40 && c.sim.usage("default", pod)->restarts == 0; ++i) {
            for (int call = 0; call < 10; ++call)
                QVERIFY(c.sim.addCpuWork("default", pod, 0.005, 4 * kMiB));
            c.wait(20);
            c.sim.reconcile();
        }
        c.settle(3);
        const Json p = c.store.get("pods", "default", pod)->obj;
        QCOMPARE(p["status"]["containerStatuses"][0]["restartCount"].get<int>(), 1);
        QCOMPARE(str(p["status"]["containerStatuses"][0]["lastState"]["terminated"], "reason"), std::string("OOMKilled"));
        QVERIFY(c.sim.usage("default", pod)->memoryBytes < 128.0 * kMiB);
    }

    void appendedLogLinesAreServed()
    {
        Cluster c;
        c.add("deployments.apps", type("apps", "deployments"), deployment("web", "web", 1, "100m"));
        c.settle();
        const std::string pod = str(c.pods("web")[0]["metadata"], "name");
        QVERIFY(c.sim.appendLog("default", pod, "server", "GET /cart 200"));
        std::vector<std::string> lines;
        bool ended = false, known = false;
        c.sim.readLog("default", pod, "server", 0, lines, ended, known);
        QVERIFY(known);
        QVERIFY(!ended);
        QCOMPARE(lines.back(), std::string("GET /cart 200"));
    }
};

QTEST_GUILESS_MAIN(TstClusterSimulator)
#include "tst_cluster_simulator.moc"
