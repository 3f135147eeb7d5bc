// Acceptance (issue 20, point 4): pods fail on the sandbox as they do on a cluster, selected through the pod
// spec, and the real kubectl reads why: `describe pod` (status and Events) and `get events`. An image that
// cannot be pulled (unknown tag, unknown registry), a command that exits, failing exec probes, a pod that
// fits no node; and a command the sandbox cannot read keeps running.
#include "tests/sandbox/sandbox_fixture.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

using bc::test::SandboxFixture;

class TstSandboxFailures : public QObject {
    Q_OBJECT

private:
    SandboxFixture m_sandbox;

    static QByteArray deployment(const QByteArray &name, const QByteArray &containerBody)
    {
        return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name
               + "\nspec:\n  selector:\n    matchLabels: {app: " + name + "}\n  template:\n    metadata:\n"
                 "      labels: {app: "
               + name + "}\n    spec:\n      containers:\n      - name: app\n" + containerBody;
    }

    void apply(const QByteArray &yaml)
    {
        const auto r = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 30000, yaml);
        QVERIFY2(r.ok(), qPrintable(r.errText()));
    }

    QJsonObject pod(const QString &app) const
    {
        return m_sandbox.json({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-l"), QStringLiteral("app=") + app})
            [QStringLiteral("items")].toArray().first().toObject();
    }

    static QJsonObject container(const QJsonObject &pod)
    {
        return pod[QStringLiteral("status")].toObject()[QStringLiteral("containerStatuses")].toArray().first().toObject();
    }

    static QString waitingReason(const QJsonObject &pod)
    {
        return container(pod)[QStringLiteral("state")].toObject()[QStringLiteral("waiting")].toObject()[QStringLiteral("reason")].toString();
    }

    QString describe(const QString &app) const
    {
        return m_sandbox.kubectl({QStringLiteral("describe"), QStringLiteral("pod"), QStringLiteral("-l"), QStringLiteral("app=") + app}).text();
    }

    // `kubectl get events` about one pod, as (reason, message) pairs.
    QList<QPair<QString, QString>> events(const QString &podName) const
    {
        QList<QPair<QString, QString>> out;
        const QJsonObject list = m_sandbox.json({QStringLiteral("get"), QStringLiteral("events"), QStringLiteral("--field-selector"),
                                                 QStringLiteral("involvedObject.name=") + podName});
        for (const auto &v : list[QStringLiteral("items")].toArray())
            out.append({v.toObject()[QStringLiteral("reason")].toString(), v.toObject()[QStringLiteral("message")].toString()});
        return out;
    }

    static bool hasEvent(const QList<QPair<QString, QString>> &events, const QString &reason, const QString &text)
    {
        for (const auto &[r, m] : events)
            if (r == reason && m.contains(text))
                return true;
        return false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_sandbox.start({QStringLiteral("--pod-start-delay"), QStringLiteral("1"), QStringLiteral("--time-scale"),
                                  QStringLiteral("0.1")},
                                 &error),
                 qPrintable(error));
    }

    void unknownTagIsImagePullBackOff()
    {
        apply(deployment("badtag", "        image: busybox:does-not-exist\n"));
        QVERIFY(SandboxFixture::waitFor([&] { return waitingReason(pod(QStringLiteral("badtag"))) == QLatin1String("ImagePullBackOff"); }, 20000));
        const QJsonObject p = pod(QStringLiteral("badtag"));
        QCOMPARE(p[QStringLiteral("status")].toObject()[QStringLiteral("phase")].toString(), QStringLiteral("Pending"));
        QCOMPARE(container(p)[QStringLiteral("ready")].toBool(), false);
        // The kubelet alternates ErrImagePull (each pull) and ImagePullBackOff (between pulls), as a real one.
        QString text;
        QVERIFY2(SandboxFixture::waitFor([&] {
                     text = describe(QStringLiteral("badtag"));
                     return text.contains(QStringLiteral("Reason:       ImagePullBackOff"));
                 }, 20000),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Failed to pull image \"busybox:does-not-exist\"")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Error: ErrImagePull")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Back-off pulling image \"busybox:does-not-exist\"")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Error: ImagePullBackOff")), qPrintable(text));
        const auto ev = events(p[QStringLiteral("metadata")].toObject()[QStringLiteral("name")].toString());
        QVERIFY(hasEvent(ev, QStringLiteral("Failed"), QStringLiteral("docker.io/library/busybox:does-not-exist: not found")));
        QVERIFY(hasEvent(ev, QStringLiteral("Pulling"), QStringLiteral("Pulling image \"busybox:does-not-exist\"")));
        QVERIFY(!hasEvent(ev, QStringLiteral("Started"), QString()));
        // Retried with back-off: the pull is tried again and the Event counts up.
        QVERIFY(SandboxFixture::waitFor([&] { return describe(QStringLiteral("badtag")).contains(QRegularExpression(QStringLiteral("\\(x[2-9] over"))); }, 20000));
        const auto table = m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-l"), QStringLiteral("app=badtag")});
        QVERIFY2(table.text().contains(QRegularExpression(QStringLiteral("0/1\\s+(ImagePullBackOff|ErrImagePull)"))), qPrintable(table.text()));
    }

    void unknownRegistryIsErrImagePull()
    {
        apply(deployment("badhost", "        image: registry.invalid/shop/app:1.0\n"));
        QString seen;
        QVERIFY(SandboxFixture::waitFor(
            [&] {
                const QJsonObject c = container(pod(QStringLiteral("badhost")));
                seen = c[QStringLiteral("state")].toObject()[QStringLiteral("waiting")].toObject()[QStringLiteral("message")].toString();
                return seen.contains(QStringLiteral("lookup registry.invalid: no such host"));
            },
            20000));
        const QString text = describe(QStringLiteral("badhost"));
        QVERIFY2(text.contains(QStringLiteral("dial tcp: lookup registry.invalid: no such host")), qPrintable(text));
    }

    void exitingCommandIsCrashLoopBackOff()
    {
        apply(deployment("crash", "        image: busybox:1.36\n        command: [\"sh\", \"-c\", \"echo boom; exit 3\"]\n"));
        QJsonObject p; // the pod as seen in back-off: each restart makes it Running again for a moment
        QVERIFY(SandboxFixture::waitFor(
            [&] {
                p = pod(QStringLiteral("crash"));
                return waitingReason(p) == QLatin1String("CrashLoopBackOff") && container(p)[QStringLiteral("restartCount")].toInt() >= 2;
            },
            30000));
        QCOMPARE(p[QStringLiteral("status")].toObject()[QStringLiteral("phase")].toString(), QStringLiteral("Running"));
        const QJsonObject last = container(p)[QStringLiteral("lastState")].toObject()[QStringLiteral("terminated")].toObject();
        QCOMPARE(last[QStringLiteral("exitCode")].toInt(), 3);
        QCOMPARE(last[QStringLiteral("reason")].toString(), QStringLiteral("Error"));
        QVERIFY(container(p)[QStringLiteral("state")].toObject()[QStringLiteral("waiting")].toObject()[QStringLiteral("message")]
                    .toString().startsWith(QStringLiteral("back-off ")));
        QString text;
        QVERIFY2(SandboxFixture::waitFor([&] {
                     text = describe(QStringLiteral("crash"));
                     return text.contains(QStringLiteral("Reason:       CrashLoopBackOff"));
                 }, 20000),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Last State:     Terminated")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Exit Code:    3")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Back-off restarting failed container app in pod")), qPrintable(text));
        const QString name = p[QStringLiteral("metadata")].toObject()[QStringLiteral("name")].toString();
        QVERIFY(hasEvent(events(name), QStringLiteral("BackOff"), QStringLiteral("Back-off restarting failed container app")));
        QVERIFY(m_sandbox.kubectl({QStringLiteral("logs"), name}).text().contains(QStringLiteral("boom")));
        const auto table = m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("pod"), name});
        QVERIFY2(table.text().contains(QStringLiteral("CrashLoopBackOff")), qPrintable(table.text()));
    }

    void failingProbes()
    {
        apply(deployment("unready", "        image: nginx:1.25\n        readinessProbe:\n          exec: {command: [\"sh\", \"-c\", \"echo not yet; exit 1\"]}\n"
                                    "          periodSeconds: 2\n"));
        apply(deployment("unlive", "        image: nginx:1.25\n        livenessProbe:\n          exec: {command: [\"false\"]}\n"
                                   "          periodSeconds: 2\n          failureThreshold: 2\n"));
        QVERIFY(SandboxFixture::waitFor([&] { return describe(QStringLiteral("unready")).contains(QStringLiteral("Readiness probe failed: not yet")); }, 20000));
        const QJsonObject p = pod(QStringLiteral("unready"));
        QCOMPARE(p[QStringLiteral("status")].toObject()[QStringLiteral("phase")].toString(), QStringLiteral("Running"));
        QCOMPARE(container(p)[QStringLiteral("ready")].toBool(), false);
        QVERIFY(SandboxFixture::waitFor([&] { return container(pod(QStringLiteral("unlive")))[QStringLiteral("restartCount")].toInt() >= 1; }, 20000));
        const QString text = describe(QStringLiteral("unlive"));
        QVERIFY2(text.contains(QStringLiteral("Liveness probe failed")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Container app failed liveness probe, will be restarted")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Exit Code:    137")), qPrintable(text));
    }

    void unschedulableNamesTheNodes()
    {
        apply(deployment("huge", "        image: busybox:1.36\n        resources: {requests: {cpu: \"5\"}}\n"));
        QString name;
        QVERIFY(SandboxFixture::waitFor(
            [&] {
                name = pod(QStringLiteral("huge"))[QStringLiteral("metadata")].toObject()[QStringLiteral("name")].toString();
                return !name.isEmpty() && hasEvent(events(name), QStringLiteral("FailedScheduling"), QStringLiteral("0/3 nodes are available: 3 Insufficient cpu."));
            },
            20000));
    }

    void unreadableCommandKeepsRunning()
    {
        apply(deployment("server", "        image: busybox:1.36\n        command: [\"sh\", \"-c\", \"while true; do sleep 1; done\"]\n"));
        QVERIFY(SandboxFixture::waitFor([&] { return container(pod(QStringLiteral("server")))[QStringLiteral("ready")].toBool(); }, 20000));
        QTest::qWait(1500); // 15 simulated seconds: a modelled exit would have happened
        const QJsonObject c = container(pod(QStringLiteral("server")));
        QCOMPARE(c[QStringLiteral("restartCount")].toInt(), 0);
        QVERIFY(c[QStringLiteral("state")].toObject().contains(QStringLiteral("running")));
    }
};

QTEST_GUILESS_MAIN(TstSandboxFailures)
#include "tst_sandbox_failures.moc"
