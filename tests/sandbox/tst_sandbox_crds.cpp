// Acceptance: CustomResourceDefinitions behave as on a real cluster (served and discoverable once
// applied, gone once deleted), and the pre-installed CNPG and Istio kinds take manifests.
#include "tests/sandbox/sandbox_fixture.h"

#include <QJsonArray>
#include <QTest>

using bc::test::SandboxFixture;

namespace {
const QByteArray kCnpgCluster = "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata:\n  name: pg1\n"
                                "spec:\n  instances: 3\n  storage:\n    size: 1Gi\n"
                                "  bootstrap:\n    initdb:\n      database: orders\n      owner: app\n";
const QByteArray kBackup = "apiVersion: postgresql.cnpg.io/v1\nkind: ScheduledBackup\nmetadata:\n  name: nightly\n"
                           "spec:\n  schedule: \"0 0 0 * * *\"\n  cluster:\n    name: pg1\n";
const QByteArray kVirtualService =
    "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata:\n  name: frontend\n"
    "spec:\n  hosts: [frontend]\n  http:\n  - route:\n    - destination: {host: frontend, subset: v1}\n      weight: 90\n"
    "    - destination: {host: frontend, subset: v2}\n      weight: 10\n";
const QByteArray kWidgetCrd =
    "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n"
    "spec:\n  group: example.com\n  names: {kind: Widget, plural: widgets, singular: widget, shortNames: [wd]}\n"
    "  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n"
    "    schema:\n      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}\n";
} // namespace

class TstSandboxCrds : public QObject {
    Q_OBJECT

private:
    SandboxFixture m_sandbox;

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_sandbox.start({QStringLiteral("--with-crds")}, &error), qPrintable(error));
    }

    void bundledCrdsAreServed()
    {
        const auto r = m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("crd"), QStringLiteral("-o"), QStringLiteral("name")});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        for (const char *name : {"clusters.postgresql.cnpg.io", "scheduledbackups.postgresql.cnpg.io", "backups.postgresql.cnpg.io",
                                 "virtualservices.networking.istio.io", "destinationrules.networking.istio.io"})
            QVERIFY2(r.text().contains(QLatin1String(name)), name);
        const auto res = m_sandbox.kubectl({QStringLiteral("api-resources"), QStringLiteral("--api-group=postgresql.cnpg.io")});
        QVERIFY(res.text().contains(QStringLiteral("clusters")));
    }

    void cnpgClusterApplyReadDelete()
    {
        auto r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 60000, kCnpgCluster);
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QCOMPARE(r.text().trimmed(), QStringLiteral("cluster.postgresql.cnpg.io/pg1 created"));
        r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 60000, kBackup);
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QJsonObject pg = m_sandbox.json({QStringLiteral("get"), QStringLiteral("cluster"), QStringLiteral("pg1")});
        QCOMPARE(pg[QStringLiteral("spec")].toObject()[QStringLiteral("instances")].toInt(), 3);
        QCOMPARE(pg[QStringLiteral("kind")].toString(), QStringLiteral("Cluster"));
        QVERIFY(!pg[QStringLiteral("metadata")].toObject()[QStringLiteral("uid")].toString().isEmpty());
        const auto table = m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("clusters.postgresql.cnpg.io")});
        QCOMPARE(table.text().section(u'\n', 0, 0).simplified(), QStringLiteral("NAME AGE"));
        QVERIFY(table.text().contains(QStringLiteral("pg1")));

        // A second apply of a custom resource uses a JSON merge patch.
        QByteArray changed = kCnpgCluster;
        changed.replace("instances: 3", "instances: 2");
        r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 60000, changed);
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        pg = m_sandbox.json({QStringLiteral("get"), QStringLiteral("cluster"), QStringLiteral("pg1")});
        QCOMPARE(pg[QStringLiteral("spec")].toObject()[QStringLiteral("instances")].toInt(), 2);
        QCOMPARE(pg[QStringLiteral("spec")].toObject()[QStringLiteral("bootstrap")].toObject()[QStringLiteral("initdb")]
                     .toObject()[QStringLiteral("database")].toString(),
                 QStringLiteral("orders"));

        r = m_sandbox.kubectl({QStringLiteral("delete"), QStringLiteral("cluster"), QStringLiteral("pg1")});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QCOMPARE(m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("cluster"), QStringLiteral("pg1")}).exitCode, 1);
        QCOMPARE(m_sandbox.json({QStringLiteral("get"), QStringLiteral("scheduledbackups")})[QStringLiteral("items")].toArray().size(), 1);
    }

    void istioVirtualServiceApplyReadDelete()
    {
        auto r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 60000, kVirtualService);
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QCOMPARE(r.text().trimmed(), QStringLiteral("virtualservice.networking.istio.io/frontend created"));
        const QJsonObject vs = m_sandbox.json({QStringLiteral("get"), QStringLiteral("vs"), QStringLiteral("frontend")});
        const QJsonArray route = vs[QStringLiteral("spec")].toObject()[QStringLiteral("http")].toArray()[0].toObject()[QStringLiteral("route")].toArray();
        QCOMPARE(route.size(), 2);
        QCOMPARE(route[1].toObject()[QStringLiteral("weight")].toInt(), 10);
        // Canary weights are changed with a merge patch, as the app does.
        r = m_sandbox.kubectl({QStringLiteral("patch"), QStringLiteral("virtualservice"), QStringLiteral("frontend"),
                               QStringLiteral("--type=json"), QStringLiteral("-p"),
                               QStringLiteral(R"([{"op":"replace","path":"/spec/http/0/route/1/weight","value":50}])")});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QCOMPARE(m_sandbox.json({QStringLiteral("get"), QStringLiteral("vs"), QStringLiteral("frontend")})[QStringLiteral("spec")]
                     .toObject()[QStringLiteral("http")].toArray()[0].toObject()[QStringLiteral("route")].toArray()[1]
                     .toObject()[QStringLiteral("weight")].toInt(),
                 50);
        r = m_sandbox.kubectl({QStringLiteral("delete"), QStringLiteral("-f"), QStringLiteral("-")}, 60000, kVirtualService);
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QCOMPARE(m_sandbox.json({QStringLiteral("get"), QStringLiteral("vs")})[QStringLiteral("items")].toArray().size(), 0);
    }

    void appliedCrdBecomesServedAndDeletedCrdIsGone()
    {
        auto r = m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("widgets")});
        QCOMPARE(r.exitCode, 1);
        r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 60000, kWidgetCrd);
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        const QJsonObject crd = m_sandbox.json({QStringLiteral("get"), QStringLiteral("crd"), QStringLiteral("widgets.example.com")});
        bool established = false;
        for (const auto &c : crd[QStringLiteral("status")].toObject()[QStringLiteral("conditions")].toArray())
            established = established
                          || (c.toObject()[QStringLiteral("type")].toString() == QStringLiteral("Established")
                              && c.toObject()[QStringLiteral("status")].toString() == QStringLiteral("True"));
        QVERIFY(established);
        r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 60000,
                              "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 3\n");
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QCOMPARE(m_sandbox.json({QStringLiteral("get"), QStringLiteral("wd"), QStringLiteral("w1")})[QStringLiteral("spec")]
                     .toObject()[QStringLiteral("size")].toInt(),
                 3);
        r = m_sandbox.kubectl({QStringLiteral("delete"), QStringLiteral("crd"), QStringLiteral("widgets.example.com")});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        r = m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("--raw"), QStringLiteral("/apis/example.com/v1")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.errText().contains(QStringLiteral("NotFound")));
        r = m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("--raw"), QStringLiteral("/apis")});
        QVERIFY(!r.text().contains(QStringLiteral("example.com")));
        QVERIFY(r.text().contains(QStringLiteral("postgresql.cnpg.io")));
    }
};

QTEST_GUILESS_MAIN(TstSandboxCrds)
#include "tst_sandbox_crds.moc"
