// CanaryController applies a CanaryPlan in the planned order: whichever version grows is scaled (and waited
// for) before the other shrinks; a rollback gives v1 all capacity, drains v2 from the Service by its version
// label, scales v2 to 0 and only then selects both versions again. The plans are scheduled against real
// `kubectl get deployments -l app=productcatalogservice -o json` answers (canary_data/, captured from the
// real kubectl talking to boutique-sandbox after `deploy --with-canary`, and after a 25 % split of 4 pods).
// The controller runs against a dry-run RunContext: CommandRunner prints each kubectl line and runs nothing,
// so the order of the lines is the order of what the controller does.
#include "backend/canary/canary_controller.h"
#include "backend/canary/canary_detector.h"
#include "backend/canary/canary_planner.h"
#include "backend/kube/kube_objects.h"
#include "backend/process/command_log.h"
#include "backend/process/run_context.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using bc::CanaryPlan;
using bc::CanaryPlanner;
using bc::CanaryStep;

namespace {

const QString kService = u"productcatalogservice"_s;

bc::CanaryState recorded(const char *name)
{
    QFile f(QStringLiteral(BC_SOURCE_DIR "/tests/backend/canary/canary_data/") + QLatin1String(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", name);
    const auto deployments = bc::parseDeploymentList(f.readAll());
    if (!deployments)
        qFatal("cannot parse %s", name);
    const auto state = bc::CanaryDetector::detect(deployments.value(), kService);
    if (!state)
        qFatal("no canary in %s", name);
    return state.value();
}

bc::KubeTarget target()
{
    bc::KubeTarget t;
    t.kubeconfig = u"/nonexistent/bc-canary/kubeconfig"_s;
    t.context = u"boutique-sandbox"_s;
    return t;
}

// What a CanaryController sends to kubectl while it applies `plan` (dry run: nothing runs).
struct Applied
{
    bc::Status status = bc::ok();
    QStringList lines;   // the kubectl lines without the target's arguments
    QStringList steps;   // the progress labels, in order
};

Applied applyDry(const CanaryPlan &plan)
{
    bc::RunContext context;
    context.setDryRun(true);
    const QString prefix = (u"kubectl"_s + u' ' + target().namespacedArguments().join(u' ') + u' ');
    Applied applied;
    QObject::connect(context.log(), &bc::CommandLog::commandStarted, &context,
                     [&](quint64, const QString &line, bool) { applied.lines.append(QString(line).remove(prefix)); });
    bc::CanaryController controller(&context, target(), kService);
    QObject::connect(&controller, &bc::CanaryController::progress, &controller,
                     [&](const QString &step, int done, int total) {
                         if (done < total)
                             applied.steps.append(step);
                     });
    QSignalSpy finished(&controller, &bc::CanaryController::finished);
    controller.apply(plan);
    if (finished.isEmpty() && !finished.wait(10000))
        applied.status = bc::Error{bc::Error::Kind::Timeout, u"no finished()"_s};
    else
        applied.status = finished.first().first().value<bc::Status>();
    return applied;
}

QStringList scaleLines(const QStringList &lines)
{
    QStringList scales;
    for (const QString &l : lines)
        if (l.startsWith(u"scale "_s) || l.startsWith(u"patch "_s))
            scales.append(l);
    return scales;
}

} // namespace

class TstCanaryController : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<bc::Status>(); }

    void recordedDeploymentsAreTheShippedCanary()
    {
        const bc::CanaryState shipped = recorded("shipped.json");
        QCOMPARE(shipped.v1->deployment, kService);
        QCOMPARE(shipped.v1->desired, 1);
        QCOMPARE(shipped.v1->versionLabel, u"v1"_s);
        QCOMPARE(shipped.v2->deployment, u"productcatalogservice-v2"_s);
        QCOMPARE(shipped.v2->desired, 0);
        QCOMPARE(shipped.v2->versionLabel, u"v2"_s);
        // What the CLI's dry run plans against is what the deploy really creates.
        const bc::CanaryState assumed = bc::CanaryDetector::shipped(kService);
        QCOMPARE(assumed.v1->deployment, shipped.v1->deployment);
        QCOMPARE(assumed.v1->desired, shipped.v1->desired);
        QCOMPARE(assumed.v1->versionLabel, shipped.v1->versionLabel);
        QCOMPARE(assumed.v2->deployment, shipped.v2->deployment);
        QCOMPARE(assumed.v2->desired, shipped.v2->desired);
        QCOMPARE(assumed.v2->versionLabel, shipped.v2->versionLabel);
    }

    void bothGrowV2First()
    {
        // 1:0 -> 3:1 (25 % of 4): both grow; v2 first, each waited for.
        const auto plan = CanaryPlanner::schedule(CanaryPlanner::share(25, 4).value(), recorded("shipped.json"), false);
        QVERIFY(plan);
        QCOMPARE(plan.value().stepLabels(),
                 (QStringList{u"Scale productcatalogservice-v2 to 1"_s, u"Scale productcatalogservice to 3"_s}));
        QVERIFY(plan.value().steps.at(0).wait && plan.value().steps.at(1).wait);
        const Applied applied = applyDry(plan.value().withoutWaits()); // nothing to wait for in a dry run
        QVERIFY2(applied.status, qPrintable(applied.status ? QString() : applied.status.error().message));
        QCOMPARE(applied.steps, plan.value().stepLabels());
        QCOMPARE(scaleLines(applied.lines), (QStringList{u"scale deployment/productcatalogservice-v2 --replicas=1"_s,
                                                          u"scale deployment/productcatalogservice --replicas=3"_s}));
    }

    void v2IsScaledUpBeforeV1IsScaledDown()
    {
        // 3:1 -> 1:3 (75 % of 4): v2 grows and is waited for, only then v1 shrinks (not waited for).
        const auto plan = CanaryPlanner::schedule(CanaryPlanner::share(75, 4).value(), recorded("split25.json"), false);
        QVERIFY(plan);
        QCOMPARE(plan.value().steps.size(), 2);
        QCOMPARE(plan.value().steps.at(0).deployment, u"productcatalogservice-v2"_s);
        QCOMPARE(plan.value().steps.at(0).replicas, 3);
        QVERIFY(plan.value().steps.at(0).wait);
        QCOMPARE(plan.value().steps.at(1).deployment, kService);
        QCOMPARE(plan.value().steps.at(1).replicas, 1);
        QVERIFY(!plan.value().steps.at(1).wait);
        const Applied applied = applyDry(plan.value().withoutWaits());
        QVERIFY(applied.status);
        QCOMPARE(scaleLines(applied.lines), (QStringList{u"scale deployment/productcatalogservice-v2 --replicas=3"_s,
                                                          u"scale deployment/productcatalogservice --replicas=1"_s}));
        // A last read so the caller sees the final replicas.
        QCOMPARE(applied.lines.last(), u"get deployments -l app=productcatalogservice -o json --request-timeout=30s"_s);
    }

    void shrinkingV2GrowsV1First()
    {
        // 3:1 -> 4:0 as a share of 0 %: v1 first, then v2 down.
        const auto plan = CanaryPlanner::schedule(CanaryPlanner::share(0, 4).value(), recorded("split25.json"), false);
        QVERIFY(plan);
        QCOMPARE(plan.value().stepLabels(),
                 (QStringList{u"Scale productcatalogservice to 4"_s, u"Scale productcatalogservice-v2 to 0"_s}));
    }

    void rollbackDrainsV2BeforeScalingItDown()
    {
        const auto plan = CanaryPlanner::schedule(CanaryPlanner::rollback(true), recorded("split25.json"), false);
        QVERIFY(plan);
        QCOMPARE(plan.value().stepLabels(),
                 (QStringList{u"Scale productcatalogservice to 4"_s,
                              u"Route the Service to v1 only and wait until v2 has no endpoints"_s,
                              u"Scale productcatalogservice-v2 to 0"_s, u"Route the Service to both versions again"_s,
                              u"Wait until both versions have settled"_s}));
        QVERIFY(plan.value().steps.at(0).wait); // v1 has all 4 pods ready before anything drains
        QVERIFY(plan.value().steps.at(1).wait); // v2's endpoints are gone before its pods are
        const Applied applied = applyDry(plan.value().withoutWaits());
        QVERIFY(applied.status);
        QCOMPARE(applied.steps, plan.value().stepLabels());
        QCOMPARE(scaleLines(applied.lines),
                 (QStringList{u"scale deployment/productcatalogservice --replicas=4"_s,
                              uR"(patch service/productcatalogservice --type merge -p '{"spec":{"selector":{"version":"v1"}}}')"_s,
                              u"scale deployment/productcatalogservice-v2 --replicas=0"_s,
                              uR"(patch service/productcatalogservice --type merge -p '{"spec":{"selector":{"version":null}}}')"_s}));
    }

    void promoteWithAMeshMovesTheWeightsBeforeV1Goes()
    {
        const auto plan = CanaryPlanner::schedule(CanaryPlanner::promote(), recorded("split25.json"), true);
        QVERIFY(plan);
        QCOMPARE(plan.value().stepLabels(),
                 (QStringList{u"Scale productcatalogservice-v2 to 4"_s,
                              u"Route 0% to v1 and 100% to v2 (VirtualService productcatalogservice)"_s,
                              u"Scale productcatalogservice to 0"_s}));
        const Applied applied = applyDry(plan.value().withoutWaits());
        QVERIFY(applied.status);
        const QStringList lines = scaleLines(applied.lines);
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines.at(1).startsWith(u"patch virtualservices.networking.istio.io/productcatalogservice --type merge"_s),
                 qPrintable(lines.at(1)));
        QVERIFY2(lines.at(1).contains(u"\"subset\":\"v2\"},\"weight\":100"_s), qPrintable(lines.at(1)));
    }

    void nothingReadMeansNothingChanged()
    {
        // A dry run reads nothing: the controller does not make up deployments, it stops before any change.
        bc::RunContext context;
        context.setDryRun(true);
        QStringList lines;
        QObject::connect(context.log(), &bc::CommandLog::commandStarted, &context,
                         [&](quint64, const QString &line, bool) { lines.append(line); });
        bc::CanaryController controller(&context, target(), kService);
        QSignalSpy finished(&controller, &bc::CanaryController::finished);
        controller.applyPercent(25, 4, false);
        QVERIFY(finished.wait(10000));
        const auto status = finished.first().first().value<bc::Status>();
        QVERIFY(!status);
        QCOMPARE(status.error().kind, bc::Error::Kind::NotFound);
        QCOMPARE(scaleLines(lines), QStringList());
        QCOMPARE(lines.size(), 2); // the deployments and the mesh were read
    }

    void anUnscheduledPlanIsNotApplied()
    {
        const Applied applied = applyDry(CanaryPlanner::share(25, 4).value());
        QVERIFY(!applied.status);
        QCOMPARE(applied.status.error().kind, bc::Error::Kind::Invalid);
        QCOMPARE(applied.lines, QStringList());
    }

    void aSecondChangeIsRefusedWhileOneRuns()
    {
        bc::RunContext context;
        context.setDryRun(true);
        bc::CanaryController controller(&context, target(), kService);
        const auto plan = CanaryPlanner::schedule(CanaryPlanner::rollback(), recorded("split25.json"), false).value();
        QSignalSpy finished(&controller, &bc::CanaryController::finished);
        controller.apply(plan.withoutWaits());
        QVERIFY(controller.isBusy());
        controller.apply(plan.withoutWaits());
        QCOMPARE(finished.size(), 1); // the refusal, at once
        QCOMPARE(finished.first().first().value<bc::Status>().error().kind, bc::Error::Kind::Invalid);
        QVERIFY(finished.wait(10000)); // the first one still completes
        QVERIFY(finished.last().first().value<bc::Status>());
    }
};

QTEST_GUILESS_MAIN(TstCanaryController)
#include "tst_canary_controller.moc"
