// The GCE load generator's parts (issue #19): the profile and its per-field checks, loadgen.yaml beside
// clusters.yaml, the inventory and ssh_config written from `terraform output -json`, the command lines,
// the dated price table, and the REAL infra/loadgen configuration run by the real terraform with the
// test-only override (terraform_data on loopback): validate, apply, a re-run that applies only the new
// worker, output, destroy that leaves no state.
#include "backend/cluster/profile_store.h"
#include "backend/cluster/terraform_work_copy.h"
#include "backend/loadgen/loadgen_command_builder.h"
#include "backend/loadgen/loadgen_prices.h"
#include "backend/loadgen/loadgen_profile.h"
#include "backend/loadgen/loadgen_service.h"
#include "backend/process/command_log.h"
#include "backend/process/command_runner.h"
#include "backend/process/run_context.h"
#include "tests/support/loadgen_lab.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bc;

namespace {

// What terraform output -json printed for the loadgen configuration with the test override.
const QByteArray kOutput = R"({
  "bastion_ip": {"sensitive": false, "type": "string", "value": "127.77.3.1"},
  "master_ip": {"sensitive": false, "type": "string", "value": "127.77.3.10"},
  "ssh_port": {"sensitive": false, "type": "number", "value": 2222},
  "ssh_user": {"sensitive": false, "type": "string", "value": "locust"},
  "worker_ips": {"sensitive": false, "type": ["tuple", ["string", "string"]], "value": ["127.77.3.20", "127.77.3.21"]},
  "worker_no": {"sensitive": false, "type": "number", "value": 2}
})";

CommandResult runNow(RunContext *context, const Command &command, QStringList *lines = nullptr)
{
    CommandRunner runner(context);
    QSignalSpy finished(&runner, &CommandRunner::finished);
    if (lines)
        QObject::connect(&runner, &CommandRunner::stdoutLine, [lines](const QString &l) { *lines << l; });
    runner.start(command);
    if (!finished.wait(120000))
        return {};
    return finished.first().first().value<CommandResult>();
}

} // namespace

class TstLoadgen : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qRegisterMetaType<CommandResult>();
        QVERIFY(m_dir.isValid());
        m_pub = m_dir.filePath(u"locust.pub"_s);
        for (const QString &f : {m_pub, m_dir.filePath(u"locust"_s)}) {
            QFile file(f);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake locust\n");
        }
    }

    void profileFieldChecks_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::newRow("project too short") << u"project"_s << u"ab"_s;
        QTest::newRow("project upper case") << u"project"_s << u"My-Project"_s;
        QTest::newRow("zone") << u"zone"_s << u"central"_s;
        QTest::newRow("machine type") << u"machine_type"_s << u"big one"_s;
        QTest::newRow("no workers") << u"worker_no"_s << u"0"_s;
        QTest::newRow("too many workers") << u"worker_no"_s << u"201"_s;
        QTest::newRow("ssh user") << u"ssh_user"_s << u"Root User"_s;
        QTest::newRow("name prefix") << u"name_prefix"_s << u"-x"_s;
        QTest::newRow("no key") << u"ssh_public_key"_s << QString();
        QTest::newRow("key is private") << u"ssh_public_key"_s << u"locust"_s;
        QTest::newRow("key missing") << u"ssh_public_key"_s << u"nothere.pub"_s;
    }
    void profileFieldChecks()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        LoadgenProfile p = valid();
        QVERIFY(!LoadgenProfileValidator::check(p));
        if (field == u"project")
            p.project = value;
        else if (field == u"zone")
            p.zone = value;
        else if (field == u"machine_type")
            p.machineType = value;
        else if (field == u"worker_no")
            p.workerNo = value.toInt();
        else if (field == u"ssh_user")
            p.sshUser = value;
        else if (field == u"name_prefix")
            p.namePrefix = value;
        else
            p.sshPublicKeyPath = value.isEmpty() ? value : m_dir.filePath(value);
        const auto problem = LoadgenProfileValidator::check(p);
        QVERIFY(problem);
        QCOMPARE(problem->field, field);
        QVERIFY2(problem->message.startsWith(field + u": "_s), qPrintable(problem->message));
        QVERIFY(!LoadgenProfileValidator::validate(p));
    }

    void profileKeptBesideClusterProfiles()
    {
        QCOMPARE(QFileInfo(LoadgenProfileStore::defaultPath()).absolutePath(),
            QFileInfo(ProfileStore::defaultPath()).absolutePath());
        const LoadgenProfileStore store(m_dir.filePath(u"cfg/loadgen.yaml"_s));
        QVERIFY(!store.exists());
        QCOMPARE(store.load().value(), LoadgenProfile {}); // defaults before the first save
        LoadgenProfile bad = valid();
        bad.workerNo = 0;
        QVERIFY(!store.save(bad));
        QVERIFY(!store.exists()); // nothing invalid is stored
        LoadgenProfile p = valid();
        p.spot = false;
        p.workerNo = 7;
        QVERIFY(bool(store.save(p)));
        QCOMPARE(store.load().value(), p);
        QVERIFY(!LoadgenProfileStore::fromYaml("- a list\n"));
    }

    void hostsFromTerraformOutput()
    {
        const Result<LoadgenHosts> hosts = LoadgenHosts::fromTerraformOutput(kOutput);
        QVERIFY2(bool(hosts), qPrintable(hosts ? QString() : hosts.error().message));
        const LoadgenHosts &h = hosts.value();
        QCOMPARE(h.bastionIp, u"127.77.3.1"_s);
        QCOMPARE(h.workerIps, (QStringList {u"127.77.3.20"_s, u"127.77.3.21"_s}));
        QCOMPARE(h.sshPort, 2222);
        const QString ini = h.inventory(u"/w/ssh_config"_s);
        QVERIFY(ini.contains(u"[master]\nmaster ansible_host=127.77.3.10\n"_s));
        QVERIFY(ini.contains(
            u"[workers]\nworker-0 ansible_host=127.77.3.20\nworker-1 ansible_host=127.77.3.21\n"_s));
        QVERIFY(ini.contains(u"[loadgen:children]\nmaster\nworkers\n"_s));
        QVERIFY(ini.contains(u"ansible_port=2222\n"_s));
        QVERIFY(ini.contains(u"ansible_ssh_common_args=-F /w/ssh_config\n"_s));
        const QString config = h.sshConfig(u"/k/locust"_s, u"/w/known_hosts"_s);
        QVERIFY(config.contains(
            u"Host bastion\n  HostName 127.77.3.1\n  Port 2222\n  User locust\n  IdentityFile /k/locust\n"_s));
        QVERIFY(config.contains(u"StrictHostKeyChecking accept-new"_s));
        QVERIFY(config.contains(u"Host 127.77.3.10 127.77.3.20 127.77.3.21\n"_s));
        QVERIFY(config.contains(u"ProxyJump bastion"_s));
        // hosts.json round trip
        LoadgenHosts saved = h;
        saved.webPort = 18089;
        saved.locustHome = u"/srv/l"_s;
        QCOMPARE(LoadgenHosts::fromJson(saved.toJson()).value().webPort, 18089);
        QCOMPARE(LoadgenHosts::fromJson(saved.toJson()).value().locustHome, u"/srv/l"_s);
    }

    void hostsRejectBadOutput()
    {
        QVERIFY(!LoadgenHosts::fromTerraformOutput("not json"));
        QVERIFY(!LoadgenHosts::fromTerraformOutput("{}"));
        QByteArray notAnAddress = kOutput;
        notAnAddress.replace("127.77.3.20", "worker zero");
        const auto r = LoadgenHosts::fromTerraformOutput(notAnAddress);
        QVERIFY(!r);
        QVERIFY(r.error().message.contains(u"worker zero"_s));
    }

    void commandLines()
    {
        const LoadgenPaths paths {u"/share/infra/loadgen"_s, u"/data/loadgen"_s};
        const LoadgenCommandBuilder b(
            valid(), paths, LoadgenOptions {u"http://34.1.2.3"_s, {u"web_port=18089"_s}});
        QCOMPARE(b.init().displayLine(),
            u"terraform -chdir=/data/loadgen/loadgen/terraform init -input=false -no-color"_s);
        const QString apply = b.apply().displayLine();
        QVERIFY2(
            apply.startsWith(
                u"terraform -chdir=/data/loadgen/loadgen/terraform apply -auto-approve -json -input=false "
                u"-var project=bc-lab-test -var region=us-central1 -var zone=us-central1-b "
                u"-var name_prefix=locust -var worker_no=2 -var machine_type=e2-small"_s),
            qPrintable(apply));
        QVERIFY(b.destroy().displayLine().contains(
            u" destroy -auto-approve -json -input=false -var project=bc-lab-test"_s));
        QCOMPARE(b.playbook(u"workers"_s).displayLine(),
            u"ansible-playbook -i /data/loadgen/inventory.ini /share/infra/loadgen/ansible/site.yml "
            u"-e target_host=http://34.1.2.3 -e web_port=18089 --limit workers"_s);
        LoadgenHosts h = LoadgenHosts::fromTerraformOutput(kOutput).value();
        h.webPort = 18089;
        QCOMPARE(b.tunnel(h, 40001).displayLine(),
            u"ssh -F /data/loadgen/ssh_config -N -o ExitOnForwardFailure=yes -L 127.0.0.1:40001:127.77.3.10:18089 bastion"_s);
        QCOMPARE(b.copyResults(h, u"/runs/r1/locust"_s).displayLine(),
            u"scp -F /data/loadgen/ssh_config -q '127.77.3.10:/opt/locust/run_*.csv' /runs/r1/locust"_s);
    }

    void costFromTheDatedPriceTable()
    {
        const Result<LoadgenPrices> prices
            = LoadgenPrices::load(QStringLiteral(BC_SOURCE_DIR) + u"/infra/loadgen/prices.json"_s);
        QVERIFY(bool(prices));
        QVERIFY(!prices.value().date().isEmpty());
        LoadgenProfile p = valid(); // e2-small Spot, 2 workers, e2-micro bastion
        const auto spot = prices.value().estimate(p);
        QCOMPARE(spot.vms, 4);
        QVERIFY(spot.perHour);
        QCOMPARE(*spot.perHour,
            3 * *prices.value().hourly(u"e2-small"_s, true) + *prices.value().hourly(u"e2-micro"_s, true));
        QVERIFY2(spot.text.contains(prices.value().date()), qPrintable(spot.text));
        p.spot = false;
        QVERIFY(*prices.value().estimate(p).perHour > *spot.perHour);
        p.machineType = u"x9-giant-512"_s;
        QVERIFY(!prices.value().estimate(p).perHour);
        QVERIFY(prices.value().estimate(p).text.contains(u"no price for x9-giant-512"_s));
        QVERIFY(!LoadgenPrices::parse("{\"hourly\": {}}")); // no date
    }

    void dryRunAnnouncesAndWritesNothing()
    {
        RunContext context;
        context.setDryRun(true);
        LoadgenService service(&context);
        QSignalSpy announced(context.log(), &CommandLog::commandStarted);
        QSignalSpy finished(&service, &LoadgenService::finished);
        const LoadgenPaths paths {
            QStringLiteral(BC_SOURCE_DIR) + u"/infra/loadgen"_s, m_dir.filePath(u"dry"_s)};
        QVERIFY(!service.up(valid(), paths, {})); // no target host
        QVERIFY(bool(service.up(valid(), paths, LoadgenOptions {u"http://34.1.2.3"_s, {}})));
        QVERIFY(finished.wait(5000));
        QCOMPARE(announced.size(), 4);
        QVERIFY(announced[3][1].toString().startsWith(u"ansible-playbook -i "_s));
        QVERIFY(!QFileInfo::exists(paths.workDir));
    }

    // The real configuration, the real terraform, the test override; nothing is downloaded.
    void realTerraformWithTheOverride()
    {
        bc::test::LoadgenLab lab;
        const QString why = lab.start();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        qputenv("CHECKPOINT_DISABLE", "1");
        qputenv("TF_CLI_CONFIG_FILE", "/dev/null");
        RunContext context;
        const LoadgenPaths paths = lab.paths();
        QVERIFY(bool(TerraformWorkCopy::refresh(paths.infraDir, paths.workDir)));
        LoadgenProfile profile = lab.profile();
        const LoadgenCommandBuilder two(profile, paths);
        CommandResult r = runNow(&context, two.init());
        QVERIFY2(r.succeeded(), qPrintable(r.stderrTail));
        Command validate = two.init();
        validate.arguments = {validate.arguments.first(), u"validate"_s, u"-no-color"_s};
        r = runNow(&context, validate);
        QVERIFY2(r.succeeded(), qPrintable(r.stderrTail));

        const auto summary = [](const QStringList &lines) {
            for (const QString &l : lines) {
                const QJsonObject o = QJsonDocument::fromJson(l.toUtf8()).object();
                if (o.value(u"type"_s) == u"change_summary"_s)
                    return o.value(u"changes"_s).toObject();
            }
            return QJsonObject {};
        };
        QStringList lines;
        r = runNow(&context, two.apply(), &lines);
        QVERIFY2(r.succeeded(), qPrintable(r.stderrTail + lines.join(u'\n')));
        QCOMPARE(summary(lines).value(u"add"_s).toInt(), 6); // vpc, subnet, bastion, master, 2 workers

        profile.workerNo = 3; // re-run: only the new worker
        const LoadgenCommandBuilder three(profile, paths);
        lines.clear();
        r = runNow(&context, three.apply(), &lines);
        QVERIFY2(r.succeeded(), qPrintable(r.stderrTail));
        QCOMPARE(summary(lines).value(u"add"_s).toInt(), 1);
        QCOMPARE(summary(lines).value(u"change"_s).toInt(), 0);
        QCOMPARE(summary(lines).value(u"remove"_s).toInt(), 0);

        r = runNow(&context, three.output());
        QVERIFY(r.succeeded());
        const Result<LoadgenHosts> hosts = LoadgenHosts::fromTerraformOutput(r.stdoutData);
        QVERIFY(bool(hosts));
        QCOMPARE(hosts.value().workerIps.size(), 3);
        QCOMPARE(hosts.value().masterIp, lab.masterIp());
        QCOMPARE(hosts.value().sshPort, int(lab.sshPort()));

        LoadgenService service(&context);
        QSignalSpy finished(&service, &LoadgenService::finished);
        QVERIFY(bool(service.down(profile, paths)));
        QVERIFY(finished.wait(60000));
        const Status down = finished.first().first().value<Status>();
        QVERIFY2(bool(down), qPrintable(down ? QString() : down.error().message));
        QVERIFY(!QFileInfo::exists(paths.stateFile()));
        QVERIFY(!LoadgenService::isUp(paths));
    }

    // Cancel while terraform runs: the job ends as Cancelled and starts nothing after it.
    void cancelStopsTheJob()
    {
        bc::test::LoadgenLab lab;
        const QString why = lab.start();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        RunContext context;
        LoadgenService service(&context);
        QSignalSpy announced(context.log(), &CommandLog::commandStarted);
        QSignalSpy finished(&service, &LoadgenService::finished);
        QVERIFY(bool(service.up(lab.profile(), lab.paths(), lab.options(u"http://127.0.0.1:9"_s))));
        QVERIFY(service.isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(announced.size() >= 1, 5000);
        service.cancel();
        QVERIFY(finished.wait(30000));
        const Status st = finished.first().first().value<Status>();
        QVERIFY(!st);
        QCOMPARE(st.error().kind, Error::Kind::Cancelled);
        QVERIFY(!service.isRunning());
        for (const auto &args : std::as_const(announced))
            QVERIFY2(
                !args.at(1).toString().startsWith(u"ansible-playbook"_s), qPrintable(args.at(1).toString()));
        QVERIFY(!QFileInfo::exists(lab.paths().hostsFile()));
    }

private:
    LoadgenProfile valid() const
    {
        LoadgenProfile p;
        p.project = u"bc-lab-test"_s;
        p.sshPublicKeyPath = m_pub;
        return p;
    }
    QTemporaryDir m_dir;
    QString m_pub;
};

QTEST_GUILESS_MAIN(TstLoadgen)
#include "tst_loadgen.moc"
