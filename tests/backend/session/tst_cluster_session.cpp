#include "backend/session/cluster_session.h"

#include "backend/cluster/gke_cluster_service.h"
#include "backend/cluster/k3s_cluster_service.h"
#include "backend/deploy/deploy_job.h"
#include "backend/kube/kube_client.h"
#include "backend/kube/kube_objects.h"
#include "backend/kube/kube_watch.h"
#include "backend/process/run_context.h"
#include "tests/support/kube_files.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

// ClusterSession is the one place that builds the panels' backend objects: each is bound to the session's
// RunContext and to the target the session has when it is asked, and the caller owns it. The last test
// runs the real boutique-sandbox: a watch and a deploy from the session reach the sandbox's cluster.
class TstClusterSession : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<bc::Status>(); }

    void buildsTheClusterServiceOfEachKind()
    {
        bc::RunContext context;
        bc::ClusterSession session(&context);
        QObject owner;
        bc::ClusterService *gke = session.createClusterService(bc::ClusterKind::Gke, &owner);
        bc::ClusterService *k3s = session.createClusterService(bc::ClusterKind::K3s, &owner);
        QVERIFY(qobject_cast<bc::GkeClusterService *>(gke));
        QVERIFY(qobject_cast<bc::K3sClusterService *>(k3s));
        QCOMPARE(gke->parent(), &owner);
        QCOMPARE(k3s->parent(), &owner);
        QVERIFY(!gke->isRunning());
        // The sandbox and an existing context have no provisioning service.
        QCOMPARE(session.createClusterService(bc::ClusterKind::Sandbox, &owner), nullptr);
        QCOMPARE(session.createClusterService(bc::ClusterKind::ExistingContext, &owner), nullptr);
    }

    void servicesRefuseWhatTheirTargetCannotDo()
    {
        bc::RunContext context;
        bc::ClusterSession session(&context);
        std::unique_ptr<bc::ClusterService> k3s(session.createClusterService(bc::ClusterKind::K3s, nullptr));
        bc::ClusterProfile profile;
        profile.kind = bc::ClusterKind::K3s;
        profile.name = u"lab"_s;
        const bc::Status credentials = k3s->run(bc::ClusterService::Operation::Credentials, profile);
        QVERIFY(!credentials);
        QCOMPARE(credentials.error().kind, bc::Error::Kind::Invalid);
        QVERIFY(!k3s->isRunning());
        // Bad GKE settings are refused before any process starts.
        std::unique_ptr<bc::ClusterService> gke(session.createClusterService(bc::ClusterKind::Gke, nullptr));
        profile.kind = bc::ClusterKind::Gke;
        const bc::Status create = gke->run(bc::ClusterService::Operation::Create, profile);
        QVERIFY(!create);
        QCOMPARE(create.error().kind, bc::Error::Kind::Invalid);
        QVERIFY(!gke->isRunning());
    }

    void readyTargetsNameWhereKubectlReachesTheCluster()
    {
        bc::RunContext context;
        bc::ClusterSession session(&context);
        std::unique_ptr<bc::ClusterService> gke(session.createClusterService(bc::ClusterKind::Gke, nullptr));
        bc::ClusterProfile profile;
        profile.kind = bc::ClusterKind::Gke;
        profile.kubeconfig = u"/k/config"_s;
        profile.gke.project = u"proj-1"_s;
        profile.gke.zone = u"europe-west6-a"_s;
        profile.gke.clusterName = u"shop"_s;
        const bc::KubeTarget target = gke->readyTarget(profile);
        QCOMPARE(target.kubeconfig, u"/k/config"_s);
        QCOMPARE(target.context, u"gke_proj-1_europe-west6-a_shop"_s);

        std::unique_ptr<bc::ClusterService> k3s(session.createClusterService(bc::ClusterKind::K3s, nullptr));
        profile.kind = bc::ClusterKind::K3s;
        profile.name = u"lab"_s;
        QCOMPARE(k3s->readyTarget(profile),
            (bc::KubeTarget {bc::K3sClusterService::defaultPaths(u"lab"_s).kubeconfig(), {}}));
    }

    void objectsFollowTheTargetTheSessionHasWhenAsked()
    {
        bc::RunContext context;
        bc::ClusterSession session(&context);
        QSignalSpy targets(&session, &bc::ClusterSession::targetChanged);
        QSignalSpy names(&session, &bc::ClusterSession::environmentChanged);
        QObject owner;

        session.useTarget(bc::KubeTarget {u"/k/a"_s, u"ctx-a"_s}, u"A"_s);
        QCOMPARE(targets.size(), 1);
        QCOMPARE(names.size(), 1);
        QCOMPARE(names.last().first().toString(), u"A"_s);
        bc::KubeWatch *podsOfA = session.createWatch(u"pods"_s, &owner, u"app=web"_s);
        bc::KubeClient *clientOfA = session.createClient(&owner);
        QCOMPARE(podsOfA->parent(), &owner);
        QVERIFY(!podsOfA->isRunning()); // the panel starts it once it has connected to it
        QCOMPARE(podsOfA->arguments(),
            (QStringList {u"--kubeconfig"_s, u"/k/a"_s, u"--context"_s, u"ctx-a"_s, u"get"_s, u"--raw"_s,
                u"/api/v1/namespaces/default/pods?watch=1&labelSelector=app%3Dweb"_s}));
        QCOMPARE(clientOfA->target(), session.target());

        // The same display name again: no environmentChanged; objects made before keep their target.
        session.useTarget(bc::KubeTarget {u"/k/b"_s, u"ctx-b"_s}, u"A"_s);
        QCOMPARE(targets.size(), 2);
        QCOMPARE(names.size(), 1);
        QCOMPARE(session.createClient(&owner)->target().context, u"ctx-b"_s);
        QCOMPARE(session.createWatch(u"events"_s, &owner)->arguments().mid(0, 4),
            (QStringList {u"--kubeconfig"_s, u"/k/b"_s, u"--context"_s, u"ctx-b"_s}));
        QCOMPARE(clientOfA->target().context, u"ctx-a"_s);
        QCOMPARE(podsOfA->arguments().at(3), u"ctx-a"_s);

        QSignalSpy gone(&session, &bc::ClusterSession::disconnected);
        session.disconnect();
        session.disconnect();
        QCOMPARE(gone.size(), 1);
        QVERIFY(!session.hasTarget());
    }

    void deployJobRunsAgainstTheSessionsTarget()
    {
        // A context the (real) kubectl does not know: the job the session built fails there, naming it.
        QTemporaryDir dir;
        const QString kubeconfig = bc::test::kubeconfigWithoutContexts(dir);
        const QString manifest = bc::test::helloDeployment(dir);
        QVERIFY(!kubeconfig.isEmpty() && !manifest.isEmpty());

        bc::RunContext context;
        bc::ClusterSession session(&context);
        session.useTarget(bc::KubeTarget {kubeconfig, u"nowhere"_s}, u"Nowhere"_s);
        QObject owner;
        bc::DeployJob *job = session.createDeployJob(bc::DeployRequest {{manifest}, false, false, 30s}, &owner);
        QCOMPARE(job->parent(), &owner);
        QSignalSpy finished(job, &bc::DeployJob::finished);
        job->start();
        QVERIFY(finished.wait(30000));
        const auto status = finished.first().first().value<bc::Status>();
        QVERIFY(!status);
        QVERIFY2(status.error().message.contains(u"nowhere"_s) || status.error().detail.contains(u"nowhere"_s),
            qPrintable(status.error().message + u" / "_s + status.error().detail));
    }

    void watchAndDeployFromTheSessionReachTheSandbox()
    {
        QTemporaryDir state;
        QVERIFY(state.isValid());
        QTemporaryDir dir;
        const QString manifest = bc::test::helloDeployment(dir);
        QVERIFY(!manifest.isEmpty());

        bc::RunContext context;
        bc::ClusterSession session(&context);
        QSignalSpy connecting(&session, &bc::ClusterSession::connectingChanged);
        QSignalSpy targets(&session, &bc::ClusterSession::targetChanged);
        session.useSandbox(bc::test::fastSandbox(state.path()));
        QVERIFY(targets.wait(30000));
        QCOMPARE(connecting.size(), 2); // true, then false once the target is there
        QCOMPARE(connecting.first().first().toBool(), true);
        QCOMPARE(connecting.last().first().toBool(), false);
        QCOMPARE(session.environmentName(), u"Local sandbox"_s);
        QCOMPARE(session.target(), session.sandbox()->target());

        QObject owner;
        bc::KubeWatch *nodes = session.createWatch(u"nodes"_s, &owner);
        QSet<QString> names;
        connect(nodes, &bc::KubeWatch::eventsReceived, this, [&](const QList<bc::WatchEvent> &events) {
            for (const bc::WatchEvent &event : events)
                names.insert(event.object.value(u"metadata"_s).toObject().value(u"name"_s).toString());
        });
        nodes->start();
        QTRY_COMPARE_WITH_TIMEOUT(names.size(), 3, 30000); // the sandbox's three nodes

        bc::DeployJob *job = session.createDeployJob(bc::DeployRequest {{manifest}, false, true, 60s}, &owner);
        QSignalSpy finished(job, &bc::DeployJob::finished);
        job->start();
        QVERIFY(finished.wait(60000));
        const auto status = finished.first().first().value<bc::Status>();
        QVERIFY2(status, qPrintable(status ? QString() : status.error().message));

        std::optional<bc::Result<QString>> got;
        session.createClient(&owner)->getYaml(u"deployment"_s, u"hello"_s, [&](const bc::Result<QString> &r) { got = r; });
        QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 30000);
        QVERIFY(*got);
        QVERIFY(got->value().contains(u"name: hello"_s));

        QSignalSpy gone(&session, &bc::ClusterSession::disconnected);
        session.disconnect();
        QCOMPARE(gone.size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(session.sandbox()->state(), bc::SandboxController::State::Stopped, 30000);
    }

};

QTEST_GUILESS_MAIN(TstClusterSession)
#include "tst_cluster_session.moc"
