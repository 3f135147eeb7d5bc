// The kubelet alone, on a ManualClock: Running after the pod start delay, graceful termination that
// ends when the containers stop, OOM restarts, pods deleted behind its back forgotten. No sleeps:
// the test advances the clock and calls reconcile().
#include "infra/sandbox/pod_lifecycle.h"

#include "infra/sandbox/scheduler.h"
#include "tests/sandbox/controller_fixture.h"

#include <QTest>

using namespace bc::sandbox;
using namespace bc::sandbox::test;
using namespace std::chrono_literals;

namespace {
struct Fixture : ControllerFixture {
    Scheduler scheduler{state};
    PodLifecycle kubelet{state};
    Fixture() { store.create("nodes", node("node-a", "4")); }

    // A pod bound to node-a now, its start delay running from this instant.
    void schedule(const std::string &name)
    {
        Json p = {{"apiVersion", "v1"},
                  {"kind", "Pod"},
                  {"metadata", {{"name", name}, {"namespace", "default"}}},
                  {"spec", {{"containers", {container("server", "100m")}}}}};
        PodLifecycle::admit(p);
        store.create("pods", p);
        scheduler.reconcile(now());
    }
    void runKubelet() { kubelet.reconcile(now()); }
    std::string phase(const std::string &pod) const { return str(get("pods", pod)["status"], "phase"); }
};

bool ready(const Json &pod)
{
    for (const auto &c : pod["status"]["conditions"])
        if (str(c, "type") == "Ready")
            return str(c, "status") == "True";
    return false;
}
} // namespace

class TstPodLifecycle : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void aScheduledPodRunsAfterTheStartDelay()
    {
        Fixture f;
        f.schedule("web");
        f.runKubelet();
        QCOMPARE(f.phase("web"), std::string("Pending"));
        QVERIFY(f.kubelet.waiting(f.now()));

        f.advance(1999ms);
        f.runKubelet();
        QCOMPARE(f.phase("web"), std::string("Pending"));

        f.advance(1ms);
        f.runKubelet();
        const Json p = f.get("pods", "web");
        QCOMPARE(f.phase("web"), std::string("Running"));
        QVERIFY(!str(p["status"], "podIP").empty());
        QVERIFY(ready(p));
        QVERIFY(p["status"]["containerStatuses"][0]["state"].contains("running"));
        QCOMPARE(f.events("Started").size(), size_t(1));
        QVERIFY(!f.kubelet.waiting(f.now()));
        const PodSim *sim = f.state.simFor("default", "web");
        QVERIFY(sim && sim->running);
        QCOMPARE(sim->logs.at("server").lines.back(), p["status"]["startTime"].get<std::string>()
                                                          + " INFO server listening on port 8080");
    }

    void gracefulDeletionEndsWhenTheContainersStop()
    {
        Fixture f;
        f.schedule("web");
        f.advance(2s);
        f.runKubelet();
        QCOMPARE(f.phase("web"), std::string("Running"));

        const Json deleting = f.kubelet.deletePod("default", "web", 30);
        QVERIFY(deleting["metadata"].contains("deletionTimestamp"));
        QCOMPARE(deleting["metadata"]["deletionGracePeriodSeconds"].get<int>(), 30);
        QVERIFY(!ready(deleting));
        QCOMPARE(f.events("Killing").size(), size_t(1));
        QVERIFY(f.kubelet.waiting(f.now()));

        // Simulated containers stop within two seconds of their grace period.
        f.advance(1900ms);
        f.runKubelet();
        QVERIFY(!f.get("pods", "web").is_null());
        f.advance(100ms);
        f.runKubelet();
        QVERIFY(f.get("pods", "web").is_null());
        QVERIFY(!f.state.simFor("default", "web"));
    }

    void aPodThatNeverRanGoesAtOnce()
    {
        Fixture f;
        f.schedule("web");
        f.kubelet.deletePod("default", "web", -1);
        QVERIFY(f.get("pods", "web").is_null());
        QVERIFY(!f.state.simFor("default", "web"));
    }

    void anOomKillRestartsTheContainer()
    {
        Fixture f;
        f.schedule("web");
        f.advance(2s);
        f.runKubelet();
        f.state.simFor("default", "web")->oomPending = true; // what the resource model marks
        QVERIFY(f.kubelet.waiting(f.now()));
        f.runKubelet();
        const Json cs = f.get("pods", "web")["status"]["containerStatuses"][0];
        QCOMPARE(cs["restartCount"].get<int>(), 1);
        QCOMPARE(str(cs["lastState"]["terminated"], "reason"), std::string("OOMKilled"));
        QCOMPARE(cs["lastState"]["terminated"]["exitCode"].get<int>(), 137);
        QCOMPARE(f.events("OOMKilling").size(), size_t(1));
        QCOMPARE(f.state.simFor("default", "web")->restarts, 1);
        QVERIFY(!f.kubelet.waiting(f.now()));
    }

    void aPodRemovedThroughTheApiIsForgotten()
    {
        Fixture f;
        f.schedule("web");
        f.advance(2s);
        f.runKubelet();
        f.store.remove("pods", "default", "web"); // force delete
        f.runKubelet();
        QVERIFY(!f.state.simFor("default", "web"));
    }
};

QTEST_GUILESS_MAIN(TstPodLifecycle)
#include "tst_pod_lifecycle.moc"
