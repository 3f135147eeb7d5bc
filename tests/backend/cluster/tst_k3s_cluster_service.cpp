// K3sClusterService and its parts: the terraform/ansible command lines, the inventory written from
// `terraform output -json`, refusal of bad input before any process, the dry run, and one REAL run of
// terraform + ansible-playbook against a stand-in infra folder (terraform_data resources, a local-only
// playbook), so the whole chain runs without the cloud.
#include "backend/cluster/k3s_cluster_service.h"
#include "backend/cluster/k3s_command_builder.h"
#include "backend/cluster/k3s_inventory.h"
#include "backend/process/command_log.h"
#include "backend/process/run_context.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bc;

class TstK3sClusterService : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void commandLines();
    void inventoryFromTerraformOutput();
    void inventoryRejectsBadOutput_data();
    void inventoryRejectsBadOutput();
    void refusesBadInputBeforeAnyProcess();
    void dryRunAnnouncesEveryStepAndWritesNothing();
    void realTerraformAndAnsibleRun();

private:
    K3sSettings settings() const;
    QTemporaryDir m_dir;
    QString m_pub;
};

void TstK3sClusterService::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_pub = m_dir.filePath(u"ansible.pub"_s);
    QFile f(m_pub);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake ansible\n");
}

K3sSettings TstK3sClusterService::settings() const
{
    K3sSettings s;
    s.project = u"central-cinema-402517"_s;
    s.zone = u"europe-west6-a"_s;
    s.masters = 3;
    s.workers = 2;
    s.sshPublicKeyPath = m_pub;
    return s;
}

void TstK3sClusterService::commandLines()
{
    const K3sPaths paths {u"/src/infra/k3s"_s, u"/data/clusters/own"_s};
    const K3sCommandBuilder b(settings(), paths);
    QCOMPARE(b.region(), u"europe-west6"_s);
    QCOMPARE(b.privateKeyPath(), m_dir.filePath(u"ansible"_s));
    QCOMPARE(b.init().arguments,
        (QStringList {
            u"-chdir=/data/clusters/own/k3s/terraform"_s, u"init"_s, u"-input=false"_s, u"-no-color"_s}));
    QCOMPARE(b.init().workingDirectory, u"/data/clusters/own/k3s/terraform"_s);
    const QStringList apply = b.apply().arguments;
    QCOMPARE(apply.mid(0, 5),
        (QStringList {u"-chdir=/data/clusters/own/k3s/terraform"_s, u"apply"_s, u"-auto-approve"_s, u"-json"_s,
            u"-input=false"_s}));
    QVERIFY(apply.contains(u"masters=3"_s));
    QVERIFY(apply.contains(u"workers=2"_s));
    QVERIFY(apply.contains(u"region=europe-west6"_s));
    QVERIFY(apply.contains(u"ssh_public_key_path=%1"_s.arg(m_pub)));
    QCOMPARE(apply.count(u"-var"_s), 10);
    QCOMPARE(b.destroy().arguments.mid(1, 4),
        (QStringList {u"destroy"_s, u"-auto-approve"_s, u"-json"_s, u"-input=false"_s}));
    QCOMPARE(b.destroy().arguments.mid(5), apply.mid(5));
    QVERIFY(b.output().captureStdout);
    const Command play = b.playbook();
    QCOMPARE(play.program, u"ansible-playbook"_s);
    QCOMPARE(play.arguments.mid(0, 3),
        (QStringList {
            u"-i"_s, u"/data/clusters/own/inventory.ini"_s, u"/src/infra/k3s/ansible/playbook.yml"_s}));
    QVERIFY(play.arguments.contains(u"kubeconfig_dest=/data/clusters/own/kubeconfig"_s));
    QCOMPARE(play.environment.value(u"ANSIBLE_HOST_KEY_CHECKING"_s), u"False"_s);
}

void TstK3sClusterService::inventoryFromTerraformOutput()
{
    const QByteArray json = R"({
  "master_internal_ips": {"sensitive": false, "type": ["list", "string"], "value": ["10.10.0.2", "10.10.0.3"]},
  "master_public_ips": {"sensitive": false, "type": ["list", "string"], "value": ["34.65.1.2", "34.65.1.3"]},
  "worker_internal_ips": {"sensitive": false, "type": ["list", "string"], "value": ["10.10.0.4"]},
  "worker_public_ips": {"sensitive": false, "type": ["list", "string"], "value": ["34.65.1.4"]}
})";
    const auto inv = K3sInventory::fromTerraformOutput(json, u"ansible"_s, u"/keys/ansible"_s);
    QVERIFY2(bool(inv), qPrintable(inv ? QString() : inv.error().message));
    const QString text = inv.value();
    QVERIFY(text.contains(u"[first_master]\nmaster-0 ansible_host=34.65.1.2 internal_ip=10.10.0.2\n"_s));
    QVERIFY(text.contains(u"[joined_masters]\nmaster-1 ansible_host=34.65.1.3 internal_ip=10.10.0.3\n"_s));
    QVERIFY(text.contains(u"[masters:children]\nfirst_master\njoined_masters\n"_s));
    QVERIFY(text.contains(u"[workers]\nworker-0 ansible_host=34.65.1.4 internal_ip=10.10.0.4\n"_s));
    QVERIFY(text.contains(u"ansible_user=ansible\nansible_ssh_private_key_file=/keys/ansible\n"_s));
}

void TstK3sClusterService::inventoryRejectsBadOutput_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("not json") << QByteArray("Error: no outputs");
    QTest::newRow("missing outputs") << QByteArray("{}");
    QTest::newRow("no masters") << QByteArray(
        R"({"master_public_ips":{"value":[]},"master_internal_ips":{"value":[]},
        "worker_public_ips":{"value":[]},"worker_internal_ips":{"value":[]}})");
    QTest::newRow("not an address") << QByteArray(R"({"master_public_ips":{"value":["a; rm -rf /"]},
        "master_internal_ips":{"value":["10.0.0.1"]},"worker_public_ips":{"value":[]},"worker_internal_ips":{"value":[]}})");
    QTest::newRow("lengths differ") << QByteArray(R"({"master_public_ips":{"value":["1.2.3.4"]},
        "master_internal_ips":{"value":[]},"worker_public_ips":{"value":[]},"worker_internal_ips":{"value":[]}})");
}

void TstK3sClusterService::inventoryRejectsBadOutput()
{
    QFETCH(QByteArray, json);
    const auto inv = K3sInventory::fromTerraformOutput(json, u"ansible"_s, u"/k"_s);
    QVERIFY(!inv);
    QVERIFY(!inv.error().message.isEmpty());
}

void TstK3sClusterService::refusesBadInputBeforeAnyProcess()
{
    RunContext context;
    K3sClusterService service(&context);
    QSignalSpy announced(context.log(), &CommandLog::commandStarted);
    K3sSettings bad = settings();
    bad.masters = 0;
    const K3sPaths paths {QStringLiteral(BC_SOURCE_DIR) + u"/infra/k3s"_s, m_dir.filePath(u"refused"_s)};
    Status st = service.create(bad, paths);
    QVERIFY(!st);
    QVERIFY2(st.error().message.startsWith(u"masters: "_s), qPrintable(st.error().message));
    st = service.create(settings(), K3sPaths {m_dir.filePath(u"no-infra"_s), m_dir.filePath(u"refused"_s)});
    QVERIFY(!st);
    QVERIFY2(st.error().message.startsWith(u"infra-dir: "_s), qPrintable(st.error().message));
    st = service.destroy(settings(), paths); // no state: nothing to destroy
    QVERIFY(!st);
    QCOMPARE(st.error().kind, Error::Kind::NotFound);
    QCOMPARE(announced.size(), 0);
    QVERIFY(!QFileInfo::exists(paths.workDir));
}

void TstK3sClusterService::dryRunAnnouncesEveryStepAndWritesNothing()
{
    RunContext context;
    context.setDryRun(true);
    K3sClusterService service(&context);
    QSignalSpy announced(context.log(), &CommandLog::commandStarted);
    QSignalSpy finished(&service, &K3sClusterService::finished);
    const K3sPaths paths {QStringLiteral(BC_SOURCE_DIR) + u"/infra/k3s"_s, m_dir.filePath(u"dry"_s)};
    QVERIFY(bool(service.create(settings(), paths)));
    QVERIFY(finished.wait(5000));
    QVERIFY(finished.first().first().value<Status>());
    QCOMPARE(announced.size(), 4);
    const QString chdir = u"terraform -chdir=%1/k3s/terraform "_s.arg(paths.workDir);
    QCOMPARE(announced[0][1].toString(), chdir + u"init -input=false -no-color"_s);
    QVERIFY(announced[1][1].toString().startsWith(
        chdir + u"apply -auto-approve -json -input=false -var project=central-cinema-402517"_s));
    QCOMPARE(announced[2][1].toString(), chdir + u"output -json"_s);
    QVERIFY(announced[3][1].toString().startsWith(u"ansible-playbook -i "_s));
    QVERIFY(!QFileInfo::exists(paths.workDir));

    announced.clear();
    finished.clear();
    QVERIFY(bool(service.destroy(settings(), paths)));
    QVERIFY(finished.wait(5000));
    QCOMPARE(announced.size(), 2);
    QVERIFY(announced[1][1].toString().startsWith(chdir + u"destroy -auto-approve -json"_s));
}

void TstK3sClusterService::realTerraformAndAnsibleRun()
{
    for (const QString &tool : {u"terraform"_s, u"ansible-playbook"_s})
        QVERIFY2(!QStandardPaths::findExecutable(tool).isEmpty(), qPrintable(tool + u" is not on PATH"_s));
    qputenv("CHECKPOINT_DISABLE", "1");
    qputenv("TF_CLI_CONFIG_FILE", "/dev/null");
    qputenv("ANSIBLE_LOCAL_TEMP", m_dir.filePath(u"ansible-tmp"_s).toUtf8());
    qputenv("ANSIBLE_PYTHON_INTERPRETER", "/usr/bin/python3");

    RunContext context;
    K3sClusterService service(&context);
    QSignalSpy progress(&service, &K3sClusterService::progress);
    QSignalSpy finished(&service, &K3sClusterService::finished);
    QStringList output;
    connect(
        &service, &K3sClusterService::outputLine, this, [&output](const QString &l, bool) { output << l; });
    const K3sPaths paths {
        QStringLiteral(BC_SOURCE_DIR) + u"/tests/backend/cluster/tst_k3s_cluster_service_data/k3s"_s,
        m_dir.filePath(u"real"_s)};
    QVERIFY(bool(service.create(settings(), paths)));
    QVERIFY(finished.wait(90000));
    Status st = finished.first().first().value<Status>();
    QVERIFY2(bool(st),
        qPrintable((st ? QString() : st.error().message + u"\n"_s + st.error().detail) + output.join(u'\n')));

    QFile inventory(paths.inventory());
    QVERIFY(inventory.open(QIODevice::ReadOnly));
    QVERIFY(inventory.readAll().contains("[joined_masters]\nmaster-1 ansible_host=127.0.0.1"));
    QFile kubeconfig(paths.kubeconfig());
    QVERIFY(kubeconfig.open(QIODevice::ReadOnly));
    QCOMPARE(kubeconfig.readAll(), QByteArray("current-context: k3s\n"));

    bool sawCount = false;
    double last = 0;
    for (const QList<QVariant> &args : std::as_const(progress)) {
        const auto p = args.first().value<ClusterProgress>();
        QVERIFY(p.fraction >= last);
        last = p.fraction;
        sawCount = sawCount || p.phase.startsWith(u"5/5 "_s); // 3 masters + 2 workers applied
    }
    QVERIFY(sawCount);
    QCOMPARE(last, 1.0);

    finished.clear();
    QVERIFY(bool(service.destroy(settings(), paths)));
    QVERIFY(finished.wait(60000));
    st = finished.first().first().value<Status>();
    QVERIFY2(bool(st), qPrintable(st ? QString() : st.error().message));
}

QTEST_GUILESS_MAIN(TstK3sClusterService)
#include "tst_k3s_cluster_service.moc"
