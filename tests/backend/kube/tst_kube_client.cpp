#include "backend/kube/kube_client.h"
#include "backend/kube/kube_objects.h"

#include <QTest>

using namespace Qt::StringLiterals;

// KubeClient is the one builder of kubectl argument lists: every list starts with the target's arguments.
class TstKubeClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void argumentsStartWithTheTarget()
    {
        const bc::KubeTarget target{u"/k/config"_s, u"ctx"_s, u"shop"_s, u"/k/cache"_s};
        const bc::KubeClient client(nullptr, target);
        const QStringList prefix{u"--kubeconfig"_s, u"/k/config"_s, u"--context"_s, u"ctx"_s,
                                 u"--cache-dir"_s, u"/k/cache"_s, u"-n"_s, u"shop"_s};
        QCOMPARE(client.getArguments(u"pods"_s, u"app=a"_s),
                 (prefix + QStringList{u"get"_s, u"pods"_s, u"-l"_s, u"app=a"_s, u"-o"_s, u"json"_s,
                                      u"--request-timeout=30s"_s}));
        QCOMPARE(client.getArguments(u"nodes"_s, {}, true).mid(0, 8),
                 (QStringList{u"--kubeconfig"_s, u"/k/config"_s, u"--context"_s, u"ctx"_s, u"--cache-dir"_s,
                              u"/k/cache"_s, u"get"_s, u"nodes"_s}));
        QCOMPARE(client.scaleArguments(u"web"_s, 3),
                 (prefix + QStringList{u"scale"_s, u"deployment/web"_s, u"--replicas=3"_s}));
        QCOMPARE(client.applyArguments({u"a.yaml"_s}, true),
                 (prefix + QStringList{u"apply"_s, u"--server-side"_s, u"--field-manager=boutique-control"_s,
                                      u"--force-conflicts"_s, u"-f"_s, u"a.yaml"_s}));
        QCOMPARE(client.endpointsArguments(u"svc"_s),
                 (prefix + QStringList{u"get"_s, u"endpoints"_s, u"svc"_s, u"-o"_s, u"json"_s}));
        QCOMPARE(client.virtualServiceArguments(u"svc"_s),
                 (prefix + QStringList{u"get"_s, u"virtualservices.networking.istio.io"_s, u"svc"_s, u"-o"_s,
                                      u"name"_s, u"--ignore-not-found"_s}));
    }

    void emptyTargetAddsNoFlags()
    {
        const bc::KubeClient client(nullptr, bc::KubeTarget{{}, {}, {}, {}});
        QCOMPARE(client.scaleArguments(u"web"_s, 0),
                 (QStringList{u"scale"_s, u"deployment/web"_s, u"--replicas=0"_s}));
    }

    void endpointsNameTheirPods()
    {
        const QByteArray json = R"({"kind":"Endpoints","metadata":{"name":"svc"},"subsets":[
            {"addresses":[{"ip":"10.0.0.1","targetRef":{"kind":"Pod","name":"svc-v1-a"}},
                          {"ip":"10.0.0.2","targetRef":{"kind":"Pod","name":"svc-v2-b"}}]}]})";
        const auto parsed = bc::parseEndpointsList(json);
        QVERIFY(parsed);
        QCOMPARE(parsed.value().size(), 1);
        QCOMPARE(parsed.value().first().meta.name, u"svc"_s);
        QCOMPARE(parsed.value().first().addressTargets, (QStringList{u"svc-v1-a"_s, u"svc-v2-b"_s}));
        QVERIFY(!bc::parseEndpointsList("not json"));
    }
};

QTEST_GUILESS_MAIN(TstKubeClient)
#include "tst_kube_client.moc"
