#include "backend/cluster/profile_validator.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bc;

namespace {

ClusterProfile validGke()
{
    ClusterProfile p {.name = u"lab"_s, .kind = ClusterKind::Gke};
    p.gke.project = u"cloudproject-404707"_s;
    p.gke.zone = u"us-central1-b"_s;
    p.gke.clusterName = u"boutique"_s;
    p.gke.machineType = u"e2-standard-2"_s;
    p.gke.nodeCount = 3;
    p.gke.clusterVersion = u"latest"_s;
    return p;
}

} // namespace

class TstClusterProfileValidator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void acceptsValidGke_data();
    void acceptsValidGke();
    void refusesBadGke_data();
    void refusesBadGke();
    void refusesBadK3s_data();
    void refusesBadK3s();
    void existingContextNeedsContext();

private:
    QTemporaryDir m_dir;
};

void TstClusterProfileValidator::acceptsValidGke_data()
{
    QTest::addColumn<QString>("project");
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QString>("region");
    QTest::addColumn<QString>("machineType");
    QTest::addColumn<int>("nodes");
    QTest::newRow("lab") << u"cloudproject-404707"_s << u"us-central1-b"_s << QString() << u"e2-standard-2"_s
                         << 3;
    QTest::newRow("6 chars, regional")
        << u"abcdef"_s << QString() << u"europe-west6"_s << u"n2-highmem-4"_s << 1;
    QTest::newRow("30 chars") << u"a23456789012345678901234567890"_s << u"northamerica-northeast1-a"_s
                              << QString() << u"f1-micro"_s << 100;
    QTest::newRow("custom type") << u"my-proj-1"_s << u"asia-south1-c"_s << QString() << u"custom-4-5120"_s
                                 << 2;
}

void TstClusterProfileValidator::acceptsValidGke()
{
    QFETCH(QString, project);
    QFETCH(QString, zone);
    QFETCH(QString, region);
    QFETCH(QString, machineType);
    QFETCH(int, nodes);
    ClusterProfile p = validGke();
    p.gke.project = project;
    p.gke.zone = zone;
    p.gke.region = region;
    p.gke.machineType = machineType;
    p.gke.nodeCount = nodes;
    const auto problem = ProfileValidator::check(p);
    QVERIFY2(!problem, qPrintable(problem ? problem->message : QString()));
    QVERIFY(bool(ProfileValidator::validate(p)));
}

void TstClusterProfileValidator::refusesBadGke_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("field");

    QTest::newRow("empty project") << u"project"_s << QString() << u"project"_s;
    QTest::newRow("project too short") << u"project"_s << u"abcde"_s << u"project"_s;
    QTest::newRow("project too long") << u"project"_s << u"a234567890123456789012345678901"_s << u"project"_s;
    QTest::newRow("project starts with digit") << u"project"_s << u"1project"_s << u"project"_s;
    QTest::newRow("project uppercase") << u"project"_s << u"MyProject"_s << u"project"_s;
    QTest::newRow("project underscore") << u"project"_s << u"my_project"_s << u"project"_s;
    QTest::newRow("project trailing hyphen") << u"project"_s << u"my-project-"_s << u"project"_s;
    QTest::newRow("zone without letter") << u"zone"_s << u"us-central1"_s << u"zone"_s;
    QTest::newRow("zone garbage") << u"zone"_s << u"US-Central1-B"_s << u"zone"_s;
    QTest::newRow("zone with space") << u"zone"_s << u"us-central1-b --quiet"_s << u"zone"_s;
    QTest::newRow("no location") << u"zone"_s << QString() << u"zone"_s;
    QTest::newRow("zone and region") << u"region"_s << u"us-central1"_s << u"region"_s;
    QTest::newRow("cluster name empty") << u"clusterName"_s << QString() << u"cluster_name"_s;
    QTest::newRow("cluster name upper") << u"clusterName"_s << u"Boutique"_s << u"cluster_name"_s;
    QTest::newRow("cluster name digit start") << u"clusterName"_s << u"1boutique"_s << u"cluster_name"_s;
    QTest::newRow("cluster name trailing hyphen") << u"clusterName"_s << u"boutique-"_s << u"cluster_name"_s;
    QTest::newRow("cluster name 41 chars") << u"clusterName"_s << u"a"_s.repeated(41) << u"cluster_name"_s;
    QTest::newRow("cluster name dot") << u"clusterName"_s << u"bou.tique"_s << u"cluster_name"_s;
    QTest::newRow("machine type no dash") << u"machineType"_s << u"standard"_s << u"machine_type"_s;
    QTest::newRow("machine type upper") << u"machineType"_s << u"E2-standard-2"_s << u"machine_type"_s;
    QTest::newRow("machine type empty") << u"machineType"_s << QString() << u"machine_type"_s;
    QTest::newRow("nodes 0") << u"nodes"_s << u"0"_s << u"node_count"_s;
    QTest::newRow("nodes 101") << u"nodes"_s << u"101"_s << u"node_count"_s;
    QTest::newRow("nodes negative") << u"nodes"_s << u"-3"_s << u"node_count"_s;
    QTest::newRow("version garbage") << u"version"_s << u"newest"_s << u"cluster_version"_s;
    QTest::newRow("profile name empty") << u"name"_s << QString() << u"name"_s;
    QTest::newRow("profile name slash") << u"name"_s << u"../x"_s << u"name"_s;
}

void TstClusterProfileValidator::refusesBadGke()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, field);
    ClusterProfile p = validGke();
    if (key == u"project")
        p.gke.project = value;
    else if (key == u"zone")
        p.gke.zone = value;
    else if (key == u"region")
        p.gke.region = value; // zone stays set: both given
    else if (key == u"clusterName")
        p.gke.clusterName = value;
    else if (key == u"machineType")
        p.gke.machineType = value;
    else if (key == u"nodes")
        p.gke.nodeCount = value.toInt();
    else if (key == u"version")
        p.gke.clusterVersion = value;
    else if (key == u"name")
        p.name = value;

    const auto problem = ProfileValidator::check(p);
    QVERIFY(problem.has_value());
    QCOMPARE(problem->field, field);
    QVERIFY2(problem->message.startsWith(field + u": "_s), qPrintable(problem->message));
    QVERIFY(!problem->message.contains(u'\n'));
    const Status status = ProfileValidator::validate(p);
    QVERIFY(!status);
    QCOMPARE(status.error().kind, Error::Kind::Invalid);
    QCOMPARE(status.error().message, problem->message);
}

void TstClusterProfileValidator::refusesBadK3s_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("field");
    QTest::newRow("valid") << QString() << QString() << QString();
    QTest::newRow("project") << u"project"_s << u"x"_s << u"project"_s;
    QTest::newRow("no zone") << u"zone"_s << QString() << u"zone"_s;
    QTest::newRow("zone outside region") << u"region"_s << u"us-east1"_s << u"zone"_s;
    QTest::newRow("masters 0") << u"masters"_s << u"0"_s << u"masters"_s;
    QTest::newRow("masters 10") << u"masters"_s << u"10"_s << u"masters"_s;
    QTest::newRow("workers -1") << u"workers"_s << u"-1"_s << u"workers"_s;
    QTest::newRow("workers 101") << u"workers"_s << u"101"_s << u"workers"_s;
    QTest::newRow("ssh user") << u"sshUser"_s << u"Root User"_s << u"ssh_user"_s;
    QTest::newRow("private key given") << u"sshKey"_s << u"/home/x/.ssh/id_ed25519"_s << u"ssh_public_key"_s;
    QTest::newRow("missing key") << u"sshKey"_s << u"/nonexistent/key.pub"_s << u"ssh_public_key"_s;
    QTest::newRow("machine type") << u"machineType"_s << u"big"_s << u"machine_type"_s;
    QTest::newRow("name") << u"clusterName"_s << u"K3S"_s << u"cluster_name"_s;
}

void TstClusterProfileValidator::refusesBadK3s()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, field);
    QVERIFY(m_dir.isValid());
    const QString pub = m_dir.filePath(u"id.pub"_s);
    {
        QFile f(pub);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake test\n");
    }
    ClusterProfile p {.name = u"own"_s, .kind = ClusterKind::K3s};
    p.k3s.project = u"central-cinema-402517"_s;
    p.k3s.region = u"europe-west6"_s;
    p.k3s.zone = u"europe-west6-a"_s;
    p.k3s.sshPublicKeyPath = pub;
    p.k3s.masters = 3;
    p.k3s.workers = 4;
    if (key == u"project")
        p.k3s.project = value;
    else if (key == u"zone")
        p.k3s.zone = value;
    else if (key == u"region")
        p.k3s.region = value;
    else if (key == u"masters")
        p.k3s.masters = value.toInt();
    else if (key == u"workers")
        p.k3s.workers = value.toInt();
    else if (key == u"sshUser")
        p.k3s.sshUser = value;
    else if (key == u"sshKey")
        p.k3s.sshPublicKeyPath = value;
    else if (key == u"machineType")
        p.k3s.machineType = value;
    else if (key == u"clusterName")
        p.k3s.clusterName = value;

    const auto problem = ProfileValidator::check(p);
    if (field.isEmpty()) {
        QVERIFY2(!problem, qPrintable(problem ? problem->message : QString()));
        return;
    }
    QVERIFY(problem.has_value());
    QCOMPARE(problem->field, field);
    QVERIFY2(problem->message.startsWith(field + u": "_s), qPrintable(problem->message));
}

void TstClusterProfileValidator::existingContextNeedsContext()
{
    ClusterProfile p {.name = u"mine"_s, .kind = ClusterKind::ExistingContext};
    auto problem = ProfileValidator::check(p);
    QVERIFY(problem.has_value());
    QCOMPARE(problem->field, u"context"_s);
    p.context = u"kind-kind"_s;
    QVERIFY(!ProfileValidator::check(p));
    p.kubeconfig = u"/nonexistent/kubeconfig"_s;
    problem = ProfileValidator::check(p);
    QVERIFY(problem.has_value());
    QCOMPARE(problem->field, u"kubeconfig"_s);
}

QTEST_GUILESS_MAIN(TstClusterProfileValidator)
#include "tst_cluster_profile_validator.moc"
