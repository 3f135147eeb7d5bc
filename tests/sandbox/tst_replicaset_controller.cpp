// The replicaset controller alone: pods from the template up to spec.replicas, the surplus deleted
// unscheduled-first, status counting ready pods. Each pass is a direct reconcile() call.
#include "infra/sandbox/replicaset_controller.h"

#include "infra/sandbox/pod_lifecycle.h"
#include "tests/sandbox/controller_fixture.h"

#include <QTest>

using namespace bc::sandbox;
using namespace bc::sandbox::test;

namespace {
constexpr const char *kReplicaSets = "replicasets.apps";

Json replicaSet(int replicas)
{
    return {{"apiVersion", "apps/v1"},
            {"kind", "ReplicaSet"},
            {"metadata", {{"name", "web-abc"}, {"namespace", "default"}}},
            {"spec",
             {{"replicas", replicas},
              {"selector", {{"matchLabels", {{"app", "web"}}}}},
              {"template",
               {{"metadata", {{"labels", {{"app", "web"}}}}}, {"spec", {{"containers", {container("server", "100m")}}}}}}}}};
}

void scale(ObjectStore &store, int replicas)
{
    store.mutate(kReplicaSets, "default", "web-abc", [&](Json &o) {
        o["spec"]["replicas"] = replicas;
        return true;
    });
}

struct Fixture : ControllerFixture {
    PodLifecycle kubelet{state};
    ReplicaSetController rsc{state, kubelet};
};
} // namespace

class TstReplicaSetController : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void createsPodsFromTheTemplate()
    {
        Fixture f;
        const SnapshotPtr rs = f.store.create(kReplicaSets, replicaSet(3));
        f.rsc.reconcile(f.now());
        const auto pods = f.list("pods");
        QCOMPARE(pods.size(), size_t(3));
        for (const auto &p : pods) {
            QCOMPARE(str(p["metadata"], "generateName"), std::string("web-abc-"));
            QCOMPARE(str(p["metadata"]["labels"], "app"), std::string("web"));
            QCOMPARE(str(p["metadata"]["ownerReferences"][0], "uid"), str(rs->obj["metadata"], "uid"));
            QCOMPARE(str(p["status"], "phase"), std::string("Pending")); // admitted like an API create
            QCOMPARE(str(p["spec"], "restartPolicy"), std::string("Always"));
        }
        QCOMPARE(f.events("SuccessfulCreate").size(), size_t(3));
        // The pods show up in the status of the next pass.
        QCOMPARE(f.get(kReplicaSets, "web-abc")["status"]["replicas"].get<int>(), 0);
        f.rsc.reconcile(f.now());
        QCOMPARE(f.list("pods").size(), size_t(3));
        QCOMPARE(f.get(kReplicaSets, "web-abc")["status"]["replicas"].get<int>(), 3);
        QVERIFY(!f.get(kReplicaSets, "web-abc")["status"].contains("readyReplicas"));
    }

    void scalingDownDeletesUnscheduledPodsFirst()
    {
        Fixture f;
        f.store.create(kReplicaSets, replicaSet(3));
        f.rsc.reconcile(f.now());
        const std::string bound = str(f.list("pods")[1]["metadata"], "name");
        f.store.mutate("pods", "default", bound, [](Json &o) {
            o["spec"]["nodeName"] = "node-a";
            return true;
        });
        scale(f.store, 1);
        f.rsc.reconcile(f.now());
        const auto pods = f.list("pods");
        QCOMPARE(pods.size(), size_t(1)); // pods that never ran go at once
        QCOMPARE(str(pods[0]["metadata"], "name"), bound);
        QCOMPARE(f.events("SuccessfulDelete").size(), size_t(2));
    }

    void readyPodsAreCountedAsAvailable()
    {
        Fixture f;
        f.store.create(kReplicaSets, replicaSet(2));
        f.rsc.reconcile(f.now());
        const std::string pod = str(f.list("pods")[0]["metadata"], "name");
        f.store.mutate("pods", "default", pod, [](Json &o) {
            o["status"]["conditions"] = {{{"type", "Ready"}, {"status", "True"}}};
            return true;
        });
        f.rsc.reconcile(f.now());
        const Json st = f.get(kReplicaSets, "web-abc")["status"];
        QCOMPARE(st["replicas"].get<int>(), 2);
        QCOMPARE(st["readyReplicas"].get<int>(), 1);
        QCOMPARE(st["availableReplicas"].get<int>(), 1);
    }
};

QTEST_GUILESS_MAIN(TstReplicaSetController)
#include "tst_replicaset_controller.moc"
