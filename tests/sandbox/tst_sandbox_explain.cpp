// Acceptance: `kubectl explain` (OpenAPI v3, the default of kubectl 1.32) prints the fields of the
// built-in kinds (Kubernetes 1.32's schemas, compiled into the sandbox) and of custom resources
// (their CRD's openAPIV3Schema), and /openapi/v2 answers as a server without protobuf OpenAPI does.
#include "tests/sandbox/sandbox_fixture.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

using bc::test::SandboxFixture;

namespace {
const QByteArray kGadgetCrd =
    "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: gadgets.example.com\n"
    "spec:\n  group: example.com\n  names: {kind: Gadget, plural: gadgets, singular: gadget}\n"
    "  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n"
    "    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          spec:\n"
    "            type: object\n            description: What the gadget should do.\n            properties:\n"
    "              colour: {type: string, description: The colour it is painted.}\n"
    "              size: {type: integer, description: Its size in centimetres.}\n";
} // namespace

class TstSandboxExplain : public QObject {
    Q_OBJECT

private:
    SandboxFixture m_sandbox;

    QByteArray httpGet(const QString &path, const QByteArray &accept, int *status)
    {
        QNetworkAccessManager nam;
        QNetworkRequest request(QUrl(m_sandbox.baseUrl() + path));
        if (!accept.isEmpty())
            request.setRawHeader("Accept", accept);
        QNetworkReply *reply = nam.get(request);
        QSignalSpy done(reply, &QNetworkReply::finished);
        done.wait(20000);
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        reply->deleteLater();
        return body;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_sandbox.start({QStringLiteral("--with-crds")}, &error), qPrintable(error));
    }

    void explainPrintsFields_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("header");
        QTest::addColumn<QStringList>("fields");
        QTest::newRow("service.spec") << QStringLiteral("service.spec") << QStringLiteral("FIELD: spec <ServiceSpec>")
                                      << QStringList{QStringLiteral("clusterIP\t<string>"), QStringLiteral("ports\t<[]ServicePort>"),
                                                     QStringLiteral("selector\t<map[string]string>")};
        QTest::newRow("deployment containers")
            << QStringLiteral("deployment.spec.template.spec.containers") << QStringLiteral("FIELD: containers <[]Container>")
            << QStringList{QStringLiteral("image\t<string>"), QStringLiteral("resources\t<ResourceRequirements>"),
                           QStringLiteral("readinessProbe\t<Probe>")};
        QTest::newRow("clusters.spec (CNPG)")
            << QStringLiteral("clusters.spec") << QStringLiteral("FIELD: spec <Object>")
            << QStringList{QStringLiteral("instances\t<integer>"), QStringLiteral("storage\t<Object>"),
                           QStringLiteral("bootstrap\t<Object>")};
        QTest::newRow("pods (top level)") << QStringLiteral("pods") << QStringLiteral("KIND:       Pod")
                                          << QStringList{QStringLiteral("metadata\t<ObjectMeta>"), QStringLiteral("spec\t<PodSpec>")};
        QTest::newRow("configmap.data") << QStringLiteral("configmap.data") << QStringLiteral("FIELD: data <map[string]string>")
                                        << QStringList{QStringLiteral("Data contains the configuration data.")};
        QTest::newRow("podmetrics (metrics.k8s.io)")
            << QStringLiteral("podmetrics") << QStringLiteral("KIND:       PodMetrics")
            << QStringList{QStringLiteral("containers\t<[]ContainerMetrics>")};
    }

    void explainPrintsFields()
    {
        QFETCH(QString, path);
        QFETCH(QString, header);
        QFETCH(QStringList, fields);
        const auto r = m_sandbox.kubectl({QStringLiteral("explain"), path});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QVERIFY2(r.text().contains(header), qPrintable(r.text().left(400)));
        for (const QString &f : fields)
            QVERIFY2(r.text().contains(f), qPrintable(f + QStringLiteral(" missing in:\n") + r.text().left(1500)));
    }

    void explainFollowsAnAppliedCrd()
    {
        auto r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 60000, kGadgetCrd);
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        r = m_sandbox.kubectl({QStringLiteral("explain"), QStringLiteral("gadgets.spec")});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QVERIFY2(r.text().contains(QStringLiteral("What the gadget should do.")), qPrintable(r.text()));
        QVERIFY(r.text().contains(QStringLiteral("colour\t<string>")));
        QVERIFY(r.text().contains(QStringLiteral("Its size in centimetres.")));
        r = m_sandbox.kubectl({QStringLiteral("explain"), QStringLiteral("gadgets.spec.weight")});
        QVERIFY(!r.ok());
        QVERIFY2(r.errText().contains(QStringLiteral("field \"weight\" does not exist")), qPrintable(r.errText()));
    }

    void openApiV2IsJsonOrNotAcceptable()
    {
        int status = 0;
        const QByteArray json = httpGet(QStringLiteral("/openapi/v2"), "application/json", &status);
        QCOMPARE(status, 200);
        const QJsonObject doc = QJsonDocument::fromJson(json).object();
        QCOMPARE(doc[QStringLiteral("swagger")].toString(), QStringLiteral("2.0"));
        const QJsonObject service =
            doc[QStringLiteral("definitions")].toObject()[QStringLiteral("io.k8s.api.core.v1.Service")].toObject();
        QCOMPARE(service[QStringLiteral("properties")].toObject()[QStringLiteral("spec")].toObject()[QStringLiteral("$ref")].toString(),
                 QStringLiteral("#/definitions/io.k8s.api.core.v1.ServiceSpec"));
        // What client-go's OpenAPISchema() sends: protobuf only. 406 Status (it then falls back).
        const QByteArray refused = httpGet(QStringLiteral("/openapi/v2"), "application/com.github.proto-openapi.spec.v2@v1.0+protobuf", &status);
        QCOMPARE(status, 406);
        QCOMPARE(QJsonDocument::fromJson(refused).object()[QStringLiteral("reason")].toString(), QStringLiteral("NotAcceptable"));
    }

    void applyStillMergesByKeyWithTheSchemas()
    {
        // kubectl computes apply's strategic merge patch from these schemas now: a container added by
        // `set env` survives a re-apply, the list is merged by name, not replaced.
        const QString manifest = SandboxFixture::manifestPath();
        auto r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), manifest}, 90000);
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        r = m_sandbox.kubectl({QStringLiteral("set"), QStringLiteral("env"), QStringLiteral("deployment/frontend"),
                               QStringLiteral("EXTRA=1")});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), manifest}, 90000);
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        const QJsonObject dep = m_sandbox.json({QStringLiteral("get"), QStringLiteral("deployment"), QStringLiteral("frontend")});
        const QJsonArray env = dep[QStringLiteral("spec")].toObject()[QStringLiteral("template")].toObject()[QStringLiteral("spec")]
                                   .toObject()[QStringLiteral("containers")].toArray()[0].toObject()[QStringLiteral("env")].toArray();
        QStringList names;
        for (const auto &e : env)
            names << e.toObject()[QStringLiteral("name")].toString();
        QVERIFY2(names.contains(QStringLiteral("EXTRA")), qPrintable(names.join(u',')));
        QVERIFY2(names.contains(QStringLiteral("PORT")), qPrintable(names.join(u',')));
    }
};

QTEST_GUILESS_MAIN(TstSandboxExplain)
#include "tst_sandbox_explain.moc"
