// The Canary panel on the real sandbox: it detects both versions, the slider and budget show the plan,
// Apply sets 25% as 3:1, Verify counts the split on the storefront, Roll back returns to v1.
// Saves canary-panel.png into BC_SCREENSHOT_DIR when set.
#include "backend/canary/canary_controller.h"
#include "backend/canary/split_verifier.h"
#include "backend/process/run_context.h"
#include "backend/session/cluster_session.h"
#include "tests/support/sandbox_demo.h"
#include "widgets/canary/canary_panel.h"

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

class TstCanaryPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void appliesVerifiesAndRollsBack()
    {
        qRegisterMetaType<bc::SplitStats>();
        bc::RunContext context;
        bc::test::SandboxDemo demo(&context);
        const QString why = demo.start();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        bc::ClusterSession &session = demo.session();

        bc::CanaryPanel panel(&context, &session);
        panel.setConfirm(false);
        panel.resize(1100, 820);
        panel.show();
        auto *v1 = panel.findChild<QLabel *>(u"canaryV1"_s);
        auto *v2 = panel.findChild<QLabel *>(u"canaryV2"_s);
        QTRY_VERIFY_WITH_TIMEOUT(v2->text().contains(u"productcatalogservice-v2: 0/0 ready"_s), 30000);
        QVERIFY2(v1->text().contains(u"productcatalogservice: 1/1 ready"_s), qPrintable(v1->text()));

        panel.findChild<QSlider *>(u"canarySlider"_s)->setValue(25);
        panel.findChild<QSpinBox *>(u"canaryBudget"_s)->setValue(4);
        auto *plan = panel.findChild<QLabel *>(u"canaryPlan"_s);
        QVERIFY2(plan->text().contains(u"achieved 25.0% with v1 3 and v2 1"_s), qPrintable(plan->text()));
        panel.findChild<QSpinBox *>(u"canaryBudget"_s)->setValue(3);
        QVERIFY2(plan->text().contains(u"achieved 33.3%"_s), qPrintable(plan->text()));
        panel.findChild<QSpinBox *>(u"canaryBudget"_s)->setValue(4);

        QSignalSpy applied(panel.controller(), &bc::CanaryController::finished);
        panel.findChild<QPushButton *>(u"canaryApply"_s)->click();
        QVERIFY(applied.wait(120000));
        QVERIFY(applied.first().first().value<bc::Status>());
        QTRY_VERIFY_WITH_TIMEOUT(v1->text().contains(u"3/3 ready"_s) && v2->text().contains(u"1/1 ready"_s), 30000);

        QSignalSpy verified(panel.verifier(), &bc::SplitVerifier::finished);
        auto *verify = panel.findChild<QPushButton *>(u"canaryVerify"_s);
        QTRY_VERIFY_WITH_TIMEOUT(verify->isEnabled(), 10000);
        verify->click();
        QVERIFY(verified.wait(120000));
        const auto stats = verified.first().first().value<bc::SplitStats>();
        QCOMPARE(stats.completed, 2000);
        QCOMPARE(stats.errors, 0);
        const QString share = panel.findChild<QLabel *>(u"canaryShare"_s)->text();
        QVERIFY2(share.contains(u"(99.9% interval) of 2000 answers"_s), qPrintable(share));
        QVERIFY2(panel.findChild<QLabel *>(u"canaryLatency"_s)->text().contains(u"p95"_s), "latency per version");

        if (const QByteArray out = qgetenv("BC_SCREENSHOT_DIR"); !out.isEmpty())
            QVERIFY(panel.grab().save(QString::fromLocal8Bit(out) + u"/canary-panel.png"_s));

        QSignalSpy rolledBack(panel.controller(), &bc::CanaryController::finished);
        panel.controller()->setDrainMargin(300ms);
        panel.findChild<QPushButton *>(u"canaryRollback"_s)->click();
        QVERIFY(rolledBack.wait(120000));
        QVERIFY(rolledBack.first().first().value<bc::Status>());
        QCOMPARE(panel.controller()->state().v2->desired, 0);
        QCOMPARE(panel.controller()->state().v1->desired, 4);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                panel.controller()->refresh(); // the pods stop a moment after the scale
                return v2->text().contains(u"productcatalogservice-v2: 0/0 ready"_s);
            }(),
            30000);
        QVERIFY(panel.findChild<QLabel *>(u"canaryStep"_s)->text().startsWith(u"Done"_s));
    }
};

QTEST_MAIN(TstCanaryPanel)
#include "tst_canary_panel.moc"
