// The scheduler alone: the ready node with the most free CPU that fits, capacity used by bound pods,
// cordoned and not-ready nodes skipped, Unschedulable reported once.
#include "infra/sandbox/scheduler.h"

#include "infra/sandbox/pod_lifecycle.h"
#include "tests/sandbox/controller_fixture.h"

#include <QTest>

using namespace bc::sandbox;
using namespace bc::sandbox::test;

namespace {
Json pod(const std::string &name, const std::string &cpu)
{
    Json p = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", name}, {"namespace", "default"}}},
              {"spec", {{"containers", {container("server", cpu)}}}}};
    PodLifecycle::admit(p);
    return p;
}

std::string nodeOf(const ControllerFixture &f, const std::string &pod)
{
    return str(f.get("pods", pod)["spec"], "nodeName");
}
} // namespace

class TstScheduler : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void bindsToTheNodeWithTheMostFreeCpu()
    {
        ControllerFixture f;
        Scheduler scheduler(f.state);
        f.store.create("nodes", node("node-a", "2"));
        f.store.create("nodes", node("node-bb", "4"));
        f.store.create("pods", pod("one", "1"));
        scheduler.reconcile(f.now());
        QCOMPARE(nodeOf(f, "one"), std::string("node-bb"));
        const Json p = f.get("pods", "one");
        QCOMPARE(str(p["status"], "hostIP"), std::string("10.128.0.7"));
        QCOMPARE(str(p["status"]["conditions"][3], "type"), std::string("PodScheduled"));
        QCOMPARE(str(p["status"]["conditions"][3], "status"), std::string("True"));
        QCOMPARE(str(p["status"]["containerStatuses"][0]["state"]["waiting"], "reason"),
                 std::string("ContainerCreating"));
        QCOMPARE(f.events("Scheduled").size(), size_t(1));
        QVERIFY(f.state.simFor("default", "one"));
        QCOMPARE(f.state.simFor("default", "one")->node, std::string("node-bb"));

        // node-bb has 3 cores left, node-a 2: the next goes to node-bb, and then node-a has the most.
        f.store.create("pods", pod("two", "2500m"));
        scheduler.reconcile(f.now());
        QCOMPARE(nodeOf(f, "two"), std::string("node-bb"));
        f.store.create("pods", pod("three", "1500m"));
        scheduler.reconcile(f.now());
        QCOMPARE(nodeOf(f, "three"), std::string("node-a"));
    }

    void cordonedAndNotReadyNodesAreSkipped()
    {
        ControllerFixture f;
        Scheduler scheduler(f.state);
        Json cordoned = node("cordoned", "8");
        cordoned["spec"]["unschedulable"] = true;
        Json notReady = node("not-ready", "8");
        notReady["status"]["conditions"][0]["status"] = "False";
        f.store.create("nodes", cordoned);
        f.store.create("nodes", notReady);
        f.store.create("nodes", node("small", "1"));
        f.store.create("pods", pod("web", "500m"));
        scheduler.reconcile(f.now());
        QCOMPARE(nodeOf(f, "web"), std::string("small"));
    }

    void aPodThatFitsNowhereIsReportedOnce()
    {
        ControllerFixture f;
        Scheduler scheduler(f.state);
        f.store.create("nodes", node("node-a", "2"));
        f.store.create("nodes", node("node-b", "2"));
        f.store.create("pods", pod("huge", "3"));
        scheduler.reconcile(f.now());
        const Json p = f.get("pods", "huge");
        QVERIFY(str(p["spec"], "nodeName").empty());
        QCOMPARE(str(p["status"]["conditions"][0], "reason"), std::string("Unschedulable"));
        const auto failed = f.events("FailedScheduling");
        QCOMPARE(failed.size(), size_t(1));
        QVERIFY2(str(failed[0], "message").find("0/2 nodes are available: 2 Insufficient cpu") == 0,
                 str(failed[0], "message").c_str());
        scheduler.reconcile(f.now());
        QCOMPARE(f.events("FailedScheduling").size(), size_t(1));
    }

    void boundPodsUseTheirNodesCapacity()
    {
        ControllerFixture f;
        Scheduler scheduler(f.state);
        f.store.create("nodes", node("node-a", "2"));
        Json running = pod("running", "1500m");
        running["spec"]["nodeName"] = "node-a";
        f.store.create("pods", running);
        f.store.create("pods", pod("next", "1"));
        scheduler.reconcile(f.now());
        QVERIFY(nodeOf(f, "next").empty());
        // A finished pod gives its share back.
        f.store.mutate("pods", "default", "running", [](Json &o) {
            o["status"]["phase"] = "Succeeded";
            return true;
        });
        f.store.create("pods", pod("later", "1"));
        scheduler.reconcile(f.now());
        QCOMPARE(nodeOf(f, "later"), std::string("node-a"));
    }
};

QTEST_GUILESS_MAIN(TstScheduler)
#include "tst_scheduler.moc"
