// Acceptance: wire details kubectl relies on (protobuf generators, OpenAPI validation, server-side
// Table columns), Status errors for bad requests, and --state across restarts.
#include "tests/sandbox/sandbox_fixture.h"

#include <QJsonArray>
#include <QMap>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using bc::test::SandboxFixture;

class TstSandboxApi : public QObject {
    Q_OBJECT

private:
    SandboxFixture m_sandbox;
    QNetworkAccessManager m_nam;

    struct HttpResult {
        int code = 0;
        QJsonObject body;
    };

    HttpResult http(const QByteArray &verb, const QString &path, const QByteArray &body, const QByteArray &contentType)
    {
        QNetworkRequest req(QUrl(m_sandbox.baseUrl() + path));
        req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        QNetworkReply *reply = m_nam.sendCustomRequest(req, verb, body);
        QSignalSpy done(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            done.wait(10000);
        HttpResult r{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                     QJsonDocument::fromJson(reply->readAll()).object()};
        reply->deleteLater();
        return r;
    }

    static void checkStatus(const HttpResult &r, int code, const QString &reason)
    {
        QCOMPARE(r.code, code);
        QCOMPARE(r.body[QStringLiteral("kind")].toString(), QStringLiteral("Status"));
        QCOMPARE(r.body[QStringLiteral("apiVersion")].toString(), QStringLiteral("v1"));
        QCOMPARE(r.body[QStringLiteral("status")].toString(), QStringLiteral("Failure"));
        QCOMPARE(r.body[QStringLiteral("code")].toInt(), code);
        QCOMPARE(r.body[QStringLiteral("reason")].toString(), reason);
        QVERIFY(!r.body[QStringLiteral("message")].toString().isEmpty());
    }

    QString header(const QStringList &args) const
    {
        return m_sandbox.kubectl(args).text().section(u'\n', 0, 0).simplified();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_sandbox.start({QStringLiteral("--pod-start-delay"), QStringLiteral("0.5"), QStringLiteral("--time-scale"),
                                  QStringLiteral("0.2")},
                                 &error),
                 qPrintable(error));
    }

    void versionPicksTheV132Client()
    {
        const auto r = m_sandbox.kubectl({QStringLiteral("version")});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QVERIFY(r.text().contains(QStringLiteral("Server Version: v1.32.0")));
    }

    void protobufGenerators()
    {
        auto r = m_sandbox.kubectl({QStringLiteral("create"), QStringLiteral("namespace"), QStringLiteral("demo")});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QCOMPARE(r.text().trimmed(), QStringLiteral("namespace/demo created"));
        QCOMPARE(m_sandbox.json({QStringLiteral("get"), QStringLiteral("ns"), QStringLiteral("demo")})[QStringLiteral("status")]
                     .toObject()[QStringLiteral("phase")].toString(),
                 QStringLiteral("Active"));

        r = m_sandbox.kubectl({QStringLiteral("create"), QStringLiteral("configmap"), QStringLiteral("x"),
                               QStringLiteral("--from-literal=a=b")});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QCOMPARE(m_sandbox.json({QStringLiteral("get"), QStringLiteral("cm"), QStringLiteral("x")})[QStringLiteral("data")]
                     .toObject()[QStringLiteral("a")].toString(),
                 QStringLiteral("b"));

        r = m_sandbox.kubectl({QStringLiteral("create"), QStringLiteral("secret"), QStringLiteral("generic"), QStringLiteral("s"),
                               QStringLiteral("-n"), QStringLiteral("demo"), QStringLiteral("--from-literal=k=v")});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QCOMPARE(m_sandbox.json({QStringLiteral("get"), QStringLiteral("secret"), QStringLiteral("s"), QStringLiteral("-n"),
                                 QStringLiteral("demo")})[QStringLiteral("data")]
                     .toObject()[QStringLiteral("k")].toString(),
                 QStringLiteral("dg=="));

        r = m_sandbox.kubectl({QStringLiteral("create"), QStringLiteral("namespace"), QStringLiteral("demo")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.errText().contains(QStringLiteral("AlreadyExists")));
    }

    void applyValidatesAgainstOpenApi()
    {
        const QByteArray doc = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {app: web}\n"
                               "spec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n"
                               "  template:\n    metadata:\n      labels: {app: web}\n"
                               "    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n"
                               "        ports:\n        - containerPort: 80\n";
        auto r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 60000, doc);
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QCOMPARE(r.text().trimmed(), QStringLiteral("deployment.apps/web created"));
        // Second apply with a change goes through strategic merge patch.
        QByteArray changed = doc;
        changed.replace("nginx:1.27", "nginx:1.28");
        r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 60000, changed);
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QCOMPARE(r.text().trimmed(), QStringLiteral("deployment.apps/web configured"));
        const QJsonObject web = m_sandbox.json({QStringLiteral("get"), QStringLiteral("deploy"), QStringLiteral("web")});
        const QJsonObject spec = web[QStringLiteral("spec")].toObject();
        QCOMPARE(spec[QStringLiteral("template")].toObject()[QStringLiteral("spec")].toObject()[QStringLiteral("containers")]
                     .toArray()[0].toObject()[QStringLiteral("image")].toString(),
                 QStringLiteral("nginx:1.28"));
        QCOMPARE(web[QStringLiteral("metadata")].toObject()[QStringLiteral("generation")].toInt(), 2);
        r = m_sandbox.kubectl({QStringLiteral("rollout"), QStringLiteral("status"), QStringLiteral("deploy/web"),
                               QStringLiteral("--timeout=60s")});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        // The rollout's result: the new ReplicaSet runs nginx:1.28, the old one is kept at 0 replicas
        // (revisionHistoryLimit 10) with its revision, for `rollout undo`.
        const auto rolledOut = [&] {
            const QJsonArray sets = m_sandbox.json({QStringLiteral("get"), QStringLiteral("rs"), QStringLiteral("-l"),
                                                    QStringLiteral("app=web")})[QStringLiteral("items")].toArray();
            QMap<QString, QJsonObject> byImage;
            for (const QJsonValue &rs : sets)
                byImage[rs[QStringLiteral("spec")][QStringLiteral("template")][QStringLiteral("spec")]
                            [QStringLiteral("containers")][0][QStringLiteral("image")].toString()] = rs.toObject();
            const QJsonObject now = byImage.value(QStringLiteral("nginx:1.28"));
            const QJsonObject old = byImage.value(QStringLiteral("nginx:1.27"));
            const auto revision = [](const QJsonObject &rs) {
                return rs[QStringLiteral("metadata")][QStringLiteral("annotations")]
                    [QStringLiteral("deployment.kubernetes.io/revision")].toString();
            };
            return sets.size() == 2 && now[QStringLiteral("status")][QStringLiteral("readyReplicas")].toInt() == 2
                && old[QStringLiteral("spec")][QStringLiteral("replicas")].toInt(-1) == 0
                && old[QStringLiteral("status")][QStringLiteral("replicas")].toInt(-1) == 0 && revision(old) == QStringLiteral("1")
                && revision(now) == QStringLiteral("2");
        };
        QTRY_VERIFY_WITH_TIMEOUT(rolledOut(), 15000);
    }

    void serverSideTableColumns()
    {
        QCOMPARE(header({QStringLiteral("get"), QStringLiteral("pods")}), QStringLiteral("NAME READY STATUS RESTARTS AGE"));
        QCOMPARE(header({QStringLiteral("get"), QStringLiteral("deploy")}), QStringLiteral("NAME READY UP-TO-DATE AVAILABLE AGE"));
        QCOMPARE(header({QStringLiteral("get"), QStringLiteral("rs")}), QStringLiteral("NAME DESIRED CURRENT READY AGE"));
        QCOMPARE(header({QStringLiteral("get"), QStringLiteral("svc")}),
                 QStringLiteral("NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE"));
        QCOMPARE(header({QStringLiteral("get"), QStringLiteral("nodes")}), QStringLiteral("NAME STATUS ROLES AGE VERSION"));
        QCOMPARE(header({QStringLiteral("get"), QStringLiteral("ns")}), QStringLiteral("NAME STATUS AGE"));
        QCOMPARE(header({QStringLiteral("get"), QStringLiteral("cm")}), QStringLiteral("NAME DATA AGE"));
        QCOMPARE(header({QStringLiteral("get"), QStringLiteral("secrets"), QStringLiteral("-n"), QStringLiteral("demo")}),
                 QStringLiteral("NAME TYPE DATA AGE"));
        const auto nodes = m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("nodes")});
        QCOMPARE(nodes.text().count(QStringLiteral(" Ready ")), 3);
        const auto svc = m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("svc"), QStringLiteral("kubernetes")});
        QVERIFY(svc.text().contains(QRegularExpression(QStringLiteral("kubernetes\\s+ClusterIP\\s+10\\.96\\.0\\.1\\s+<none>\\s+443/TCP"))));
    }

    void badRequestsGetStatusErrors()
    {
        const QByteArray json = "application/json";
        checkStatus(http("POST", QStringLiteral("/api/v1/namespaces/default/configmaps"), "{not json", json), 400,
                    QStringLiteral("BadRequest"));
        checkStatus(http("POST", QStringLiteral("/api/v1/namespaces/default/configmaps"), "a: [b", "application/yaml"), 400,
                    QStringLiteral("BadRequest"));
        checkStatus(http("POST", QStringLiteral("/api/v1/namespaces/default/configmaps"),
                         R"({"apiVersion":"v1","kind":"Foo","metadata":{"name":"f"}})", json),
                    400, QStringLiteral("BadRequest"));
        checkStatus(http("POST", QStringLiteral("/api/v1/namespaces/default/configmaps"),
                         R"({"apiVersion":"apps/v1","kind":"ConfigMap","metadata":{"name":"f"}})", json),
                    400, QStringLiteral("BadRequest"));
        const HttpResult missing = http("PATCH", QStringLiteral("/api/v1/namespaces/default/configmaps/nope"),
                                        R"({"data":{"a":"b"}})", "application/merge-patch+json");
        checkStatus(missing, 404, QStringLiteral("NotFound"));
        QCOMPARE(missing.body[QStringLiteral("message")].toString(), QStringLiteral("configmaps \"nope\" not found"));
        checkStatus(http("PATCH", QStringLiteral("/apis/apps/v1/namespaces/default/deployments/nope"), "{}",
                         "application/strategic-merge-patch+json"),
                    404, QStringLiteral("NotFound"));
        checkStatus(http("GET", QStringLiteral("/apis/example.com/v1/namespaces/default/bars"), {}, json), 404,
                    QStringLiteral("NotFound"));
        checkStatus(http("POST", QStringLiteral("/api/v1/namespaces/nowhere/configmaps"),
                         R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"f"}})", json),
                    404, QStringLiteral("NotFound"));
        checkStatus(http("POST", QStringLiteral("/api/v1/namespaces/default/configmaps"),
                         R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}})", json),
                    409, QStringLiteral("AlreadyExists"));
        checkStatus(http("POST", QStringLiteral("/api/v1/namespaces/default/configmaps"),
                         R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Bad_Name"}})", json),
                    422, QStringLiteral("Invalid"));

        // Patches that would leave an object the controllers cannot read are refused.
        const QString web = QStringLiteral("/apis/apps/v1/namespaces/default/deployments/web");
        checkStatus(http("PATCH", web, R"([{"op":"remove","path":"/spec/template"}])", "application/json-patch+json"), 422,
                    QStringLiteral("Invalid"));
        checkStatus(http("PATCH", web, R"({"spec":{"replicas":"many"}})", "application/merge-patch+json"), 422,
                    QStringLiteral("Invalid"));
        checkStatus(http("PATCH", web, R"([{"op":"remove","path":"/nope"}])", "application/json-patch+json"), 422,
                    QStringLiteral("Invalid"));
        checkStatus(http("PATCH", web, R"({"spec":{}})", "text/plain"), 415, QStringLiteral("UnsupportedMediaType"));
        checkStatus(http("PUT", web, R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"other"}})", json), 400,
                    QStringLiteral("BadRequest"));

        // kubectl's view of the same errors.
        auto r = m_sandbox.kubectl({QStringLiteral("patch"), QStringLiteral("deploy"), QStringLiteral("nope"), QStringLiteral("-p"),
                                    QStringLiteral("{\"spec\":{\"replicas\":2}}")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.errText().contains(QStringLiteral("Error from server (NotFound): deployments.apps \"nope\" not found")),
                 qPrintable(r.errText()));
        const QByteArray unknownKind = "apiVersion: example.com/v1\nkind: Foo\nmetadata:\n  name: f\n";
        r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 60000, unknownKind);
        QCOMPARE(r.exitCode, 1); // OpenAPI has no such group: validation fails first
        r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("--validate=false"), QStringLiteral("-f"), QStringLiteral("-")},
                              60000, unknownKind);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.errText().contains(QStringLiteral("no matches for kind \"Foo\" in version \"example.com/v1\"")),
                 qPrintable(r.errText()));
        r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 60000,
                              "apiVersion: v1\nkind: ConfigMap\nmetadata: [broken\n");
        QCOMPARE(r.exitCode, 1);

        QVERIFY(m_sandbox.running());
        QVERIFY(m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("ns"), QStringLiteral("demo")}).ok());
    }

    void stateSurvivesRestart()
    {
        SandboxFixture first;
        QString error;
        QTemporaryDir stateDir;
        const QString state = stateDir.filePath(QStringLiteral("state.json"));
        QVERIFY2(first.start({QStringLiteral("--state"), state}, &error), qPrintable(error));
        QVERIFY(first.kubectl({QStringLiteral("create"), QStringLiteral("configmap"), QStringLiteral("kept"),
                               QStringLiteral("--from-literal=k=v")})
                    .ok());
        first.stop();
        QVERIFY(QFile::exists(state));
        SandboxFixture second;
        QVERIFY2(second.start({QStringLiteral("--state"), state}, &error), qPrintable(error));
        QCOMPARE(second.json({QStringLiteral("get"), QStringLiteral("cm"), QStringLiteral("kept")})[QStringLiteral("data")]
                     .toObject()[QStringLiteral("k")].toString(),
                 QStringLiteral("v"));
        // Fresh by default: the main sandbox never saw "kept".
        QCOMPARE(m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("cm"), QStringLiteral("kept")}).exitCode, 1);
    }
};

QTEST_GUILESS_MAIN(TstSandboxApi)
#include "tst_sandbox_api.moc"
