// The deployment controller alone: ReplicaSets per template, rollouts, Recreate, rollback revisions,
// status summed from the ReplicaSets. Each pass is a direct reconcile() call.
#include "infra/sandbox/deployment_controller.h"

#include "tests/sandbox/controller_fixture.h"

#include <QTest>

using namespace bc::sandbox;
using namespace bc::sandbox::test;

namespace {
constexpr const char *kDeployments = "deployments.apps";
constexpr const char *kReplicaSets = "replicasets.apps";

Json deployment(const std::string &image, int replicas, const std::string &strategy = "RollingUpdate")
{
    Json c = container("server", "100m");
    c["image"] = image;
    return {{"apiVersion", "apps/v1"},
            {"kind", "Deployment"},
            {"metadata", {{"name", "web"}, {"namespace", "default"}}},
            {"spec",
             {{"replicas", replicas},
              {"strategy", {{"type", strategy}}},
              {"selector", {{"matchLabels", {{"app", "web"}}}}},
              {"template", {{"metadata", {{"labels", {{"app", "web"}}}}}, {"spec", {{"containers", {c}}}}}}}}};
}

void setImage(ObjectStore &store, const std::string &image)
{
    store.mutate(kDeployments, "default", "web", [&](Json &o) {
        o["spec"]["template"]["spec"]["containers"][0]["image"] = image;
        return true;
    });
}

void setAvailable(ObjectStore &store, const std::string &rs, long long n)
{
    store.mutate(kReplicaSets, "default", rs, [&](Json &o) {
        o["status"] = {{"replicas", n}, {"readyReplicas", n}, {"availableReplicas", n}};
        return true;
    });
}

struct Fixture : ControllerFixture {
    DeploymentController dc{state};
    void pass() { dc.reconcile(now()); }
    // Creates the Deployment, runs a pass and makes its first ReplicaSet report `available` pods.
    std::string rollOut(const Json &deployment, long long available)
    {
        store.create(kDeployments, deployment);
        pass();
        const std::string rs = str(list(kReplicaSets)[0]["metadata"], "name");
        setAvailable(store, rs, available);
        return rs;
    }
};

std::string revision(const Json &obj)
{
    return str(obj["metadata"]["annotations"], "deployment.kubernetes.io/revision");
}
} // namespace

class TstDeploymentController : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void createsOneReplicaSetPerTemplate()
    {
        Fixture f;
        const SnapshotPtr d = f.store.create(kDeployments, deployment("example/web:1", 3));
        f.pass();

        const auto rss = f.list(kReplicaSets);
        QCOMPARE(rss.size(), size_t(1));
        const Json &rs = rss[0];
        const std::string hash = DeploymentController::templateHash(d->obj["spec"]["template"]);
        QCOMPARE(str(rs["metadata"], "name"), "web-" + hash);
        QCOMPARE(str(rs["metadata"]["labels"], "pod-template-hash"), hash);
        QCOMPARE(str(rs["spec"]["selector"]["matchLabels"], "pod-template-hash"), hash);
        QCOMPARE(rs["spec"]["replicas"].get<int>(), 3);
        QCOMPARE(revision(rs), std::string("1"));
        QCOMPARE(str(rs["metadata"]["ownerReferences"][0], "uid"), str(d->obj["metadata"], "uid"));
        const auto scaled = f.events("ScalingReplicaSet");
        QCOMPARE(scaled.size(), size_t(1));
        QCOMPARE(str(scaled[0], "message"), "Scaled up replica set web-" + hash + " from 0 to 3");

        // Nothing available yet: the status says so.
        const Json st = f.get(kDeployments, "web")["status"];
        QCOMPARE(st["unavailableReplicas"].get<int>(), 3);
        QVERIFY(!st.contains("availableReplicas"));
        QCOMPARE(str(st["conditions"][0], "type"), std::string("Available"));
        QCOMPARE(str(st["conditions"][0], "status"), std::string("False"));

        // A second pass with nothing changed creates nothing.
        f.pass();
        QCOMPARE(f.list(kReplicaSets).size(), size_t(1));
        QCOMPARE(f.events("ScalingReplicaSet").size(), size_t(1));
    }

    void oldReplicaSetScalesDownOnceTheNewOneIsAvailable()
    {
        Fixture f;
        const std::string oldRs = f.rollOut(deployment("example/web:1", 2), 2);

        setImage(f.store, "example/web:2");
        f.pass();
        QCOMPARE(f.list(kReplicaSets).size(), size_t(2));
        std::string newRs;
        for (const auto &rs : f.list(kReplicaSets))
            if (str(rs["metadata"], "name") != oldRs)
                newRs = str(rs["metadata"], "name");
        QCOMPARE(revision(f.get(kReplicaSets, newRs)), std::string("2"));
        QCOMPARE(f.get(kReplicaSets, oldRs)["spec"]["replicas"].get<int>(), 2); // still serving

        setAvailable(f.store, newRs, 2);
        f.pass();
        QCOMPARE(f.get(kReplicaSets, oldRs)["spec"]["replicas"].get<int>(), 0);
        QCOMPARE(f.get(kReplicaSets, newRs)["spec"]["replicas"].get<int>(), 2);
        QCOMPARE(revision(f.get(kDeployments, "web")), std::string("2"));
    }

    void recreateScalesTheOldReplicaSetDownAtOnce()
    {
        Fixture f;
        const std::string oldRs = f.rollOut(deployment("example/web:1", 2, "Recreate"), 2);
        setImage(f.store, "example/web:2");
        f.pass();
        QCOMPARE(f.get(kReplicaSets, oldRs)["spec"]["replicas"].get<int>(), 0);
    }

    void statusSumsTheReplicaSets()
    {
        Fixture f;
        f.rollOut(deployment("example/web:1", 3), 3);
        f.pass();
        const Json d = f.get(kDeployments, "web");
        const Json &st = d["status"];
        QCOMPARE(st["replicas"].get<int>(), 3);
        QCOMPARE(st["updatedReplicas"].get<int>(), 3);
        QCOMPARE(st["availableReplicas"].get<int>(), 3);
        QVERIFY(!st.contains("unavailableReplicas"));
        QCOMPARE(str(st["conditions"][0], "status"), std::string("True"));
        QCOMPARE(str(st["conditions"][1], "reason"), std::string("NewReplicaSetAvailable"));
        QCOMPARE(st["observedGeneration"].get<int>(), 1);
    }

    void anOldTemplateBackIsTheNewestRevision()
    {
        Fixture f;
        f.store.create(kDeployments, deployment("example/web:1", 1));
        f.pass();
        const std::string first = str(f.list(kReplicaSets)[0]["metadata"], "name");
        setImage(f.store, "example/web:2");
        f.pass();
        setImage(f.store, "example/web:1"); // rollout undo
        f.pass();
        QCOMPARE(f.list(kReplicaSets).size(), size_t(2));
        QCOMPARE(revision(f.get(kReplicaSets, first)), std::string("3"));
        QCOMPARE(revision(f.get(kDeployments, "web")), std::string("3"));
    }

    void aTerminatingDeploymentIsLeftAlone()
    {
        Fixture f;
        f.store.create(kDeployments, deployment("example/web:1", 1));
        f.store.mutate(kDeployments, "default", "web", [](Json &o) {
            o["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"; // what a delete with finalizers leaves
            return true;
        });
        f.pass();
        QVERIFY(f.list(kReplicaSets).empty());
    }
};

QTEST_GUILESS_MAIN(TstDeploymentController)
#include "tst_deployment_controller.moc"
