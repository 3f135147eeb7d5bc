// The Kubernetes protobuf decoder (infra/sandbox/k8s_proto_json.cpp). The oracle for the bodies that
// kubectl sends is kubectl itself: data/k8s-protobuf/NAME.pb is what `kubectl create ...` POSTed
// (captured by tests/fuzz/seeds/capture_kubectl.py) and NAME.json what the same command prints with
// `--dry-run=client -o json`, which is Go's JSON encoding of the same object.
#include "infra/sandbox/api_error.h"
#include "infra/sandbox/k8s_proto_json.h"
#include "infra/sandbox/protobuf_decoder.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/text_format.h>

#include <QFile>
#include <QtTest/QTest>

#include <memory>

using bc::sandbox::ApiError;
using bc::sandbox::decodeKubernetesProtobuf;
using bc::sandbox::Json;
using bc::sandbox::K8sProtoJson;

class TstK8sProtobuf : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void kubectlBodiesDecodeAsKubectlPrintsThem_data();
    void kubectlBodiesDecodeAsKubectlPrintsThem();
    void fieldsFollowTheKubernetesJsonMapping();
    void replicasZeroIsKept();
    void bytesAreBase64AndRawExtensionIsJson();
    void badBodiesAreClientErrors();
};

namespace {

QByteArray readData(const QString &name)
{
    QFile f(QStringLiteral(BC_SOURCE_DIR "/tests/sandbox/data/k8s-protobuf/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(f.fileName()));
    return f.readAll();
}

// Key order is not part of the comparison.
nlohmann::json unordered(const Json &j)
{
    return nlohmann::json(j);
}

// A message of the embedded schemas from protobuf text format, serialized.
std::string serialized(const char *type, const char *text)
{
    const google::protobuf::Descriptor *d = K8sProtoJson::instance().find(type);
    if (!d)
        qFatal("no message type %s", type);
    static google::protobuf::DynamicMessageFactory factory;
    std::unique_ptr<google::protobuf::Message> m(factory.GetPrototype(d)->New());
    if (!google::protobuf::TextFormat::ParseFromString(text, m.get()))
        qFatal("bad text for %s", type);
    return m->SerializeAsString();
}

// "k8s\0" + runtime.Unknown{typeMeta{apiVersion, kind}, raw}, as client-go's protobuf serializer writes it.
std::string envelope(const std::string &apiVersion, const std::string &kind, const std::string &raw)
{
    const google::protobuf::Descriptor *d = K8sProtoJson::instance().find("k8s.io.apimachinery.pkg.runtime.Unknown");
    static google::protobuf::DynamicMessageFactory factory;
    std::unique_ptr<google::protobuf::Message> m(factory.GetPrototype(d)->New());
    google::protobuf::Message *tm = m->GetReflection()->MutableMessage(m.get(), d->FindFieldByName("typeMeta"));
    tm->GetReflection()->SetString(tm, tm->GetDescriptor()->FindFieldByName("apiVersion"), apiVersion);
    tm->GetReflection()->SetString(tm, tm->GetDescriptor()->FindFieldByName("kind"), kind);
    m->GetReflection()->SetString(m.get(), d->FindFieldByName("raw"), raw);
    return std::string("k8s\0", 4) + m->SerializeAsString();
}

int errorCode(const std::string &body)
{
    try {
        decodeKubernetesProtobuf(body);
    } catch (const ApiError &e) {
        return e.code();
    }
    return 0;
}

} // namespace

void TstK8sProtobuf::kubectlBodiesDecodeAsKubectlPrintsThem_data()
{
    QTest::addColumn<QString>("name");
    for (const char *n : {"create-deployment", "create-service-clusterip", "create-job", "create-serviceaccount",
                          "create-secret-generic", "create-configmap", "create-namespace"})
        QTest::newRow(n) << QString::fromLatin1(n);
}

void TstK8sProtobuf::kubectlBodiesDecodeAsKubectlPrintsThem()
{
    QFETCH(QString, name);
    const QByteArray body = readData(name + QStringLiteral(".pb"));
    const Json decoded = decodeKubernetesProtobuf(std::string_view(body.constData(), body.size()));
    const Json expected = Json::parse(readData(name + QStringLiteral(".json")).toStdString());
    QCOMPARE(QString::fromStdString(unordered(decoded).dump()), QString::fromStdString(unordered(expected).dump()));
}

void TstK8sProtobuf::fieldsFollowTheKubernetesJsonMapping()
{
    const std::string pod = serialized("k8s.io.api.core.v1.Pod", R"(
        metadata { name: "p" namespace: "shop" creationTimestamp { seconds: 1767225600 }
                   labels { key: "app" value: "web" } generateName: "" resourceVersion: "" }
        spec {
          volumes { name: "v" volumeSource { emptyDir { sizeLimit { string: "1Gi" } } } }
          containers {
            name: "c" image: "nginx" stdin: false tty: false workingDir: ""
            ports { name: "http" containerPort: 8080 hostPort: 0 protocol: "TCP" }
            resources { limits { key: "cpu" value { string: "500m" } } }
            readinessProbe { handler { httpGet { path: "/" port { type: 1 strVal: "http" } } } periodSeconds: 5 }
            livenessProbe { handler { tcpSocket { port { type: 0 intVal: 8080 } } } }
            securityContext { runAsUser: 0 }
            env { name: "PASSWORD" valueFrom { secretKeyRef { localObjectReference { name: "db" } key: "pw" } } }
          }
          terminationGracePeriodSeconds: 0
          hostNetwork: false
        }
        status { startTime { seconds: 1767225601 } })");
    const Json j = decodeKubernetesProtobuf(envelope("v1", "Pod", pod));
    const Json expected = Json::parse(R"({"apiVersion":"v1","kind":"Pod",
        "metadata":{"name":"p","namespace":"shop","creationTimestamp":"2026-01-01T00:00:00Z","labels":{"app":"web"}},
        "spec":{"volumes":[{"name":"v","emptyDir":{"sizeLimit":"1Gi"}}],
          "containers":[{"name":"c","image":"nginx","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],
            "env":[{"name":"PASSWORD","valueFrom":{"secretKeyRef":{"name":"db","key":"pw"}}}],
            "resources":{"limits":{"cpu":"500m"}},
            "livenessProbe":{"tcpSocket":{"port":8080}},
            "readinessProbe":{"httpGet":{"path":"/","port":"http"},"periodSeconds":5},
            "securityContext":{"runAsUser":0}}],
          "terminationGracePeriodSeconds":0},
        "status":{"startTime":"2026-01-01T00:00:01Z"}})");
    QCOMPARE(QString::fromStdString(unordered(j).dump()), QString::fromStdString(unordered(expected).dump()));
}

void TstK8sProtobuf::replicasZeroIsKept()
{
    // *int32 replicas set to 0 (`kubectl create deployment --replicas=0`) is not the same as unset.
    const Json j = decodeKubernetesProtobuf(envelope(
        "apps/v1", "Deployment", serialized("k8s.io.api.apps.v1.Deployment", R"(metadata { name: "d" } spec { replicas: 0 paused: false minReadySeconds: 0 })")));
    QCOMPARE(QString::fromStdString(j["spec"].dump()), QStringLiteral(R"({"replicas":0})"));
}

void TstK8sProtobuf::bytesAreBase64AndRawExtensionIsJson()
{
    const Json secret = decodeKubernetesProtobuf(envelope(
        "v1", "Secret", serialized("k8s.io.api.core.v1.Secret", R"(metadata { name: "s" } data { key: "k" value: "\000\377v" } type: "Opaque")")));
    QCOMPARE(QString::fromStdString(secret["data"]["k"].get<std::string>()), QStringLiteral("AP92"));
    QCOMPARE(QString::fromStdString(secret["type"].get<std::string>()), QStringLiteral("Opaque"));
    const Json event = decodeKubernetesProtobuf(envelope(
        "v1", "Event", serialized("k8s.io.api.core.v1.Event", R"(metadata { name: "e" } eventTime { seconds: 1767225600 nanos: 123456789 } series { count: 2 })")));
    QCOMPARE(QString::fromStdString(event["eventTime"].get<std::string>()), QStringLiteral("2026-01-01T00:00:00.123456Z"));
    const Json hpa = decodeKubernetesProtobuf(envelope(
        "autoscaling/v2", "HorizontalPodAutoscaler",
        serialized("k8s.io.api.autoscaling.v2.HorizontalPodAutoscaler",
                   "metadata { name: 'h' } spec { scaleTargetRef { kind: 'Deployment' name: 'web' apiVersion: 'apps/v1' }"
                   " minReplicas: 1 maxReplicas: 5 }")));
    QCOMPARE(hpa["spec"]["maxReplicas"].get<int>(), 5);
    QCOMPARE(QString::fromStdString(hpa["spec"]["scaleTargetRef"]["name"].get<std::string>()), QStringLiteral("web"));
    const Json rev = decodeKubernetesProtobuf(envelope(
        "apps/v1", "ControllerRevision", serialized("k8s.io.api.apps.v1.ControllerRevision", R"(metadata { name: "r" } data { raw: "{\"a\":[1]}" } revision: 3)")));
    QCOMPARE(QString::fromStdString(rev["data"].dump()), QStringLiteral(R"({"a":[1]})"));
}

void TstK8sProtobuf::badBodiesAreClientErrors()
{
    const QByteArray deployment = readData(QStringLiteral("create-deployment.pb"));
    const std::string good(deployment.constData(), deployment.size());
    QCOMPARE(errorCode(good), 0);
    QCOMPARE(errorCode("{\"kind\":\"Pod\"}"), 400);                        // no k8s\0 prefix
    QCOMPARE(errorCode(good.substr(0, good.size() - 7)), 400);             // cut short
    QCOMPARE(errorCode(std::string("k8s\0\xff\xff\xff\xff\x0f", 9)), 400); // not a message
    QCOMPARE(errorCode(envelope("", "", "")), 400);                        // no type
    QCOMPARE(errorCode(envelope("rbac.authorization.k8s.io/v1", "Role", "")), 415);
    QCOMPARE(errorCode(envelope("v1", "NoSuchKind", "")), 415);
    QCOMPARE(errorCode(envelope("v1", "Pod", "\x0a\x05\x0a\x03")), 400); // truncated metadata
    // An embedded object that is neither JSON nor protobuf.
    QCOMPARE(errorCode(envelope("apps/v1", "ControllerRevision",
                                serialized("k8s.io.api.apps.v1.ControllerRevision", R"(data { raw: "{not json" })"))),
             400);
}

QTEST_GUILESS_MAIN(TstK8sProtobuf)
#include "tst_k8s_protobuf.moc"
