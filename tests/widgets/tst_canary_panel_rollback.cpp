// Issue 20 point 9: auto-rollback through the Canary panel on the real sandbox. The sandbox's v2 of
// productcatalogservice fails 60% of its calls (`--fault productcatalogservice@v2:error=0.6`; v1 is
// untouched): with the check off, Verify only reports the errors; with it on, the panel stops the
// verification once v2's error rate crosses the threshold and rolls back to v1, read back by kubectl.
#include "backend/canary/canary_controller.h"
#include "backend/canary/split_verifier.h"
#include "backend/kube/kube_client.h"
#include "backend/process/run_context.h"
#include "backend/session/cluster_session.h"
#include "tests/support/sandbox_demo.h"
#include "widgets/canary/canary_panel.h"
#include "widgets/common/inline_banner.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

class TstCanaryPanelRollback : public QObject
{
    Q_OBJECT

    // spec.replicas of a deployment, as kubectl reads it; -1 when it cannot.
    static int replicas(bc::RunContext *context, const bc::KubeTarget &target, const QString &name)
    {
        bc::KubeClient kube(context, target);
        std::optional<bc::Result<QByteArray>> out;
        kube.run(target.namespacedArguments() + QStringList {u"get"_s, u"deployment"_s, name, u"-o"_s, u"json"_s}, 30s,
            [&](const bc::Result<QByteArray> &r) { out = r; });
        if (!QTest::qWaitFor([&] { return out.has_value(); }, 30000) || !*out)
            return -1;
        return QJsonDocument::fromJson(out->value()).object()[u"spec"_s][u"replicas"_s].toInt(-1);
    }

    static bool apply(bc::CanaryPanel &panel)
    {
        QSignalSpy applied(panel.controller(), &bc::CanaryController::finished);
        panel.findChild<QPushButton *>(u"canaryApply"_s)->click();
        return applied.wait(120000) && applied.first().first().value<bc::Status>();
    }

private Q_SLOTS:
    void failingV2IsRolledBack()
    {
        qRegisterMetaType<bc::SplitStats>();
        bc::RunContext context;
        bc::test::SandboxDemo demo(&context);
        const QString why = demo.start(true, {u"productcatalogservice@v2:error=0.6"_s});
        QVERIFY2(why.isEmpty(), qPrintable(why));
        const bc::KubeTarget target = demo.session().target();

        bc::CanaryPanel panel(&context, &demo.session());
        panel.setConfirm(false);
        panel.resize(1100, 820);
        panel.show();
        auto *v1 = panel.findChild<QLabel *>(u"canaryV1"_s);
        auto *v2 = panel.findChild<QLabel *>(u"canaryV2"_s);
        QTRY_VERIFY_WITH_TIMEOUT(v2->text().contains(u"productcatalogservice-v2: 0/0 ready"_s), 30000);
        panel.findChild<QSlider *>(u"canarySlider"_s)->setValue(50);
        panel.findChild<QSpinBox *>(u"canaryBudget"_s)->setValue(2);
        panel.findChild<QSpinBox *>(u"canaryRequests"_s)->setValue(400);
        auto *autoRollback = panel.findChild<QCheckBox *>(u"canaryAutoRollback"_s);
        QVERIFY(autoRollback);
        panel.findChild<QDoubleSpinBox *>(u"canaryErrorThreshold"_s)->setValue(20);
        QVERIFY(apply(panel));
        QTRY_VERIFY_WITH_TIMEOUT(v1->text().contains(u"1/1 ready"_s) && v2->text().contains(u"1/1 ready"_s), 30000);
        auto *verify = panel.findChild<QPushButton *>(u"canaryVerify"_s);

        // Check off: the errors are counted, nothing is rolled back.
        autoRollback->setChecked(false);
        QSignalSpy verified(panel.verifier(), &bc::SplitVerifier::finished);
        QSignalSpy exceeded(panel.verifier(), &bc::SplitVerifier::errorThresholdExceeded);
        QTRY_VERIFY_WITH_TIMEOUT(verify->isEnabled(), 10000);
        verify->click();
        QVERIFY(verified.wait(120000));
        const auto all = verified.first().first().value<bc::SplitStats>();
        QCOMPARE(all.completed, 400);
        QVERIFY2(all.v2ErrorPercent() > 20, qPrintable(all.summary())); // v2 fails...
        QVERIFY2(all.v1 > 100, qPrintable(all.summary()));               // ...while v1 answers
        QCOMPARE(exceeded.count(), 0);
        QCOMPARE(replicas(&context, target, u"productcatalogservice-v2"_s), 1);

        // Check on: stopped early, rolled back to v1 by the panel.
        autoRollback->setChecked(true);
        panel.controller()->setDrainMargin(300ms);
        QSignalSpy rolledBack(panel.controller(), &bc::CanaryController::finished);
        verified.clear();
        QTRY_VERIFY_WITH_TIMEOUT(verify->isEnabled(), 10000);
        verify->click();
        QVERIFY(exceeded.wait(120000));
        const auto seen = exceeded.first().first().value<bc::SplitStats>();
        QVERIFY2(seen.v2ErrorPercent() > 20 && seen.completed >= 50 && seen.completed < 400, qPrintable(seen.summary()));
        QCOMPARE(panel.banner()->level(), bc::InlineBanner::Level::Warning);
        QVERIFY2(panel.banner()->message().contains(u"rolling back to v1"_s), qPrintable(panel.banner()->message()));
        QVERIFY(rolledBack.wait(120000));
        QVERIFY(rolledBack.last().first().value<bc::Status>());
        QCOMPARE(replicas(&context, target, u"productcatalogservice-v2"_s), 0);
        QCOMPARE(replicas(&context, target, u"productcatalogservice"_s), 2);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                panel.controller()->refresh();
                return v2->text().contains(u"productcatalogservice-v2: 0/0 ready"_s);
            }(),
            30000);
    }
};

QTEST_MAIN(TstCanaryPanelRollback)
#include "tst_canary_panel_rollback.moc"
