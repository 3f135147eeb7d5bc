// Acceptance: the upstream Online Boutique manifest on the sandbox, driven by the real kubectl.
#include "tests/sandbox/sandbox_fixture.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

using bc::test::SandboxFixture;

class TstSandboxBoutique : public QObject {
    Q_OBJECT

private:
    SandboxFixture m_sandbox;

    QJsonArray items(const QStringList &args) const { return m_sandbox.json(args).value(QStringLiteral("items")).toArray(); }

    int availableDeployments() const
    {
        int n = 0;
        for (const auto &d : items({QStringLiteral("get"), QStringLiteral("deploy")}))
            if (d.toObject()[QStringLiteral("status")].toObject()[QStringLiteral("availableReplicas")].toInt()
                    == d.toObject()[QStringLiteral("spec")].toObject()[QStringLiteral("replicas")].toInt())
                ++n;
        return n;
    }

    int readyPods(const QString &selector) const
    {
        int n = 0;
        for (const auto &p : items({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-l"), selector})) {
            const QJsonObject o = p.toObject();
            if (o[QStringLiteral("metadata")].toObject().contains(QStringLiteral("deletionTimestamp")))
                continue;
            for (const auto &c : o[QStringLiteral("status")].toObject()[QStringLiteral("conditions")].toArray())
                if (c.toObject()[QStringLiteral("type")].toString() == QStringLiteral("Ready")
                    && c.toObject()[QStringLiteral("status")].toString() == QStringLiteral("True"))
                    ++n;
        }
        return n;
    }

    int endpointAddresses(const QString &service) const
    {
        const QJsonObject ep = m_sandbox.json({QStringLiteral("get"), QStringLiteral("endpoints"), service});
        int n = 0;
        for (const auto &s : ep[QStringLiteral("subsets")].toArray())
            n += int(s.toObject()[QStringLiteral("addresses")].toArray().size());
        return n;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(SandboxFixture::manifestPath()),
                 qPrintable(QStringLiteral("missing upstream manifest ") + SandboxFixture::manifestPath()));
        QString error;
        QVERIFY2(m_sandbox.start({QStringLiteral("--pod-start-delay"), QStringLiteral("1"), QStringLiteral("--lb-delay"),
                                  QStringLiteral("1"), QStringLiteral("--time-scale"), QStringLiteral("0.2")},
                                 &error),
                 qPrintable(error));
    }

    void clientSideApplyAndWatchUntilAvailable()
    {
        const auto r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), SandboxFixture::manifestPath()});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QCOMPARE(r.text().count(QRegularExpression(QStringLiteral("^deployment\\.apps/\\S+ created$"),
                                                   QRegularExpression::MultilineOption)),
                 12);
        QVERIFY(r.text().contains(QStringLiteral("service/frontend-external created")));
        QVERIFY(r.text().contains(QStringLiteral("serviceaccount/cartservice created")));

        // get deploy -w prints server-side Table rows until every deployment is 1/1 available.
        auto watch = m_sandbox.startKubectl({QStringLiteral("get"), QStringLiteral("deploy"), QStringLiteral("-w")});
        QMap<QString, QString> ready;
        QByteArray buffer;
        const bool allAvailable = SandboxFixture::waitFor(
            [&] {
                buffer += watch->readAllStandardOutput();
                qsizetype nl;
                while ((nl = buffer.indexOf('\n')) >= 0) {
                    const QStringList cols = QString::fromUtf8(buffer.left(nl)).simplified().split(u' ');
                    buffer.remove(0, nl + 1);
                    if (cols.size() >= 4 && cols[0] != QStringLiteral("NAME"))
                        ready[cols[0]] = cols[1] + u' ' + cols[3];
                }
                return ready.size() == 12
                       && std::all_of(ready.begin(), ready.end(), [](const QString &v) { return v == QStringLiteral("1/1 1"); });
            },
            30000);
        watch->kill();
        watch->waitForFinished(2000);
        QVERIFY2(allAvailable, qPrintable(QStringList(ready.keys()).join(u',')));
        QCOMPARE(availableDeployments(), 12);
    }

    void getAndDescribePods()
    {
        const auto r = m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("pods")});
        QVERIFY(r.ok());
        const QStringList lines = r.text().split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.value(0).simplified(), QStringLiteral("NAME READY STATUS RESTARTS AGE"));
        QCOMPARE(lines.size(), 13);
        for (const QString &l : lines.mid(1))
            QVERIFY2(l.simplified().split(u' ').value(2) == QStringLiteral("Running"), qPrintable(l));

        const auto wide = m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-o"), QStringLiteral("wide")});
        QVERIFY(wide.text().section(u'\n', 0, 0).simplified().startsWith(
            QStringLiteral("NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES")));

        const auto d = m_sandbox.kubectl({QStringLiteral("describe"), QStringLiteral("pods"), QStringLiteral("-l"),
                                          QStringLiteral("app=frontend")});
        QVERIFY2(d.ok(), qPrintable(d.errText()));
        QVERIFY(d.text().contains(QRegularExpression(QStringLiteral("Status:\\s+Running"))));
        QVERIFY(d.text().contains(QStringLiteral("Successfully assigned default/frontend-")));
        QVERIFY(d.text().contains(QStringLiteral("Started container server")));
        QVERIFY(!d.text().contains(QStringLiteral("Successfully assigned default/cartservice"))); // only its own events

        // The LoadBalancer service gets a loopback address; endpoints follow the ready pod.
        QVERIFY(SandboxFixture::waitFor(
            [&] {
                const QJsonObject svc = m_sandbox.json({QStringLiteral("get"), QStringLiteral("svc"), QStringLiteral("frontend-external")});
                return svc[QStringLiteral("status")].toObject()[QStringLiteral("loadBalancer")].toObject()[QStringLiteral("ingress")]
                    .toArray()
                    .at(0)
                    .toObject()[QStringLiteral("ip")]
                    .toString()
                    .startsWith(QStringLiteral("127."));
            },
            15000));
        QCOMPARE(endpointAddresses(QStringLiteral("frontend")), 1);
    }

    void scaleAndRolloutStatus()
    {
        auto r = m_sandbox.kubectl({QStringLiteral("scale"), QStringLiteral("deploy"), QStringLiteral("frontend"),
                                    QStringLiteral("--replicas=3")});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QCOMPARE(r.text().trimmed(), QStringLiteral("deployment.apps/frontend scaled"));
        r = m_sandbox.kubectl({QStringLiteral("rollout"), QStringLiteral("status"), QStringLiteral("deploy/frontend"),
                               QStringLiteral("--timeout=60s")});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QVERIFY(r.text().contains(QStringLiteral("deployment \"frontend\" successfully rolled out")));
        QCOMPARE(readyPods(QStringLiteral("app=frontend")), 3);
        QVERIFY(SandboxFixture::waitFor([&] { return endpointAddresses(QStringLiteral("frontend")) == 3; }, 10000));

        r = m_sandbox.kubectl({QStringLiteral("scale"), QStringLiteral("deploy"), QStringLiteral("frontend"),
                               QStringLiteral("--replicas=1")});
        QVERIFY(r.ok());
        QVERIFY(SandboxFixture::waitFor(
            [&] { return items({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-l"), QStringLiteral("app=frontend")}).size() == 1; },
            20000));
        QCOMPARE(endpointAddresses(QStringLiteral("frontend")), 1);
    }

    void logsFollowEndsWithThePod()
    {
        const QString pod = m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-l"),
                                               QStringLiteral("app=cartservice"), QStringLiteral("-o"), QStringLiteral("name")})
                                .text()
                                .trimmed();
        QVERIFY(pod.startsWith(QStringLiteral("pod/cartservice-")));
        const auto tail = m_sandbox.kubectl({QStringLiteral("logs"), pod, QStringLiteral("--tail=1")});
        QVERIFY2(tail.ok(), qPrintable(tail.errText()));
        QCOMPARE(tail.text().count(u'\n'), 1);
        QVERIFY(tail.text().contains(QStringLiteral("listening on port 7070")));

        auto follow = m_sandbox.startKubectl({QStringLiteral("logs"), QStringLiteral("-f"), pod});
        QByteArray seen;
        QVERIFY(SandboxFixture::waitFor(
            [&] {
                seen += follow->readAllStandardOutput();
                return seen.contains("listening on port 7070");
            },
            10000));
        QVERIFY(m_sandbox.kubectl({QStringLiteral("delete"), pod, QStringLiteral("--wait=false")}).ok());
        QVERIFY(follow->waitForFinished(20000));
        seen += follow->readAllStandardOutput();
        QCOMPARE(follow->exitCode(), 0);
        QVERIFY(seen.contains("shutting down"));
    }

    void topAndRawMetrics()
    {
        // The pod deleted by the previous case is replaced; wait until its successor reports too.
        QStringList lines;
        const auto topPods = [&] {
            const auto top = m_sandbox.kubectl({QStringLiteral("top"), QStringLiteral("pods")});
            lines = top.ok() ? top.text().split(u'\n', Qt::SkipEmptyParts) : QStringList();
            return lines.size();
        };
        QTRY_VERIFY_WITH_TIMEOUT(topPods() >= 12, 20000);
        QCOMPARE(lines.value(0).simplified(), QStringLiteral("NAME CPU(cores) MEMORY(bytes)"));
        QVERIFY(lines.value(1).contains(QRegularExpression(QStringLiteral("\\s\\d+m\\s+\\d+Mi"))));

        const auto nodes = m_sandbox.kubectl({QStringLiteral("top"), QStringLiteral("nodes")});
        QVERIFY2(nodes.ok(), qPrintable(nodes.errText()));
        QVERIFY(nodes.text().contains(QRegularExpression(QStringLiteral("node-1\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%"))));

        // Pods being replaced after the scale above report no metrics until they run again: wait for all 12.
        QJsonObject list;
        const auto rawMetrics = [&] {
            const auto raw = m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("--raw"),
                                                QStringLiteral("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods")});
            list = raw.ok() ? QJsonDocument::fromJson(raw.out).object() : QJsonObject();
            return list[QStringLiteral("items")].toArray().size();
        };
        QTRY_VERIFY_WITH_TIMEOUT(rawMetrics() >= 12, 20000);
        QCOMPARE(list[QStringLiteral("kind")].toString(), QStringLiteral("PodMetricsList"));
        const QJsonArray metrics = list[QStringLiteral("items")].toArray();
        const QJsonObject usage = metrics[0].toObject()[QStringLiteral("containers")].toArray()[0].toObject()[QStringLiteral("usage")].toObject();
        QVERIFY(usage[QStringLiteral("cpu")].toString().endsWith(u'n'));
        QVERIFY(usage[QStringLiteral("memory")].toString().endsWith(QStringLiteral("Ki")));
    }

    void deleteFile()
    {
        const auto r = m_sandbox.kubectl({QStringLiteral("delete"), QStringLiteral("-f"), SandboxFixture::manifestPath()});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QVERIFY(r.text().contains(QStringLiteral("deployment.apps \"frontend\" deleted")));
        QCOMPARE(items({QStringLiteral("get"), QStringLiteral("deploy")}).size(), 0);
        QCOMPARE(items({QStringLiteral("get"), QStringLiteral("rs")}).size(), 0);
        QVERIFY(SandboxFixture::waitFor([&] { return items({QStringLiteral("get"), QStringLiteral("pods")}).isEmpty(); }, 20000));
        QCOMPARE(items({QStringLiteral("get"), QStringLiteral("svc")}).size(), 1); // kubernetes
    }

    void serverSideApply()
    {
        auto r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("--server-side"), QStringLiteral("-f"),
                                    SandboxFixture::manifestPath()});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QCOMPARE(r.text().count(QStringLiteral("serverside-applied")), 35);
        QVERIFY(SandboxFixture::waitFor([&] { return availableDeployments() == 12; }, 30000));
        // Server-side apply again with a change: replicas of one deployment through stdin.
        const QJsonObject live = m_sandbox.json({QStringLiteral("get"), QStringLiteral("deploy"), QStringLiteral("redis-cart")});
        QCOMPARE(live[QStringLiteral("spec")].toObject()[QStringLiteral("template")].toObject()[QStringLiteral("spec")]
                     .toObject()[QStringLiteral("containers")].toArray()[0].toObject()[QStringLiteral("name")].toString(),
                 QStringLiteral("redis"));
        const QByteArray patch = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: redis-cart\n"
                                 "spec:\n  replicas: 2\n  selector:\n    matchLabels: {app: redis-cart}\n"
                                 "  template:\n    metadata:\n      labels: {app: redis-cart}\n"
                                 "    spec:\n      containers:\n      - name: redis\n        image: redis:alpine\n";
        r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("--server-side"), QStringLiteral("--force-conflicts"),
                               QStringLiteral("--field-manager=test"), QStringLiteral("-f"), QStringLiteral("-")},
                              60000, patch);
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QVERIFY(SandboxFixture::waitFor([&] { return readyPods(QStringLiteral("app=redis-cart")) == 2; }, 20000));
        r = m_sandbox.kubectl({QStringLiteral("delete"), QStringLiteral("-f"), SandboxFixture::manifestPath()});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QVERIFY(m_sandbox.running());
    }
};

QTEST_GUILESS_MAIN(TstSandboxBoutique)
#include "tst_sandbox_boutique.moc"
