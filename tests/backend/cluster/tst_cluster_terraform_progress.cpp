// TerraformProgressParser fed with Terraform's machine-readable UI (`-json`, UI version 1.2): first
// fixture lines in the documented format (a GCE apply, a failing apply, a destroy), then the lines of a
// REAL terraform apply/destroy of a provider-less configuration (terraform_data needs no download).
#include "backend/cluster/terraform_progress_parser.h"
#include "backend/process/command_runner.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bc;

namespace {

QString res(const char *addr, const char *type, const char *name, int key = -1)
{
    const QString k = key >= 0 ? u",\"resource_key\":%1"_s.arg(key) : QString();
    return u"{\"addr\":\"%1\",\"module\":\"\",\"resource\":\"%1\",\"implied_provider\":\"google\",\"resource_type\":\"%2\",\"resource_name\":\"%3\"%4}"_s
        .arg(QLatin1StringView(addr), QLatin1StringView(type), QLatin1StringView(name), k);
}

QString line(const char *level, const QString &message, const char *type, const QString &body)
{
    return u"{\"@level\":\"%1\",\"@message\":\"%2\",\"@module\":\"terraform.ui\",\"@timestamp\":\"2026-11-25T15:00:00.000000Z\",%3,\"type\":\"%4\"}"_s
        .arg(QLatin1StringView(level), message, body, QLatin1StringView(type));
}

QString planned(const char *addr, const char *type, const char *name, const char *action, int key = -1)
{
    return line("info", u"%1: Plan to %2"_s.arg(QLatin1StringView(addr), QLatin1StringView(action)),
        "planned_change",
        u"\"change\":{\"resource\":%1,\"action\":\"%2\"}"_s.arg(
            res(addr, type, name, key), QLatin1StringView(action)));
}

QString hook(const char *kind, const QString &message, const char *addr, const char *type, const char *name,
    const char *action, int elapsed = -1)
{
    const QString e = elapsed >= 0 ? u",\"elapsed_seconds\":%1"_s.arg(elapsed) : QString();
    return line(QByteArray(kind) == "apply_errored" ? "error" : "info", message, kind,
        u"\"hook\":{\"resource\":%1,\"action\":\"%2\"%3}"_s.arg(
            res(addr, type, name), QLatin1StringView(action), e));
}

QString summary(int add, int change, int remove, const char *operation, const QString &message)
{
    return line("info", message, "change_summary",
        u"\"changes\":{\"add\":%1,\"change\":%2,\"import\":0,\"remove\":%3,\"operation\":\"%4\"}"_s.arg(add)
            .arg(change)
            .arg(remove)
            .arg(QLatin1StringView(operation)));
}

} // namespace

class TstClusterTerraformProgress : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void applyFixture();
    void failingApplyFixture();
    void destroyFixture();
    void ignoresNonJsonAndOtherTypes();
    void realTerraformApplyAndDestroy();

private:
    QStringList runTerraform(const QString &dir, const QStringList &args);
};

void TstClusterTerraformProgress::applyFixture()
{
    const QStringList lines {
        line("info", u"Terraform 1.11.4"_s, "version", u"\"terraform\":\"1.11.4\",\"ui\":\"1.2\""_s),
        planned("google_compute_network.vpc", "google_compute_network", "vpc", "create"),
        planned("google_compute_firewall.ssh", "google_compute_firewall", "ssh", "create"),
        planned("google_compute_instance.master[0]", "google_compute_instance", "master", "create", 0),
        summary(3, 0, 0, "plan", u"Plan: 3 to add, 0 to change, 0 to destroy."_s),
        hook("apply_start", u"google_compute_network.vpc: Creating..."_s, "google_compute_network.vpc",
            "google_compute_network", "vpc", "create"),
        hook("apply_progress", u"google_compute_network.vpc: Still creating... [10s elapsed]"_s,
            "google_compute_network.vpc", "google_compute_network", "vpc", "create", 10),
        hook("apply_complete",
            u"google_compute_network.vpc: Creation complete after 12s [id=projects/p/global/networks/k3s-vpc]"_s,
            "google_compute_network.vpc", "google_compute_network", "vpc", "create", 12),
        hook("apply_start", u"google_compute_firewall.ssh: Creating..."_s, "google_compute_firewall.ssh",
            "google_compute_firewall", "ssh", "create"),
        hook("apply_complete",
            u"google_compute_firewall.ssh: Creation complete after 11s [id=projects/p/global/firewalls/k3s-allow-ssh]"_s,
            "google_compute_firewall.ssh", "google_compute_firewall", "ssh", "create", 11),
        hook("apply_start", u"google_compute_instance.master[0]: Creating..."_s,
            "google_compute_instance.master[0]", "google_compute_instance", "master", "create"),
        hook("apply_complete",
            u"google_compute_instance.master[0]: Creation complete after 23s [id=projects/p/zones/europe-west6-a/instances/k3s-master-0]"_s,
            "google_compute_instance.master[0]", "google_compute_instance", "master", "create", 23),
        summary(3, 0, 0, "apply", u"Apply complete! Resources: 3 added, 0 changed, 0 destroyed."_s),
        line("info", u"Outputs: 1"_s, "outputs",
            u"\"outputs\":{\"master_public_ips\":{\"sensitive\":false,\"type\":[\"list\",\"string\"],\"value\":[\"34.65.1.2\"]}}"_s),
    };
    TerraformProgressParser p;
    QList<TerraformProgressParser::Update> updates;
    for (const QString &l : lines) {
        if (auto u = p.feed(l))
            updates << *u;
    }
    QCOMPARE(p.total(), 3);
    QCOMPARE(p.done(), 3);
    QCOMPARE(p.failed(), 0);
    QVERIFY(p.finished());
    QVERIFY(p.errors().isEmpty());
    // planned x3, plan summary, start/progress/complete for each, apply summary
    QCOMPARE(updates.size(), 3 + 1 + 7 + 1);
    QCOMPARE(updates[3].total, 3);
    QCOMPARE(updates[3].fraction(), 0.0);
    QCOMPARE(updates[4].phase, u"google_compute_network.vpc: Creating..."_s);
    QCOMPARE(updates[4].resource, u"google_compute_network.vpc"_s);
    QCOMPARE(updates[6].done, 1);
    QCOMPARE(updates[6].fraction(), 1.0 / 3);
    QCOMPARE(updates.last().fraction(), 1.0);
    QVERIFY(updates.last().finished);
    double last = 0;
    for (const auto &u : updates) {
        QVERIFY(u.fraction() >= last);
        last = u.fraction();
    }
}

void TstClusterTerraformProgress::failingApplyFixture()
{
    const QStringList lines {
        planned("google_compute_network.vpc", "google_compute_network", "vpc", "create"),
        planned("google_compute_instance.master[0]", "google_compute_instance", "master", "create", 0),
        summary(2, 0, 0, "plan", u"Plan: 2 to add, 0 to change, 0 to destroy."_s),
        hook("apply_start", u"google_compute_network.vpc: Creating..."_s, "google_compute_network.vpc",
            "google_compute_network", "vpc", "create"),
        hook("apply_errored", u"google_compute_network.vpc: Creation errored after 2s"_s,
            "google_compute_network.vpc", "google_compute_network", "vpc", "create", 2),
        line("error",
            u"Error: Error creating Network: googleapi: Error 403: Compute Engine API has not been used in project p"_s,
            "diagnostic",
            u"\"diagnostic\":{\"severity\":\"error\",\"summary\":\"Error creating Network: googleapi: Error 403: Compute Engine API has not been used in project p\",\"detail\":\"\",\"address\":\"google_compute_network.vpc\"}"_s),
    };
    TerraformProgressParser p;
    bool sawError = false;
    for (const QString &l : lines) {
        if (auto u = p.feed(l))
            sawError = sawError || u->isError;
    }
    QVERIFY(sawError);
    QCOMPARE(p.failed(), 1);
    QCOMPARE(p.done(), 0);
    QCOMPARE(p.total(), 2);
    QVERIFY(!p.finished());
    QCOMPARE(p.errors().size(), 1);
    QVERIFY(p.errors().first().startsWith(u"google_compute_network.vpc: Error creating Network"_s));
}

void TstClusterTerraformProgress::destroyFixture()
{
    TerraformProgressParser p;
    p.feed(planned("google_compute_instance.worker[0]", "google_compute_instance", "worker", "delete", 0));
    p.feed(planned("google_compute_network.vpc", "google_compute_network", "vpc", "delete"));
    // A destroy's plan summary is an operation "plan" too; only the final one says "destroy".
    p.feed(summary(0, 0, 2, "plan", u"Plan: 0 to add, 0 to change, 2 to destroy."_s));
    QCOMPARE(p.total(), 2);
    QVERIFY(!p.finished());
    p.feed(hook("apply_start", u"google_compute_instance.worker[0]: Destroying... [id=x]"_s,
        "google_compute_instance.worker[0]", "google_compute_instance", "worker", "delete"));
    const auto u = p.feed(
        hook("apply_complete", u"google_compute_instance.worker[0]: Destruction complete after 41s"_s,
            "google_compute_instance.worker[0]", "google_compute_instance", "worker", "delete", 41));
    QCOMPARE(u->done, 1);
    QCOMPARE(u->fraction(), 0.5);
    p.feed(hook("apply_complete", u"google_compute_network.vpc: Destruction complete after 12s"_s,
        "google_compute_network.vpc", "google_compute_network", "vpc", "delete", 12));
    const auto end = p.feed(summary(0, 0, 2, "destroy", u"Destroy complete! Resources: 2 destroyed."_s));
    QVERIFY(end->finished);
    QCOMPARE(end->fraction(), 1.0);
    QCOMPARE(p.done(), 2);
}

void TstClusterTerraformProgress::ignoresNonJsonAndOtherTypes()
{
    TerraformProgressParser p;
    QVERIFY(!p.feed(u"Initializing the backend..."_s));
    QVERIFY(!p.feed(u"{not json"_s));
    QVERIFY(!p.feed(u"[1,2]"_s));
    QVERIFY(!p.feed(line("info", u"x: Refreshing state... [id=1]"_s, "refresh_start", u"\"hook\":{}"_s)));
    QVERIFY(!p.feed(line("warn", u"Warning: deprecated"_s, "diagnostic",
        u"\"diagnostic\":{\"severity\":\"warning\",\"summary\":\"deprecated\"}"_s)));
    QCOMPARE(p.total(), 0);
}

QStringList TstClusterTerraformProgress::runTerraform(const QString &dir, const QStringList &args)
{
    Command c {.program = u"terraform"_s, .arguments = args, .workingDirectory = dir};
    c.timeout = std::chrono::seconds(60);
    c.environment.insert(u"TF_IN_AUTOMATION"_s, u"1"_s);
    c.environment.insert(u"CHECKPOINT_DISABLE"_s, u"1"_s); // no version check over the network
    c.environment.insert(u"TF_CLI_CONFIG_FILE"_s, u"/dev/null"_s);
    CommandRunner runner;
    QStringList lines;
    connect(&runner, &CommandRunner::stdoutLine, this, [&lines](const QString &l) { lines << l; });
    QSignalSpy finished(&runner, &CommandRunner::finished);
    runner.start(c);
    if (!finished.wait(70000))
        return {u"timeout"_s};
    const auto r = finished.first().first().value<CommandResult>();
    if (!r.succeeded())
        qWarning() << r.outcomeText() << r.stderrTail;
    return r.succeeded() ? lines : QStringList {};
}

void TstClusterTerraformProgress::realTerraformApplyAndDestroy()
{
    QVERIFY2(!QStandardPaths::findExecutable(u"terraform"_s).isEmpty(),
        "terraform is not on PATH; it is preinstalled on CI");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile tf(dir.filePath(u"main.tf"_s));
    QVERIFY(tf.open(QIODevice::WriteOnly));
    tf.write("variable \"n\" {\n  default = 3\n}\n"
             "resource \"terraform_data\" \"node\" {\n  count = var.n\n  input = \"node-${count.index}\"\n}\n"
             "output \"names\" {\n  value = terraform_data.node[*].output\n}\n");
    tf.close();
    QVERIFY(!runTerraform(dir.path(), {u"init"_s, u"-input=false"_s, u"-no-color"_s}).isEmpty());

    const QStringList apply
        = runTerraform(dir.path(), {u"apply"_s, u"-auto-approve"_s, u"-json"_s, u"-input=false"_s});
    QVERIFY(!apply.isEmpty());
    TerraformProgressParser p;
    int updates = 0;
    for (const QString &l : apply)
        updates += p.feed(l) ? 1 : 0;
    QVERIFY2(updates >= 3 + 1 + 6 + 1, qPrintable(apply.join(u'\n')));
    QCOMPARE(p.total(), 3);
    QCOMPARE(p.done(), 3);
    QVERIFY(p.finished());

    const QStringList destroy
        = runTerraform(dir.path(), {u"destroy"_s, u"-auto-approve"_s, u"-json"_s, u"-input=false"_s});
    TerraformProgressParser d;
    for (const QString &l : destroy)
        d.feed(l);
    QCOMPARE(d.total(), 3);
    QCOMPARE(d.done(), 3);
    QVERIFY(d.finished());
}

QTEST_GUILESS_MAIN(TstClusterTerraformProgress)
#include "tst_cluster_terraform_progress.moc"
