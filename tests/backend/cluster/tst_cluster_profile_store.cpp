#include "backend/cluster/profile_store.h"

#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bc;

namespace {

QList<ClusterProfile> sampleProfiles(const QString &pubKey)
{
    ClusterProfile gke {.name = u"lab"_s, .kind = ClusterKind::Gke};
    gke.gke = GkeSettings {u"cloudproject-404707"_s, u"us-central1-b"_s, {}, u"boutique"_s,
        u"e2-standard-2"_s, 3, u"latest"_s, true};
    gke.context = u"gke_cloudproject-404707_us-central1-b_boutique"_s;

    ClusterProfile regional {.name = u"regional"_s, .kind = ClusterKind::Gke};
    regional.gke = GkeSettings {
        u"other-project"_s, {}, u"europe-west1"_s, u"shop"_s, u"n2-standard-4"_s, 1, {}, false};

    ClusterProfile k3s {.name = u"own-k3s"_s, .kind = ClusterKind::K3s};
    k3s.k3s = K3sSettings {u"central-cinema-402517"_s, u"europe-west6"_s, u"europe-west6-a"_s, u"k3s"_s, 3, 4,
        u"e2-standard-2"_s, u"ansible"_s, pubKey, false};
    k3s.kubeconfig = u"/tmp/k3s/kubeconfig"_s;

    ClusterProfile sandbox {.name = u"sandbox"_s, .kind = ClusterKind::Sandbox};
    ClusterProfile ctx {.name = u"kind: \"quoted\" #1"_s, .kind = ClusterKind::ExistingContext};
    ctx.context = u"kind-kind"_s;
    return {gke, regional, k3s, sandbox, ctx};
}

} // namespace

class TstClusterProfileStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void yamlRoundTrip();
    void carriageReturnsSurviveASaveAndLoad();
    void fileRoundTripInConfigLocation();
    void upsertValidatesAndReplaces();
    void removeAndFind();
    void defaultsForMissingKeys();
    void brokenYamlIsAnError_data();
    void brokenYamlIsAnError();

private:
    QTemporaryDir m_dir;
    QString m_pub;
};

void TstClusterProfileStore::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"BoutiqueControlTests"_s);
    QCoreApplication::setApplicationName(u"tst_cluster_profile_store"_s);
    QVERIFY(m_dir.isValid());
    m_pub = m_dir.filePath(u"id.pub"_s);
    QFile f(m_pub);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("ssh-ed25519 AAAA test\n");
    QFile::remove(ProfileStore::defaultPath());
}

void TstClusterProfileStore::yamlRoundTrip()
{
    const QList<ClusterProfile> profiles = sampleProfiles(m_pub);
    const QByteArray yaml = ProfileStore::toYaml(profiles);
    QVERIFY(yaml.contains("profiles:"));
    QVERIFY(yaml.contains("network_policy: false"));
    const auto back = ProfileStore::fromYaml(yaml);
    QVERIFY2(bool(back), qPrintable(back ? QString() : back.error().detail));
    QCOMPARE(back.value().size(), profiles.size());
    for (qsizetype i = 0; i < profiles.size(); ++i)
        QVERIFY2(back.value()[i] == profiles[i], qPrintable(profiles[i].name));
}

// fuzz_profile_yaml found it: a value ending in carriage returns lost one to each CRLF on every load.
void TstClusterProfileStore::carriageReturnsSurviveASaveAndLoad()
{
    const QByteArray yaml = "version: 2\nprofiles:\n  - name: lab\n    kind: gke\n    project: my-lab-project\n"
                            "    zone: us-central1-b\r\r\r\n    cluster_name: boutique\n";
    const auto loaded = ProfileStore::fromYaml(yaml);
    QVERIFY2(bool(loaded), qPrintable(loaded ? QString() : loaded.error().detail));
    QCOMPARE(loaded.value().value(0).gke.zone, u"us-central1-b"_s);
    const auto again = ProfileStore::fromYaml(ProfileStore::toYaml(loaded.value()));
    QVERIFY(bool(again));
    QCOMPARE(again.value(), loaded.value());
}

void TstClusterProfileStore::fileRoundTripInConfigLocation()
{
    ProfileStore store;
    QVERIFY(store.filePath().startsWith(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation)));
    QVERIFY(store.filePath().contains(u"/.qttest/"_s)); // test mode: never the user's configuration
    const QList<ClusterProfile> profiles = sampleProfiles(m_pub);
    QVERIFY(bool(store.save(profiles)));
    const auto loaded = ProfileStore().load();
    QVERIFY(bool(loaded));
    QCOMPARE(loaded.value(), profiles);
}

void TstClusterProfileStore::upsertValidatesAndReplaces()
{
    ProfileStore store(m_dir.filePath(u"upsert/clusters.yaml"_s));
    QCOMPARE(store.load().value().size(), 0); // no file yet
    ClusterProfile p = sampleProfiles(m_pub).first();
    QVERIFY(bool(store.upsert(p)));
    p.gke.nodeCount = 5;
    QVERIFY(bool(store.upsert(p)));
    ClusterProfile second = sampleProfiles(m_pub)[1];
    QVERIFY(bool(store.upsert(second)));
    auto loaded = store.load();
    QCOMPARE(loaded.value().size(), 2);
    QCOMPARE(loaded.value().first().gke.nodeCount, 5);

    ClusterProfile bad = p;
    bad.name = u"bad"_s;
    bad.gke.project = u"UPPER"_s;
    const Status refused = store.upsert(bad);
    QVERIFY(!refused);
    QVERIFY(refused.error().message.startsWith(u"project: "_s));
    QCOMPARE(store.load().value().size(), 2);
}

void TstClusterProfileStore::removeAndFind()
{
    ProfileStore store(m_dir.filePath(u"remove/clusters.yaml"_s));
    QVERIFY(bool(store.save(sampleProfiles(m_pub))));
    QCOMPARE(store.find(u"own-k3s"_s).value().k3s.masters, 3);
    QVERIFY(bool(store.remove(u"own-k3s"_s)));
    const auto missing = store.find(u"own-k3s"_s);
    QVERIFY(!missing);
    QCOMPARE(missing.error().kind, Error::Kind::NotFound);
    QCOMPARE(store.remove(u"own-k3s"_s).error().kind, Error::Kind::NotFound);
    QCOMPARE(store.load().value().size(), 4);
}

void TstClusterProfileStore::defaultsForMissingKeys()
{
    const auto parsed = ProfileStore::fromYaml("profiles:\n  - name: minimal\n    project: abcdef\n"
                                               "    zone: us-central1-b\n    cluster_name: c\n");
    QVERIFY(bool(parsed));
    const ClusterProfile &p = parsed.value().first();
    QCOMPARE(p.kind, ClusterKind::Gke);
    QCOMPARE(p.gke.nodeCount, 3);
    QCOMPARE(p.gke.machineType, u"e2-standard-2"_s);
    QVERIFY(p.gke.networkPolicy); // on unless turned off: the canary needs it
    QVERIFY(bool(ProfileStore::fromYaml("")));
}

void TstClusterProfileStore::brokenYamlIsAnError_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::newRow("not yaml") << QByteArray("profiles: [\n  - name: x\n");
    QTest::newRow("not a map") << QByteArray("- a\n- b\n");
    QTest::newRow("profiles not a list") << QByteArray("profiles: 3\n");
    QTest::newRow("unknown kind") << QByteArray("profiles:\n  - name: x\n    kind: openshift\n");
    QTest::newRow("node count text") << QByteArray("profiles:\n  - name: x\n    node_count: many\n");
    QTest::newRow("project is a map") << QByteArray("profiles:\n  - name: x\n    project: {a: 1}\n");
}

void TstClusterProfileStore::brokenYamlIsAnError()
{
    QFETCH(QByteArray, yaml);
    const auto parsed = ProfileStore::fromYaml(yaml);
    QVERIFY(!parsed);
    QCOMPARE(parsed.error().kind, Error::Kind::Invalid);
    QVERIFY(!parsed.error().message.isEmpty());
}

QTEST_GUILESS_MAIN(TstClusterProfileStore)
#include "tst_cluster_profile_store.moc"
