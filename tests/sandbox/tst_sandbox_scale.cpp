// Acceptance: 1,000 pods — the sandbox answers the list in < 250 ms, `kubectl get pods -o json` returns
// all of them, the sandbox stays under 200 MB RSS, and a watch keeps streaming while pods change.
// kubectl's own time (wall and CPU) and 30,000 pods are bench/sandbox's: on a loaded machine they measure
// the machine.
#include "tests/sandbox/sandbox_fixture.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>

#include <QTest>

using bc::test::SandboxFixture;

class TstSandboxScale : public QObject {
    Q_OBJECT

private:
    SandboxFixture m_sandbox;

    int available() const
    {
        return m_sandbox.json({QStringLiteral("get"), QStringLiteral("deploy"), QStringLiteral("bulk")})[QStringLiteral("status")]
            .toObject()[QStringLiteral("availableReplicas")]
            .toInt();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_sandbox.start({QStringLiteral("--nodes"), QStringLiteral("10"), QStringLiteral("--pod-start-delay"),
                                  QStringLiteral("1"), QStringLiteral("--time-scale"), QStringLiteral("0.2"),
                                  QStringLiteral("--max-events"), QStringLiteral("1000")},
                                 &error),
                 qPrintable(error));
    }

    void thousandPods()
    {
        const QByteArray doc = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bulk\n"
                               "spec:\n  replicas: 1000\n  selector:\n    matchLabels: {app: bulk}\n"
                               "  template:\n    metadata:\n      labels: {app: bulk}\n"
                               "    spec:\n      containers:\n      - name: app\n        image: busybox:1.36\n"
                               "        resources:\n          requests: {cpu: 10m, memory: 16Mi}\n"
                               "          limits: {cpu: 100m, memory: 64Mi}\n";
        auto r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 60000, doc);
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QVERIFY(SandboxFixture::waitFor([&] { return available() == 1000; }, 60000));

        r = m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-o"), QStringLiteral("json")});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QCOMPARE(QJsonDocument::fromJson(r.out).object()[QStringLiteral("items")].toArray().size(), 1000);
        QElapsedTimer server;
        server.start();
        QNetworkAccessManager nam;
        QNetworkReply *reply = nam.get(QNetworkRequest(QUrl(m_sandbox.baseUrl() + QStringLiteral("/api/v1/namespaces/default/pods"))));  // the whole list: limit is honoured now
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(reply->isFinished() || done.wait(10000));
        const qint64 serverMs = server.elapsed();
        QVERIFY(reply->readAll().size() > 1000000);
        reply->deleteLater();
        qInfo("API list answer, 1000 pods: %lld ms", serverMs);
        QVERIFY2(serverMs < 250, qPrintable(QString::number(serverMs)));
        const long rss = m_sandbox.rssKb();
        qInfo("sandbox RSS with 1000 pods: %ld KiB", rss);
        QVERIFY(rss > 0);
        QVERIFY2(rss < 200 * 1024, qPrintable(QString::number(rss)));

        // A watch streams while the deployment shrinks.
        auto watch = m_sandbox.startKubectl({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-w"),
                                             QStringLiteral("--output-watch-events")});
        QByteArray seen;
        QVERIFY(SandboxFixture::waitFor(
            [&] {
                seen += watch->readAllStandardOutput();
                return seen.count('\n') >= 1000;
            },
            20000));
        QVERIFY(m_sandbox.kubectl({QStringLiteral("scale"), QStringLiteral("deploy/bulk"), QStringLiteral("--replicas=900")}).ok());
        QVERIFY(SandboxFixture::waitFor(
            [&] {
                seen += watch->readAllStandardOutput();
                return seen.count("DELETED") >= 100;
            },
            30000));
        watch->kill();
        watch->waitForFinished(2000);
        QVERIFY(SandboxFixture::waitFor([&] { return available() == 900; }, 30000));
    }
};

QTEST_GUILESS_MAIN(TstSandboxScale)
#include "tst_sandbox_scale.moc"
