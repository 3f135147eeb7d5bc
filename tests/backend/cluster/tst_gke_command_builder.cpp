// The gcloud command lines GkeCommandBuilder makes, checked twice: as argument lists, and against the
// REAL gcloud argument parser. gcloud exits 2 on a bad flag before any network call; with a fresh,
// empty configuration it then stops at "no active account". Every endpoint it could try is pointed at
// 127.0.0.1:9 (checked with strace while writing this test: only loopback connects happen).
#include "backend/cluster/gke_command_builder.h"
#include "backend/process/command_runner.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bc;

namespace {

GkeSettings labSettings()
{
    GkeSettings s;
    s.project = u"cloudproject-404707"_s;
    s.zone = u"us-central1-b"_s;
    s.clusterName = u"boutique"_s;
    s.machineType = u"e2-standard-2"_s;
    s.nodeCount = 3;
    s.clusterVersion = u"latest"_s;
    s.networkPolicy = true;
    return s;
}

} // namespace

class TstGkeCommandBuilder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void createHasExactlyTheProfileFlags();
    void regionalAndOptionalFlags();
    void credentialsAndDelete();
    void contextName();
    void realGcloudAcceptsTheCommands_data();
    void realGcloudAcceptsTheCommands();
    void realGcloudRejectsABadFlag();

private:
    CommandResult runOffline(Command command);
    QTemporaryDir m_config;
};

void TstGkeCommandBuilder::initTestCase()
{
    QVERIFY(m_config.isValid());
}

void TstGkeCommandBuilder::createHasExactlyTheProfileFlags()
{
    const Command c = GkeCommandBuilder(labSettings()).create();
    QCOMPARE(c.program, u"gcloud"_s);
    QCOMPARE(c.arguments,
        (QStringList {u"container"_s, u"clusters"_s, u"create"_s, u"boutique"_s, u"--project"_s,
            u"cloudproject-404707"_s, u"--zone"_s, u"us-central1-b"_s, u"--machine-type"_s,
            u"e2-standard-2"_s, u"--num-nodes"_s, u"3"_s, u"--cluster-version"_s, u"latest"_s,
            u"--enable-network-policy"_s}));
    QCOMPARE(c.timeout, std::chrono::milliseconds(GkeCommandBuilder::kCreateTimeout));
    QVERIFY(c.timeout >= std::chrono::minutes(30));
    QCOMPARE(c.environment.value(u"CLOUDSDK_CORE_DISABLE_PROMPTS"_s), u"1"_s);
    QCOMPARE(c.displayLine(),
        u"gcloud container clusters create boutique --project cloudproject-404707 --zone "
        u"us-central1-b --machine-type e2-standard-2 --num-nodes 3 --cluster-version latest "
        u"--enable-network-policy"_s);
}

void TstGkeCommandBuilder::regionalAndOptionalFlags()
{
    GkeSettings s = labSettings();
    s.zone.clear();
    s.region = u"europe-west1"_s;
    s.clusterVersion.clear();
    s.networkPolicy = false;
    s.nodeCount = 1;
    const QStringList args = GkeCommandBuilder(s).create().arguments;
    QCOMPARE(args,
        (QStringList {u"container"_s, u"clusters"_s, u"create"_s, u"boutique"_s, u"--project"_s,
            u"cloudproject-404707"_s, u"--region"_s, u"europe-west1"_s, u"--machine-type"_s,
            u"e2-standard-2"_s, u"--num-nodes"_s, u"1"_s}));
}

void TstGkeCommandBuilder::credentialsAndDelete()
{
    const GkeCommandBuilder b(labSettings());
    QCOMPARE(b.getCredentials().displayLine(),
        u"gcloud container clusters get-credentials boutique --project "
        u"cloudproject-404707 --zone us-central1-b"_s);
    QCOMPARE(b.remove().displayLine(),
        u"gcloud container clusters delete boutique --project cloudproject-404707 "
        u"--zone us-central1-b --quiet"_s);
}

void TstGkeCommandBuilder::contextName()
{
    QCOMPARE(
        GkeCommandBuilder(labSettings()).contextName(), u"gke_cloudproject-404707_us-central1-b_boutique"_s);
}

CommandResult TstGkeCommandBuilder::runOffline(Command command)
{
    const QHash<QString, QString> offline {
        {u"CLOUDSDK_CONFIG"_s, m_config.path()},
        {u"CLOUDSDK_CORE_DISABLE_PROMPTS"_s, u"1"_s},
        {u"CLOUDSDK_CORE_DISABLE_USAGE_REPORTING"_s, u"true"_s},
        {u"CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK"_s, u"true"_s},
        {u"CLOUDSDK_CORE_CHECK_GCE_METADATA"_s, u"false"_s},
        {u"GCE_METADATA_HOST"_s, u"127.0.0.1:9"_s},
        {u"GCE_METADATA_IP"_s, u"127.0.0.1:9"_s},
        {u"GCE_METADATA_ROOT"_s, u"127.0.0.1:9"_s}, // else it resolves metadata.google.internal via DNS
        {u"NO_GCE_CHECK"_s, u"True"_s},
        {u"CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER"_s, u"http://127.0.0.1:9/"_s},
    };
    for (auto it = offline.cbegin(); it != offline.cend(); ++it)
        command.environment.insert(it.key(), it.value());
    command.unsetEnvironment << u"GOOGLE_APPLICATION_CREDENTIALS"_s << u"CLOUDSDK_AUTH_ACCESS_TOKEN_FILE"_s;
    command.timeout = std::chrono::seconds(60);
    CommandRunner runner;
    QSignalSpy finished(&runner, &CommandRunner::finished);
    runner.start(command);
    if (!finished.wait(70000))
        return {};
    return finished.first().first().value<CommandResult>();
}

void TstGkeCommandBuilder::realGcloudAcceptsTheCommands_data()
{
    QTest::addColumn<QString>("which");
    QTest::addColumn<bool>("regional");
    QTest::newRow("create zonal") << u"create"_s << false;
    QTest::newRow("create regional, no policy") << u"create"_s << true;
    QTest::newRow("get-credentials") << u"credentials"_s << false;
    QTest::newRow("delete regional") << u"delete"_s << true;
}

void TstGkeCommandBuilder::realGcloudAcceptsTheCommands()
{
    QFETCH(QString, which);
    QFETCH(bool, regional);
    QVERIFY2(!QStandardPaths::findExecutable(u"gcloud"_s).isEmpty(),
        "gcloud is not on PATH; it is preinstalled on CI");
    GkeSettings s = labSettings();
    if (regional) {
        s.zone.clear();
        s.region = u"us-central1"_s;
        s.networkPolicy = false;
        s.clusterVersion = u"1.32"_s;
    }
    const GkeCommandBuilder b(s);
    const Command c = which == u"create" ? b.create()
        : which == u"credentials"        ? b.getCredentials()
                                         : b.remove();
    const CommandResult r = runOffline(c);
    QVERIFY2(
        r.outcome == CommandResult::Outcome::NonZeroExit || r.outcome == CommandResult::Outcome::Succeeded,
        qPrintable(r.outcomeText() + u": "_s + r.stderrTail));
    QVERIFY2(r.exitCode != 2, qPrintable(u"gcloud refused the arguments: "_s + r.stderrTail));
    QVERIFY2(!r.stderrTail.contains(u"unrecognized arguments"_s) && !r.stderrTail.contains(u"argument --"_s)
            && !r.stderrTail.contains(u"Invalid choice"_s),
        qPrintable(r.stderrTail));
    // Parsing passed: it stopped where a real run needs an account.
    QVERIFY2(r.stderrTail.contains(u"active account"_s) || r.stderrTail.contains(u"credential"_s),
        qPrintable(r.stderrTail));
}

void TstGkeCommandBuilder::realGcloudRejectsABadFlag()
{
    // Proof the check above can fail: one wrong flag and the real parser exits 2.
    Command c = GkeCommandBuilder(labSettings()).create();
    c.arguments << u"--enable-network-policies"_s;
    const CommandResult r = runOffline(c);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.stderrTail.contains(u"unrecognized arguments"_s), qPrintable(r.stderrTail));
}

QTEST_GUILESS_MAIN(TstGkeCommandBuilder)
#include "tst_gke_command_builder.moc"
