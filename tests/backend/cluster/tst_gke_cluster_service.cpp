// GkeClusterService: refuses bad settings before any process starts; in dry-run announces every step;
// with a stand-in gcloud (a script replaying gcloud's stderr format, since the real call needs the cloud)
// turns stderr into progress, finishes, and cancels a long create.
#include "backend/cluster/gke_cluster_service.h"
#include "backend/process/command_log.h"
#include "backend/process/run_context.h"
#include "backend/process/tool_locator.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bc;

namespace {

GkeSettings settings()
{
    GkeSettings s;
    s.project = u"cloudproject-404707"_s;
    s.zone = u"us-central1-b"_s;
    s.clusterName = u"boutique"_s;
    return s;
}

} // namespace

class TstGkeClusterService : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void refusesBadSettingsBeforeAnyProcess_data();
    void refusesBadSettingsBeforeAnyProcess();
    void dryRunAnnouncesEveryStep();
    void createReportsProgressToTheEnd();
    void cancelStopsALongCreate();

private:
    QTemporaryDir m_dir;
    QString m_fake;
};

void TstGkeClusterService::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_fake = m_dir.filePath(u"gcloud"_s);
    QVERIFY(QFile::copy(
        QStringLiteral(BC_SOURCE_DIR) + u"/tests/backend/cluster/tst_gke_cluster_service_data/gcloud"_s, m_fake));
    QFile f(m_fake);
    QVERIFY(f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
}

void TstGkeClusterService::refusesBadSettingsBeforeAnyProcess_data()
{
    QTest::addColumn<QString>("project");
    QTest::addColumn<int>("nodes");
    QTest::addColumn<QString>("field");
    QTest::newRow("project") << u"Bad_Project"_s << 3 << u"project"_s;
    QTest::newRow("nodes") << u"good-project"_s << 0 << u"node_count"_s;
}

void TstGkeClusterService::refusesBadSettingsBeforeAnyProcess()
{
    QFETCH(QString, project);
    QFETCH(int, nodes);
    QFETCH(QString, field);
    RunContext context; // not dry-run: a started process would really run
    context.tools()->setConfiguredPath(u"gcloud"_s, m_fake);
    GkeClusterService service(&context);
    QSignalSpy announced(context.log(), &CommandLog::commandStarted);
    QSignalSpy finished(&service, &GkeClusterService::finished);
    GkeSettings s = settings();
    s.project = project;
    s.nodeCount = nodes;
    for (const Status &st : {service.create(s), service.fetchCredentials(s), service.remove(s)}) {
        QVERIFY(!st);
        QCOMPARE(st.error().kind, Error::Kind::Invalid);
        QVERIFY2(st.error().message.startsWith(field + u": "_s), qPrintable(st.error().message));
    }
    QVERIFY(!service.isRunning());
    QCoreApplication::processEvents(); // a queued start would surface here (not a wait: nothing is pending)
    QCOMPARE(announced.size(), 0);
    QCOMPARE(finished.size(), 0);
}

void TstGkeClusterService::dryRunAnnouncesEveryStep()
{
    RunContext context;
    context.setDryRun(true);
    GkeClusterService service(&context);
    QSignalSpy announced(context.log(), &CommandLog::commandStarted);
    QSignalSpy finished(&service, &GkeClusterService::finished);
    QVERIFY(bool(service.create(settings())));
    QVERIFY(finished.wait(5000));
    QVERIFY(finished.first().first().value<Status>());
    QCOMPARE(announced.size(), 2);
    QCOMPARE(announced[0][1].toString(),
        u"gcloud container clusters create boutique --project cloudproject-404707 "
        u"--zone us-central1-b --machine-type e2-standard-2 --num-nodes 3 "
        u"--enable-network-policy"_s);
    QCOMPARE(announced[1][1].toString(),
        u"gcloud container clusters get-credentials boutique --project "
        u"cloudproject-404707 --zone us-central1-b"_s);
    QVERIFY(announced[0][2].toBool());

    announced.clear();
    finished.clear();
    QVERIFY(bool(service.remove(settings())));
    QVERIFY(finished.wait(5000));
    QCOMPARE(announced.size(), 1);
    QVERIFY(announced[0][1].toString().endsWith(u" --quiet"_s));
}

void TstGkeClusterService::createReportsProgressToTheEnd()
{
    RunContext context;
    context.tools()->setConfiguredPath(u"gcloud"_s, m_fake);
    GkeClusterService service(&context);
    QSignalSpy progress(&service, &GkeClusterService::progress);
    QSignalSpy finished(&service, &GkeClusterService::finished);
    QVERIFY(bool(service.create(settings())));
    QVERIFY(service.isRunning());
    QVERIFY(finished.wait(20000));
    const Status st = finished.first().first().value<Status>();
    QVERIFY2(bool(st), qPrintable(st ? QString() : st.error().message));

    QStringList phases;
    double last = 0;
    for (const QList<QVariant> &args : std::as_const(progress)) {
        const auto p = args.first().value<ClusterProgress>();
        QVERIFY2(p.fraction >= last, qPrintable(p.phase)); // never backwards
        last = p.fraction;
        if (phases.isEmpty() || phases.last() != p.phase)
            phases << p.phase;
    }
    QCOMPARE(last, 1.0);
    QVERIFY2(
        phases.contains(u"Creating cluster boutique in us-central1-b"_s), qPrintable(phases.join(u" | "_s)));
    QVERIFY(phases.contains(u"Creating cluster boutique in us-central1-b: done"_s));
    QVERIFY(phases.contains(u"Cluster created"_s));
    QVERIFY(phases.contains(u"Fetching cluster endpoint and credentials"_s));
}

void TstGkeClusterService::cancelStopsALongCreate()
{
    qputenv("FAKE_GCLOUD_HANG", "1");
    RunContext context;
    context.tools()->setConfiguredPath(u"gcloud"_s, m_fake);
    GkeClusterService service(&context);
    QSignalSpy progress(&service, &GkeClusterService::progress);
    QSignalSpy finished(&service, &GkeClusterService::finished);
    QVERIFY(bool(service.create(settings())));
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(progress.cbegin(), progress.cend(),
                                 [](const QList<QVariant> &a) {
                                     return a.first().value<ClusterProgress>().phase.startsWith(
                                         u"Creating cluster"_s);
                                 }),
        10000);
    service.cancel();
    QVERIFY(finished.wait(10000));
    qunsetenv("FAKE_GCLOUD_HANG");
    const Status st = finished.first().first().value<Status>();
    QVERIFY(!st);
    QCOMPARE(st.error().kind, Error::Kind::Cancelled);
    QVERIFY2(st.error().message.contains(u"delete it"_s), qPrintable(st.error().message)); // billing warning
    QVERIFY(!service.isRunning());
}

QTEST_GUILESS_MAIN(TstGkeClusterService)
#include "tst_gke_cluster_service.moc"
