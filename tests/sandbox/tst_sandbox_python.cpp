// Acceptance: an independent client (Debian's python3-kubernetes, whose typed models reject
// missing or mistyped fields) can list, watch and patch.
#include "tests/sandbox/sandbox_fixture.h"

#include <QJsonArray>
#include <QTest>

using bc::test::SandboxFixture;

namespace {
const char *kScript = R"PY(
import sys
from kubernetes import client, config, watch
config.load_kube_config(config_file=sys.argv[1])
core = client.CoreV1Api()
apps = client.AppsV1Api()
nodes = core.list_node().items
assert len(nodes) == 3, nodes
assert nodes[0].status.allocatable["cpu"].endswith("m")
assert nodes[0].status.node_info.kubelet_version == "v1.32.0"
deps = apps.list_namespaced_deployment("default").items
assert [d.metadata.name for d in deps] == ["web"], deps
assert deps[0].status.conditions, deps[0].status
rs = apps.list_namespaced_replica_set("default", label_selector="app=web").items
assert len(rs) == 1 and rs[0].metadata.owner_references[0].kind == "Deployment"
pods = core.list_namespaced_pod("default", label_selector="app=web").items
assert len(pods) == 1 and pods[0].status.phase == "Running", pods
assert pods[0].status.container_statuses[0].ready
assert core.list_namespaced_endpoints("default").items
assert core.list_namespaced_event("default").items[0].involved_object.kind
assert core.list_namespaced_service("default").items
assert core.list_namespace().items
assert client.ApiextensionsV1Api().list_custom_resource_definition().items == []
apps.patch_namespaced_deployment("web", "default", {"spec": {"replicas": 3}})
apps.patch_namespaced_deployment_scale("web", "default", {"spec": {"replicas": 3}})
seen = set()
w = watch.Watch()
for ev in w.stream(core.list_namespaced_pod, "default", label_selector="app=web", timeout_seconds=30):
    pod = ev["object"]
    if pod.status.phase == "Running" and pod.status.container_statuses[0].ready:
        seen.add(pod.metadata.name)
    if len(seen) == 3:
        w.stop()
assert len(seen) == 3, seen
cm = core.create_namespaced_config_map("default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py"), data={"a": "1"}))
core.patch_namespaced_config_map("py", "default", {"data": {"b": "2"}})
assert core.read_namespaced_config_map("py", "default").data == {"a": "1", "b": "2"}
try:
    core.read_namespaced_pod("nope", "default")
    raise SystemExit("expected 404")
except client.exceptions.ApiException as e:
    assert e.status == 404, e
print("python-client-ok")
)PY";

// Paging with limit/continue (remainingItemCount, a consistent snapshot) and a BOOKMARK on a watch.
const char *kPagingScript = R"PY(
import sys
from kubernetes import client, config, watch
config.load_kube_config(config_file=sys.argv[1])
core = client.CoreV1Api()
names, remaining, token, pages = [], [], None, 0
while True:
    page = core.list_namespaced_config_map("paged", limit=3, _continue=token)
    pages += 1
    names += [c.metadata.name for c in page.items]
    remaining.append(page.metadata.remaining_item_count)
    token = page.metadata._continue
    if not token:
        break
assert pages == 4, pages
assert names == sorted(names) and len(set(names)) == 10, names
assert remaining == [7, 4, 1, None], remaining
first = core.list_namespaced_config_map("paged", limit=5)
core.create_namespaced_config_map("paged", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="cm-late")))
core.delete_namespaced_config_map("cm-9", "paged")
rest = core.list_namespaced_config_map("paged", limit=5, _continue=first.metadata._continue)
seen = [c.metadata.name for c in first.items + rest.items]
assert seen == names, seen  # the snapshot of the first page: no cm-late, still cm-9
assert rest.metadata.resource_version == first.metadata.resource_version
try:
    core.list_namespaced_config_map("paged", limit=2, _continue="not-a-token")
    raise SystemExit("expected 400")
except client.exceptions.ApiException as e:
    assert e.status == 400 and "invalid continue token" in e.body, e.body
types = []
w = watch.Watch()
for ev in w.stream(core.list_namespaced_config_map, "paged", allow_watch_bookmarks=True, timeout_seconds=4):
    types.append(ev["type"])
    if ev["type"] == "BOOKMARK":
        assert int(ev["raw_object"]["metadata"]["resourceVersion"]) > 0, ev
        w.stop()
assert types.count("ADDED") == 10 and types[-1] == "BOOKMARK", types
print("python-paging-ok")
)PY";
} // namespace

class TstSandboxPython : public QObject {
    Q_OBJECT

private:
    SandboxFixture m_sandbox;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(QStringLiteral("/usr/bin/python3")), "/usr/bin/python3 is required (Debian python3-kubernetes)");
        QString error;
        QVERIFY2(m_sandbox.start({QStringLiteral("--pod-start-delay"), QStringLiteral("0.5"), QStringLiteral("--time-scale"),
                                  QStringLiteral("0.2")},
                                 &error),
                 qPrintable(error));
    }

    void listWatchPatch()
    {
        const QByteArray doc = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
                               "spec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n"
                               "  template:\n    metadata:\n      labels: {app: web}\n"
                               "    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n"
                               "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
                               "spec:\n  selector: {app: web}\n  ports:\n  - port: 80\n";
        auto r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 60000, doc);
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QVERIFY(m_sandbox.kubectl({QStringLiteral("rollout"), QStringLiteral("status"), QStringLiteral("deploy/web"),
                                   QStringLiteral("--timeout=60s")})
                    .ok());
        const QString script = m_sandbox.dir() + QStringLiteral("/client.py");
        QFile f(script);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kScript);
        f.close();
        QProcess py;
        py.setProcessEnvironment(m_sandbox.environment());
        py.start(QStringLiteral("/usr/bin/python3"), {script, m_sandbox.kubeconfig()});
        QVERIFY(py.waitForFinished(60000));
        const QString out = QString::fromUtf8(py.readAllStandardOutput());
        const QString err = QString::fromUtf8(py.readAllStandardError());
        QVERIFY2(py.exitCode() == 0 && out.contains(QStringLiteral("python-client-ok")), qPrintable(out + err));
        QCOMPARE(m_sandbox.json({QStringLiteral("get"), QStringLiteral("deploy"), QStringLiteral("web")})[QStringLiteral("spec")]
                     .toObject()[QStringLiteral("replicas")].toInt(),
                 3);
    }

    void pagesAndBookmarks()
    {
        QByteArray docs = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: paged\n";
        for (int i = 0; i < 10; ++i)
            docs += "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-" + QByteArray::number(i)
                    + "\n  namespace: paged\ndata: {i: \"" + QByteArray::number(i) + "\"}\n";
        const auto r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 60000, docs);
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        const QString script = m_sandbox.dir() + QStringLiteral("/paging.py");
        QFile f(script);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kPagingScript);
        f.close();
        QProcess py;
        py.setProcessEnvironment(m_sandbox.environment());
        py.start(QStringLiteral("/usr/bin/python3"), {script, m_sandbox.kubeconfig()});
        QVERIFY(py.waitForFinished(60000));
        const QString out = QString::fromUtf8(py.readAllStandardOutput());
        const QString err = QString::fromUtf8(py.readAllStandardError());
        QVERIFY2(py.exitCode() == 0 && out.contains(QStringLiteral("python-paging-ok")), qPrintable(out + err));
    }
};

QTEST_GUILESS_MAIN(TstSandboxPython)
#include "tst_sandbox_python.moc"
