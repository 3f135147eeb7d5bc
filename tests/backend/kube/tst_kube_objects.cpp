#include "backend/kube/json_stream_splitter.h"
#include "backend/kube/kube_objects.h"
#include "backend/kube/quantity.h"

#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
QByteArray fixture(const QString &name)
{
    QFile f(QStringLiteral(BC_SOURCE_DIR "/tests/backend/kube/kube_data/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return f.readAll();
}
} // namespace

class TstKubeObjects : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cpu_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("millicores");
        QTest::newRow("milli") << u"250m"_s << 250.0;
        QTest::newRow("cores") << u"2"_s << 2000.0;
        QTest::newRow("fraction") << u"0.5"_s << 500.0;
        QTest::newRow("nano") << u"190123456n"_s << 190.123456;
        QTest::newRow("micro") << u"1500u"_s << 1.5;
        QTest::newRow("exponent") << u"1e-1"_s << 100.0;
    }
    void cpu()
    {
        QFETCH(QString, text);
        QFETCH(double, millicores);
        const auto v = bc::parseCpuMillicores(text);
        QVERIFY(v);
        QVERIFY2(qAbs(*v - millicores) < 1e-6, qPrintable(QString::number(*v)));
    }

    void memory_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("bytes");
        QTest::newRow("Mi") << u"64Mi"_s << 67108864.0;
        QTest::newRow("Gi") << u"1Gi"_s << 1073741824.0;
        QTest::newRow("Ki") << u"1234Ki"_s << 1263616.0;
        QTest::newRow("plain") << u"128974848"_s << 128974848.0;
        QTest::newRow("M") << u"129M"_s << 129e6;
        QTest::newRow("k") << u"1k"_s << 1000.0;
    }
    void memory()
    {
        QFETCH(QString, text);
        QFETCH(double, bytes);
        QCOMPARE(bc::parseMemoryBytes(text).value_or(-1), bytes);
    }

    void malformedQuantities()
    {
        QVERIFY(!bc::parseCpuMillicores(u"abc"_s));
        QVERIFY(!bc::parseMemoryBytes(u"12Qi"_s));
        QVERIFY(!bc::parseMemoryBytes(QString()));
        QCOMPARE(bc::formatBytes(67108864.0), u"64Mi"_s);
        QCOMPARE(bc::formatMillicores(250), u"250m"_s);
        QCOMPARE(bc::formatMillicores(1500), u"1.5"_s);
    }

    void pods()
    {
        const auto pods = bc::parsePodList(fixture(u"pods.json"_s));
        QVERIFY(pods);
        QCOMPARE(pods.value().size(), 5);

        const bc::Pod &oom = pods.value().at(0);
        QCOMPARE(oom.meta.name, u"currencyservice-7d9c8-abcde"_s);
        QCOMPARE(oom.meta.ownerKind, u"ReplicaSet"_s);
        QCOMPARE(oom.meta.labels.value(u"app"_s), u"currencyservice"_s);
        QCOMPARE(oom.phase, bc::Pod::Phase::Running);
        QVERIFY(oom.ready);
        QCOMPARE(oom.restarts(), 2);
        QCOMPARE(oom.displayStatus(), u"Running"_s);
        QCOMPARE(oom.containerStates.first().lastTerminatedReason, u"OOMKilled"_s);
        QCOMPARE(oom.containerStates.first().lastTerminatedAt->toString(Qt::ISODate), u"2026-11-25T10:04:59Z"_s);
        QCOMPARE(oom.totalLimits().cpuMillicores.value_or(0), 200.0);
        QCOMPARE(oom.totalRequests().memoryBytes.value_or(0), 64.0 * 1024 * 1024);
        QCOMPARE(oom.containers.first().env.value(u"PORT"_s), u"7000"_s);
        QVERIFY(!oom.containers.first().env.contains(u"SECRETISH"_s));

        const bc::Pod &pending = pods.value().at(1);
        QVERIFY(!pending.scheduled);
        QCOMPARE(pending.reason, u"Unschedulable"_s);
        QVERIFY(pending.message.contains(u"Insufficient cpu"_s));
        QCOMPARE(pending.displayStatus(), u"Pending"_s);
        QVERIFY(!pending.totalLimits().cpuMillicores);

        QCOMPARE(pods.value().at(2).displayStatus(), u"ContainerCreating"_s);
        QCOMPARE(pods.value().at(3).displayStatus(), u"Terminating"_s);
        QCOMPARE(pods.value().at(4).displayStatus(), u"CrashLoopBackOff"_s);
        QCOMPARE(pods.value().at(4).restarts(), 7);
    }

    void deployments()
    {
        const auto list = bc::parseDeploymentList(fixture(u"deployments.json"_s));
        QVERIFY(list);
        const bc::Deployment &frontend = list.value().at(0);
        QVERIFY(frontend.available());
        QCOMPARE(frontend.selector.value(u"app"_s), u"frontend"_s);
        QCOMPARE(frontend.containers.first().image, u"frontend:v0.10.1"_s);
        QCOMPARE(frontend.condition(u"Available"_s)->status, u"True"_s);

        const bc::Deployment &v2 = list.value().at(1);
        QVERIFY(!v2.available()); // generation not observed, old pods left, progress deadline exceeded
        QCOMPARE(v2.desiredReplicas, 2);
        QCOMPARE(v2.currentReplicas, 3);
        QCOMPARE(v2.condition(u"Progressing"_s)->reason, u"ProgressDeadlineExceeded"_s);
        QCOMPARE(v2.templateLabels.value(u"version"_s), u"v2"_s);
        QCOMPARE(v2.containers.first().env.value(u"VERSION"_s), u"v2"_s);
        QVERIFY(!v2.condition(u"Available"_s));
    }

    void services()
    {
        const auto list = bc::parseServiceList(fixture(u"services.json"_s));
        QVERIFY(list);
        QCOMPARE(list.value().size(), 4);
        QCOMPARE(list.value().at(0).externalUrl(), u"http://127.0.0.2"_s);
        QCOMPARE(list.value().at(0).ports.first().targetPort, 8080);
        QCOMPARE(list.value().at(1).externalUrl(), QString()); // <pending>
        QCOMPARE(list.value().at(2).externalUrl(), u"http://shop.example.test:8080"_s);
        QCOMPARE(list.value().at(3).type, u"ClusterIP"_s);
    }

    void metrics()
    {
        const auto list = bc::parsePodMetricsList(fixture(u"podmetrics.json"_s));
        QVERIFY(list);
        const bc::PodMetrics &m = list.value().first();
        QVERIFY(qAbs(m.cpuMillicores() - 195.123456) < 1e-6);
        QCOMPARE(m.memoryBytes(), 104857600.0 + 20.0 * 1024 * 1024);
    }

    void singleObjectIsAListOfOne()
    {
        const auto list = bc::parseServiceList(R"({"kind":"Service","metadata":{"name":"x"},"spec":{}})");
        QVERIFY(list);
        QCOMPARE(list.value().size(), 1);
        QCOMPARE(list.value().first().meta.name, u"x"_s);
    }

    void malformedJsonIsAnError()
    {
        const auto list = bc::parsePodList("{\"items\": [");
        QVERIFY(!list);
        QVERIFY(list.error().message.contains(u"could not be read"_s));
        QVERIFY(!bc::parsePodList("[1,2]"));
        QVERIFY(!bc::parsePodList(""));
    }

    // Whatever the chunking, the same documents come out, in order.
    void splitterAtEveryBoundary()
    {
        const QByteArray stream = "{\n \"type\": \"ADDED\",\n \"object\": {\"a\": \"}{\\\"\", \"b\": [1, {\"c\": 2}]}\n}\n"
                                  "{\"type\":\"DELETED\",\"object\":{}}\n"
                                  "   {\"type\":\"MODIFIED\",\"object\":{\"s\":\"\\\\\"}}";
        const QList<QByteArray> expected = bc::JsonStreamSplitter().feed(stream);
        QCOMPARE(expected.size(), 3);
        QVERIFY(expected.at(0).startsWith("{\n \"type\": \"ADDED\""));
        QVERIFY(expected.at(0).endsWith("}\n}"));
        QCOMPARE(expected.at(2), QByteArray("{\"type\":\"MODIFIED\",\"object\":{\"s\":\"\\\\\"}}"));
        for (qsizetype cut = 1; cut < stream.size(); ++cut) {
            bc::JsonStreamSplitter splitter;
            QList<QByteArray> got = splitter.feed(stream.left(cut));
            got += splitter.feed(stream.mid(cut));
            QCOMPARE(got, expected);
        }
        bc::JsonStreamSplitter byteByByte;
        QList<QByteArray> got;
        for (char c : stream)
            got += byteByByte.feed(QByteArray(1, c));
        QCOMPARE(got, expected);
        QCOMPARE(byteByByte.pendingBytes(), 0);
    }
};

QTEST_GUILESS_MAIN(TstKubeObjects)
#include "tst_kube_objects.moc"
