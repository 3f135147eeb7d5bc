#include "backend/journey/journey_model.h"

#include "backend/deploy/deploy_job.h"
#include "backend/process/run_context.h"
#include "backend/session/cluster_session.h"
#include "tests/support/kube_files.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

using bc::JourneyAction;
using Id = bc::JourneyStep::Id;
using State = bc::JourneyStep::State;

} // namespace

// JourneyModel: the five steps of the lab and what each button does next, from the backend objects'
// signals only. The cluster and deploy steps run against real kubectl: first a context it does not
// know, then the real boutique-sandbox.
class TstJourneyModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<bc::Status>();
        qRegisterMetaType<bc::JourneyStep::Id>();
    }

    void aNewLabOffersOnlyTheSandbox()
    {
        bc::RunContext context;
        bc::ClusterSession session(&context);
        bc::JourneyModel model(&context, &session);
        for (Id id : bc::JourneyModel::ids())
            QCOMPARE(model.step(id).state, State::NotStarted);
        QCOMPARE(model.action(Id::Cluster), JourneyAction::StartSandbox);
        QCOMPARE(model.action(Id::Deploy), JourneyAction::Deploy);
        QCOMPARE(model.action(Id::LoadTest), JourneyAction::RunLoadTest);
        QCOMPARE(model.action(Id::Canary), JourneyAction::ApplyCanary);
        QCOMPARE(model.action(Id::Orders), JourneyAction::Show);
        QVERIFY(model.canContinue(Id::Cluster));
        for (Id id : {Id::Deploy, Id::LoadTest, Id::Canary, Id::Orders})
            QVERIFY2(!model.canContinue(id), qPrintable(bc::JourneyModel::title(id)));
        QCOMPARE(model.nextStep(), Id::Cluster);
        QCOMPARE(model.ordersStored(), -1);
        QVERIFY(model.frontendUrl().isEmpty());
        QCOMPARE(bc::JourneyModel::actionText(JourneyAction::ApplyCanary), u"Apply 25 % canary"_s);
        QCOMPARE(bc::JourneyModel::title(Id::Orders), u"Order log"_s);
    }

    void aClusterWithoutNodesFailsTheClusterStep()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString kubeconfig = bc::test::kubeconfigWithoutContexts(dir);
        bc::RunContext context;
        bc::ClusterSession session(&context);
        bc::JourneyModel model(&context, &session);
        QSignalSpy changed(&model, &bc::JourneyModel::stepChanged);
        session.useTarget(bc::KubeTarget {kubeconfig, u"nowhere"_s}, u"Nowhere"_s);
        QCOMPARE(model.step(Id::Cluster).state, State::Done); // connected ...
        QCOMPARE(model.step(Id::Cluster).figure, u"connected"_s);
        // ... until kubectl cannot list the nodes of that context.
        QTRY_COMPARE_WITH_TIMEOUT(model.step(Id::Cluster).state, State::Failed, 30000);
        QCOMPARE(model.step(Id::Cluster).figure, u"nodes unknown"_s);
        QVERIFY(!model.step(Id::Cluster).problem.isEmpty());
        QVERIFY(!model.canContinue(Id::Deploy));
        QCOMPARE(model.action(Id::Cluster), JourneyAction::StartSandbox);
        QVERIFY(changed.size() >= 2);

        // A deploy there fails the deploy step with kubectl's reason.
        const QString manifest = bc::test::helloDeployment(dir, 2);
        bc::DeployJob *job = session.createDeployJob(bc::DeployRequest {{manifest}, false, false, 30s}, &model);
        model.watchDeployJob(job);
        QCOMPARE(model.step(Id::Deploy).state, State::Running);
        QCOMPARE(model.action(Id::Deploy), JourneyAction::None);
        QSignalSpy finished(job, &bc::DeployJob::finished);
        job->start();
        QVERIFY(finished.wait(30000));
        QCOMPARE(model.step(Id::Deploy).state, State::Failed);
        QVERIFY(!model.step(Id::Deploy).problem.isEmpty());
        QCOMPARE(model.action(Id::Deploy), JourneyAction::Deploy);

        session.disconnect();
        for (Id id : bc::JourneyModel::ids())
            QCOMPARE(model.step(id).state, State::NotStarted);
    }

    void theSandboxAndADeployCompleteTheFirstTwoSteps()
    {
        QTemporaryDir state;
        QVERIFY(state.isValid());
        QTemporaryDir dir;
        const QString manifest = bc::test::helloDeployment(dir, 2);
        bc::RunContext context;
        bc::ClusterSession session(&context);
        bc::JourneyModel model(&context, &session);
        session.useSandbox(bc::test::fastSandbox(state.path()));
        QCOMPARE(model.step(Id::Cluster).state, State::Running);
        QCOMPARE(model.step(Id::Cluster).figure, u"starting the cluster"_s);
        QCOMPARE(model.action(Id::Cluster), JourneyAction::None);
        QVERIFY(!model.canContinue(Id::Cluster));

        QTRY_COMPARE_WITH_TIMEOUT(model.step(Id::Cluster).figure, u"3 of 3 nodes ready"_s, 60000);
        QCOMPARE(model.step(Id::Cluster).state, State::Done);
        QCOMPARE(model.action(Id::Cluster), JourneyAction::Show);
        QVERIFY(model.canContinue(Id::Deploy));
        QVERIFY(model.canContinue(Id::Orders));
        QVERIFY(!model.canContinue(Id::LoadTest)); // nothing deployed, no storefront
        QCOMPARE(model.nextStep(), Id::Deploy);

        bc::DeployJob *job = session.createDeployJob(bc::DeployRequest {{manifest}, false, true, 60s}, &model);
        model.watchDeployJob(job);
        QSignalSpy finished(job, &bc::DeployJob::finished);
        job->start();
        QVERIFY(finished.wait(60000));
        const auto status = finished.first().first().value<bc::Status>();
        QVERIFY2(status, qPrintable(status ? QString() : status.error().message));
        QCOMPARE(model.step(Id::Deploy).state, State::Done);
        QCOMPARE(model.step(Id::Deploy).figure, u"1 of 1 deployment ready"_s);
        QCOMPARE(model.action(Id::Deploy), JourneyAction::Show);
        QVERIFY(model.canContinue(Id::Canary));
        QVERIFY(!model.canContinue(Id::LoadTest)); // this manifest has no frontend-external
        QCOMPARE(model.nextStep(), Id::LoadTest);

        session.disconnect();
        for (Id id : bc::JourneyModel::ids())
            QCOMPARE(model.step(id).state, State::NotStarted);
        QTRY_COMPARE_WITH_TIMEOUT(session.sandbox()->state(), bc::SandboxController::State::Stopped, 30000);
    }
};

QTEST_GUILESS_MAIN(TstJourneyModel)
#include "tst_journey_model.moc"
