// Acceptance (issue 14 point 6, issue 20 point 10): kubectl's imperative commands, which send the
// typed objects of client-go as Kubernetes protobuf (create deployment|service|job|secret|
// serviceaccount) or as JSON and patches (run, expose, label, annotate, set image, scale, rollout
// undo), each have their effect on the sandbox, read back through kubectl.
#include "tests/sandbox/sandbox_fixture.h"

#include <QJsonArray>
#include <QMap>
#include <QRegularExpression>
#include <QTest>

using bc::test::SandboxFixture;

namespace {

// obj at "a.b.0.c" (numbers index arrays); undefined when a step is missing.
QJsonValue at(const QJsonValue &root, const QString &path)
{
    QJsonValue v = root;
    for (const QString &part : path.split(u'.')) {
        bool isIndex = false;
        const int i = part.toInt(&isIndex);
        v = isIndex ? v.toArray().at(i) : v.toObject().value(part);
        if (v.isUndefined())
            break;
    }
    return v;
}

QString text(const QJsonValue &root, const QString &path)
{
    return at(root, path).toString();
}

} // namespace

class TstSandboxImperative : public QObject {
    Q_OBJECT

private:
    SandboxFixture m_sandbox;

    void run(const QStringList &args, const QString &expected)
    {
        const auto r = m_sandbox.kubectl(args);
        QVERIFY2(r.ok(), qPrintable(args.join(u' ') + QStringLiteral(": ") + r.errText()));
        QCOMPARE(r.text().trimmed(), expected);
    }

    QJsonObject get(const QString &what, const QString &name) { return m_sandbox.json({QStringLiteral("get"), what, name}); }

    // Images of the live (not terminating) pods of a selector, once all of them run and are ready.
    QStringList readyImages(const QString &selector)
    {
        const QJsonArray pods =
            m_sandbox.json({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-l"), selector})[QStringLiteral("items")]
                .toArray();
        QStringList images;
        for (const QJsonValue &p : pods) {
            if (!at(p, QStringLiteral("metadata.deletionTimestamp")).isUndefined())
                continue;
            const bool ready = text(p, QStringLiteral("status.phase")) == QStringLiteral("Running")
                && at(p, QStringLiteral("status.containerStatuses.0.ready")).toBool();
            images << (ready ? text(p, QStringLiteral("spec.containers.0.image")) : QStringLiteral("not-ready"));
        }
        images.sort();
        return images;
    }

    // Image -> ReplicaSet of app=web.
    QMap<QString, QJsonObject> replicaSets()
    {
        QMap<QString, QJsonObject> out;
        const QJsonArray sets =
            m_sandbox.json({QStringLiteral("get"), QStringLiteral("rs"), QStringLiteral("-l"), QStringLiteral("app=web")})
                [QStringLiteral("items")].toArray();
        for (const QJsonValue &rs : sets)
            out[text(rs, QStringLiteral("spec.template.spec.containers.0.image"))] = rs.toObject();
        return out;
    }

    void rolloutStatus()
    {
        const auto r = m_sandbox.kubectl({QStringLiteral("rollout"), QStringLiteral("status"), QStringLiteral("deployment/web"),
                                          QStringLiteral("--timeout=60s")});
        QVERIFY2(r.ok(), qPrintable(r.errText()));
        QVERIFY(r.text().contains(QStringLiteral("successfully rolled out")));
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

    void createDeploymentRunsItsPods()
    {
        run({QStringLiteral("create"), QStringLiteral("deployment"), QStringLiteral("web"), QStringLiteral("--image=nginx:1.27"),
             QStringLiteral("--replicas=2"), QStringLiteral("--port=80")},
            QStringLiteral("deployment.apps/web created"));
        const QJsonObject d = get(QStringLiteral("deployment"), QStringLiteral("web"));
        QCOMPARE(at(d, QStringLiteral("spec.replicas")).toInt(), 2);
        QCOMPARE(text(d, QStringLiteral("spec.selector.matchLabels.app")), QStringLiteral("web"));
        QCOMPARE(text(d, QStringLiteral("spec.template.spec.containers.0.name")), QStringLiteral("nginx"));
        QCOMPARE(text(d, QStringLiteral("spec.template.spec.containers.0.image")), QStringLiteral("nginx:1.27"));
        QCOMPARE(at(d, QStringLiteral("spec.template.spec.containers.0.ports.0.containerPort")).toInt(), 80);
        QTRY_COMPARE_WITH_TIMEOUT(readyImages(QStringLiteral("app=web")),
                                  (QStringList{QStringLiteral("nginx:1.27"), QStringLiteral("nginx:1.27")}), 20000);
    }

    void exposeSelectsTheDeploymentsPods()
    {
        run({QStringLiteral("expose"), QStringLiteral("deployment"), QStringLiteral("web"), QStringLiteral("--port=8080"),
             QStringLiteral("--target-port=80"), QStringLiteral("--name=web-svc")},
            QStringLiteral("service/web-svc exposed"));
        const QJsonObject svc = get(QStringLiteral("service"), QStringLiteral("web-svc"));
        QCOMPARE(text(svc, QStringLiteral("spec.selector.app")), QStringLiteral("web"));
        QCOMPARE(at(svc, QStringLiteral("spec.ports.0.port")).toInt(), 8080);
        QCOMPARE(at(svc, QStringLiteral("spec.ports.0.targetPort")).toInt(), 80);
        QVERIFY(text(svc, QStringLiteral("spec.clusterIP")).startsWith(QStringLiteral("10.96.")));
        // Its endpoints are the two pods.
        QTRY_COMPARE_WITH_TIMEOUT(at(get(QStringLiteral("endpoints"), QStringLiteral("web-svc")),
                                     QStringLiteral("subsets.0.addresses")).toArray().size(),
                                  2, 15000);
    }

    void createServiceClusterIp()
    {
        run({QStringLiteral("create"), QStringLiteral("service"), QStringLiteral("clusterip"), QStringLiteral("api"),
             QStringLiteral("--tcp=5678:8080")},
            QStringLiteral("service/api created"));
        const QJsonObject svc = get(QStringLiteral("service"), QStringLiteral("api"));
        QCOMPARE(text(svc, QStringLiteral("spec.type")), QStringLiteral("ClusterIP"));
        QCOMPARE(text(svc, QStringLiteral("spec.selector.app")), QStringLiteral("api"));
        QCOMPARE(text(svc, QStringLiteral("spec.ports.0.name")), QStringLiteral("5678-8080"));
        QCOMPARE(at(svc, QStringLiteral("spec.ports.0.port")).toInt(), 5678);
        QCOMPARE(at(svc, QStringLiteral("spec.ports.0.targetPort")).toInt(), 8080);
        QCOMPARE(text(svc, QStringLiteral("spec.ports.0.protocol")), QStringLiteral("TCP"));
        QVERIFY(text(svc, QStringLiteral("spec.clusterIP")).startsWith(QStringLiteral("10.96.")));
    }

    void runStartsAPod()
    {
        run({QStringLiteral("run"), QStringLiteral("box"), QStringLiteral("--image=busybox:1.36"), QStringLiteral("--labels=role=tool"),
             QStringLiteral("--env=MODE=debug"), QStringLiteral("--"), QStringLiteral("sleep"), QStringLiteral("3600")},
            QStringLiteral("pod/box created"));
        const QJsonObject pod = get(QStringLiteral("pod"), QStringLiteral("box"));
        QCOMPARE(text(pod, QStringLiteral("metadata.labels.role")), QStringLiteral("tool"));
        QCOMPARE(text(pod, QStringLiteral("spec.containers.0.env.0.name")), QStringLiteral("MODE"));
        QCOMPARE(text(pod, QStringLiteral("spec.containers.0.env.0.value")), QStringLiteral("debug"));
        QCOMPARE(at(pod, QStringLiteral("spec.containers.0.args")).toArray(), (QJsonArray{QStringLiteral("sleep"), QStringLiteral("3600")}));
        QTRY_COMPARE_WITH_TIMEOUT(readyImages(QStringLiteral("role=tool")), QStringList{QStringLiteral("busybox:1.36")}, 15000);
    }

    void createServiceAccountAndSecret()
    {
        run({QStringLiteral("create"), QStringLiteral("serviceaccount"), QStringLiteral("deployer")},
            QStringLiteral("serviceaccount/deployer created"));
        QCOMPARE(text(get(QStringLiteral("serviceaccount"), QStringLiteral("deployer")), QStringLiteral("metadata.namespace")),
                 QStringLiteral("default"));
        run({QStringLiteral("create"), QStringLiteral("secret"), QStringLiteral("generic"), QStringLiteral("db"),
             QStringLiteral("--from-literal=password=hunter2"), QStringLiteral("--type=Opaque")},
            QStringLiteral("secret/db created"));
        const QJsonObject secret = get(QStringLiteral("secret"), QStringLiteral("db"));
        QCOMPARE(text(secret, QStringLiteral("data.password")), QStringLiteral("aHVudGVyMg=="));
        QCOMPARE(text(secret, QStringLiteral("type")), QStringLiteral("Opaque"));
    }

    void labelAndAnnotate()
    {
        run({QStringLiteral("label"), QStringLiteral("deployment"), QStringLiteral("web"), QStringLiteral("tier=front")},
            QStringLiteral("deployment.apps/web labeled"));
        run({QStringLiteral("annotate"), QStringLiteral("deployment"), QStringLiteral("web"), QStringLiteral("owner=shop-team")},
            QStringLiteral("deployment.apps/web annotated"));
        const QJsonObject d = get(QStringLiteral("deployment"), QStringLiteral("web"));
        QCOMPARE(text(d, QStringLiteral("metadata.labels.tier")), QStringLiteral("front"));
        QCOMPARE(text(d, QStringLiteral("metadata.labels.app")), QStringLiteral("web"));
        QCOMPARE(text(d, QStringLiteral("metadata.annotations.owner")), QStringLiteral("shop-team"));
        run({QStringLiteral("label"), QStringLiteral("pod"), QStringLiteral("box"), QStringLiteral("role=debug"),
             QStringLiteral("--overwrite")},
            QStringLiteral("pod/box labeled"));
        QCOMPARE(text(get(QStringLiteral("pod"), QStringLiteral("box")), QStringLiteral("metadata.labels.role")),
                 QStringLiteral("debug"));
    }

    void setImageThenRolloutUndo()
    {
        run({QStringLiteral("set"), QStringLiteral("image"), QStringLiteral("deployment/web"), QStringLiteral("nginx=nginx:1.28")},
            QStringLiteral("deployment.apps/web image updated"));
        rolloutStatus();
        QTRY_COMPARE_WITH_TIMEOUT(readyImages(QStringLiteral("app=web")),
                                  (QStringList{QStringLiteral("nginx:1.28"), QStringLiteral("nginx:1.28")}), 20000);
        const auto history = m_sandbox.kubectl({QStringLiteral("rollout"), QStringLiteral("history"), QStringLiteral("deployment/web")});
        QVERIFY2(history.ok(), qPrintable(history.errText()));
        QVERIFY(history.text().contains(QRegularExpression(QStringLiteral("\\n1 +<none>\\n2 +<none>"))));

        run({QStringLiteral("rollout"), QStringLiteral("undo"), QStringLiteral("deployment/web")},
            QStringLiteral("deployment.apps/web rolled back"));
        rolloutStatus();
        QTRY_COMPARE_WITH_TIMEOUT(readyImages(QStringLiteral("app=web")),
                                  (QStringList{QStringLiteral("nginx:1.27"), QStringLiteral("nginx:1.27")}), 20000);
        // The first ReplicaSet came back as revision 3; the nginx:1.28 one is kept at 0 replicas.
        QMap<QString, QJsonObject> sets = replicaSets();
        QCOMPARE(sets.size(), 2);
        const auto rev = [](const QJsonObject &rs) {
            return rs[QStringLiteral("metadata")][QStringLiteral("annotations")][QStringLiteral("deployment.kubernetes.io/revision")]
                .toString();
        };
        QCOMPARE(rev(sets[QStringLiteral("nginx:1.27")]), QStringLiteral("3"));
        QCOMPARE(rev(sets[QStringLiteral("nginx:1.28")]), QStringLiteral("2"));
        QCOMPARE(at(sets[QStringLiteral("nginx:1.28")], QStringLiteral("spec.replicas")).toInt(-1), 0);
        QTRY_COMPARE_WITH_TIMEOUT(at(replicaSets()[QStringLiteral("nginx:1.28")], QStringLiteral("status.replicas")).toInt(-1), 0,
                                  15000);
        QCOMPARE(rev(get(QStringLiteral("deployment"), QStringLiteral("web"))), QStringLiteral("3"));

        // And forward again to a named revision.
        run({QStringLiteral("rollout"), QStringLiteral("undo"), QStringLiteral("deployment/web"), QStringLiteral("--to-revision=2")},
            QStringLiteral("deployment.apps/web rolled back"));
        rolloutStatus();
        QTRY_COMPARE_WITH_TIMEOUT(readyImages(QStringLiteral("app=web")),
                                  (QStringList{QStringLiteral("nginx:1.28"), QStringLiteral("nginx:1.28")}), 20000);
        sets = replicaSets();
        QCOMPARE(sets.size(), 2);
        QCOMPARE(rev(sets[QStringLiteral("nginx:1.28")]), QStringLiteral("4"));
    }

    void createJobRunsToCompletion()
    {
        run({QStringLiteral("create"), QStringLiteral("job"), QStringLiteral("hello"), QStringLiteral("--image=busybox:1.36"),
             QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo hello from the job")},
            QStringLiteral("job.batch/hello created"));
        const auto condition = [&] {
            const QJsonObject job = get(QStringLiteral("job"), QStringLiteral("hello"));
            const QJsonArray conds = at(job, QStringLiteral("status.conditions")).toArray();
            QStringList types; // kubectl wait --for=condition=complete reads the same
            for (const QJsonValue &c : conds)
                if (c[QStringLiteral("status")].toString() == QStringLiteral("True"))
                    types << c[QStringLiteral("type")].toString();
            return types.join(u',') + u'/' + QString::number(at(job, QStringLiteral("status.succeeded")).toInt());
        };
        QTRY_COMPARE_WITH_TIMEOUT(condition(), QStringLiteral("SuccessCriteriaMet,Complete/1"), 20000);
        const QJsonObject job = get(QStringLiteral("job"), QStringLiteral("hello"));
        QCOMPARE(at(job, QStringLiteral("spec.completions")).toInt(), 1);
        QCOMPARE(at(job, QStringLiteral("spec.backoffLimit")).toInt(), 6);
        const QString uid = text(job, QStringLiteral("metadata.uid"));
        QCOMPARE(text(job, QStringLiteral("spec.selector.matchLabels.batch.kubernetes.io/controller-uid")), QString());
        QCOMPARE(at(job, QStringLiteral("spec.selector.matchLabels")).toObject().value(QStringLiteral("batch.kubernetes.io/controller-uid")).toString(),
                 uid);
        // One pod, Succeeded, and its output is the job's log.
        const QJsonArray pods = m_sandbox.json({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-l"),
                                                QStringLiteral("job-name=hello")})[QStringLiteral("items")].toArray();
        QCOMPARE(pods.size(), 1);
        QCOMPARE(text(pods[0], QStringLiteral("status.phase")), QStringLiteral("Succeeded"));
        QCOMPARE(at(pods[0], QStringLiteral("status.containerStatuses.0.state.terminated.exitCode")).toInt(-1), 0);
        const auto logs = m_sandbox.kubectl({QStringLiteral("logs"), QStringLiteral("job/hello")});
        QVERIFY2(logs.ok(), qPrintable(logs.errText()));
        QVERIFY(logs.text().contains(QStringLiteral("hello from the job")));
        const auto table = m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("job"), QStringLiteral("hello")});
        QVERIFY(table.text().contains(QRegularExpression(QStringLiteral("hello\\s+Complete\\s+1/1\\s"))));
    }

    void scaleChangesThePodCount()
    {
        run({QStringLiteral("scale"), QStringLiteral("deployment"), QStringLiteral("web"), QStringLiteral("--replicas=3")},
            QStringLiteral("deployment.apps/web scaled"));
        QCOMPARE(at(get(QStringLiteral("deployment"), QStringLiteral("web")), QStringLiteral("spec.replicas")).toInt(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(readyImages(QStringLiteral("app=web")).size(), 3, 20000);
    }
};

QTEST_GUILESS_MAIN(TstSandboxImperative)
#include "tst_sandbox_imperative.moc"
