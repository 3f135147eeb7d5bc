// The canary path end to end against the real sandbox and the real kubectl: set a split by replica counts,
// verify it over HTTP on the storefront (which names the product "SunglassesV2" when a v2 pod of
// productcatalogservice answered), promote and roll back while requests keep flowing, and watch the
// Pods metrics flag a saturated service.
#include "backend/canary/canary_controller.h"
#include "backend/canary/split_verifier.h"
#include "backend/deploy/deploy_job.h"
#include "backend/deploy/manifest_set.h"
#include "backend/kube/kube_client.h"
#include "backend/metrics/metrics_poller.h"
#include "backend/sandbox/sandbox_controller.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

class TstCanarySandbox : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<bc::Status>();
        qRegisterMetaType<bc::SplitStats>();
        qRegisterMetaType<bc::CanaryState>();
        QVERIFY(m_dir.isValid());
        m_options.stateDirectory = m_dir.path();
        m_options.podStartDelaySeconds = 1;
        m_options.timeScale = 0.25;
        QVERIFY2(!bc::SandboxController::locateBinary().isEmpty(), "boutique-sandbox binary not found");
        m_sandbox = new bc::SandboxController(&m_context, this);
        QSignalSpy ready(m_sandbox, &bc::SandboxController::ready);
        m_sandbox->start(m_options);
        QVERIFY(ready.wait(20000));
        m_client = new bc::KubeClient(&m_context, m_sandbox->target(), this);

        const bc::DeployRequest request{bc::ManifestSet::files(bc::ManifestSet::Edition::Minimal, true), false, true,
                                        120s};
        bc::DeployJob job(&m_context, m_sandbox->target(), request);
        QSignalSpy finished(&job, &bc::DeployJob::finished);
        job.start();
        QVERIFY(finished.wait(120000));
        const auto status = finished.first().first().value<bc::Status>();
        QVERIFY2(status, qPrintable(status ? QString() : status.error().message));

        QTRY_VERIFY_WITH_TIMEOUT(!(m_frontend = frontendUrl()).isEmpty(), 30000);
        QVERIFY2(m_frontend.startsWith(u"http://127."_s), qPrintable(m_frontend)); // loopback only
        m_controller = new bc::CanaryController(&m_context, m_sandbox->target(), u"productcatalogservice"_s, this);
        m_controller->setPollInterval(200ms);
    }

    void cleanupTestCase()
    {
        if (!m_sandbox)
            return;
        m_sandbox->stop();
        QTRY_COMPARE_WITH_TIMEOUT(m_sandbox->state(), bc::SandboxController::State::Stopped, 10000);
    }

    void storefrontAnswersTheProductPage()
    {
        bc::SplitVerifier probe;
        QSignalSpy finished(&probe, &bc::SplitVerifier::finished);
        QVERIFY(probe.start(productUrl(), 5, 1));
        QVERIFY(finished.wait(30000));
        const auto stats = finished.first().first().value<bc::SplitStats>();
        QVERIFY2(stats.errors == 0, qPrintable(u"GET %1: %2"_s.arg(productUrl().toString(), stats.lastError)));
        QCOMPARE(stats.v1, 5); // v2 has 0 replicas after the deploy
    }

    void set25PercentWithBudget4GivesThreeToOne()
    {
        QSignalSpy finished(m_controller, &bc::CanaryController::finished);
        QSignalSpy progress(m_controller, &bc::CanaryController::progress);
        m_controller->applyPercent(25, 4, true);
        QVERIFY(finished.wait(120000));
        const auto status = finished.first().first().value<bc::Status>();
        QVERIFY2(status, qPrintable(status ? QString() : status.error().message));
        QCOMPARE(m_controller->mode(), bc::CanaryController::Mode::Replicas);
        const bc::CanaryState &state = m_controller->state();
        QVERIFY(state.complete());
        QCOMPARE(state.v1->desired, 3);
        QCOMPARE(state.v2->desired, 1);
        QCOMPARE(state.v1->ready, 3);
        QCOMPARE(state.v2->ready, 1);
        // v2 grew before v1 did: the first scale step names v2.
        QStringList steps;
        for (const auto &p : progress)
            steps.append(p.first().toString());
        QVERIFY2(steps.join(u'|').indexOf(u"Scale productcatalogservice-v2 to 1"_s)
                     < steps.join(u'|').indexOf(u"Scale productcatalogservice to 3"_s),
                 qPrintable(steps.join(u" | "_s)));
    }

    void verify2000RequestsMatchTheSplit()
    {
        bc::SplitVerifier verifier;
        QSignalSpy progress(&verifier, &bc::SplitVerifier::progress);
        QSignalSpy finished(&verifier, &bc::SplitVerifier::finished);
        QVERIFY(verifier.start(productUrl(), 2000, 8, 25));
        QVERIFY(finished.wait(120000));
        const auto stats = finished.first().first().value<bc::SplitStats>();
        qInfo().noquote() << "verify at 25%:" << stats.summary();
        QVERIFY(progress.size() > 1); // live
        QCOMPARE(stats.completed, 2000);
        QCOMPARE(stats.errors, 0);
        // The verdict's 99.9 % interval (3.29 sigma): an honest split fails it 1 run in 1,000.
        const auto [lo, hi] = stats.interval();
        QVERIFY2(lo <= 25.0 && 25.0 <= hi, qPrintable(stats.summary()));
    }

    void promoteKeepsEveryRequestAndEndsAllV2()
    {
        const bc::SplitStats during = whileRequestsFlow([this] { m_controller->promote(true); });
        qInfo().noquote() << "during promote:" << during.summary();
        QCOMPARE(during.errors, 0);
        QVERIFY(during.completed > 0);
        const bc::CanaryState &state = m_controller->state();
        QCOMPARE(state.v1->desired, 0);
        QCOMPARE(state.v2->desired, 4);
        const bc::SplitStats after = verify(400, 100);
        qInfo().noquote() << "after promote:" << after.summary();
        QCOMPARE(after.errors, 0);
        QCOMPARE(after.v2, 400);
    }

    void rollbackKeepsEveryRequestAndEndsNoV2()
    {
        const bc::SplitStats during = whileRequestsFlow([this] { m_controller->rollback(true); });
        qInfo().noquote() << "during rollback:" << during.summary();
        QCOMPARE(during.errors, 0);
        QVERIFY(during.completed > 0);
        const bc::CanaryState &state = m_controller->state();
        QCOMPARE(state.v2->desired, 0);
        QCOMPARE(state.v1->desired, 4);
        const bc::SplitStats after = verify(400, 0);
        qInfo().noquote() << "after rollback:" << after.summary();
        QCOMPARE(after.errors, 0);
        QCOMPARE(after.v2, 0);
        QCOMPARE(after.v1, 400);
    }

    void meshWeightsSetTheSplitExactly()
    {
        // With the Istio VirtualService applied, the controller patches weights instead of replicas.
        QByteArray out;
        bool done = false;
        m_client->apply({QStringLiteral(BC_SOURCE_DIR "/manifests/istio/productcatalogservice-canary.yaml")}, false,
                        [&](const bc::Result<QString> &r) {
                            QVERIFY2(r, qPrintable(r ? QString() : r.error().message));
                            done = true;
                        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
        QSignalSpy finished(m_controller, &bc::CanaryController::finished);
        m_controller->applyPercent(50, 4, true);
        QVERIFY(finished.wait(120000));
        const auto status = finished.first().first().value<bc::Status>();
        QVERIFY2(status, qPrintable(status ? QString() : status.error().message));
        QCOMPARE(m_controller->mode(), bc::CanaryController::Mode::Mesh);
        QCOMPARE(m_controller->state().v1->desired, 4); // replicas untouched but v2 got a pod
        QCOMPARE(m_controller->state().v2->desired, 1);
        const bc::SplitStats stats = verify(1000, 50);
        qInfo().noquote() << "mesh at 50%:" << stats.summary();
        QCOMPARE(stats.errors, 0);
        // The verdict's 99.9 % interval (3.29 sigma): an honest split fails it 1 run in 1,000.
        const auto [lo, hi] = stats.interval();
        QVERIFY2(lo <= 50.0 && 50.0 <= hi, qPrintable(stats.summary()));
    }

    void metricsFlagASaturatedService()
    {
        bc::MetricsPoller poller(&m_context, m_sandbox->target());
        poller.setInterval(500ms);
        poller.start();
        QTRY_COMPARE_WITH_TIMEOUT(poller.state(), bc::MetricsPoller::State::Ok, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!poller.rows().isEmpty(), 30000);
        // A ramp of home-page requests (each costs currency CPU per product shown) saturates currencyservice.
        bc::SplitVerifier load;
        QUrl home(m_frontend);
        home.setPath(u"/"_s);
        QVERIFY(load.start(home, 100000, 32));
        const bool flagged = QTest::qWaitFor(
            [&] {
                for (const bc::PodUsage &row : poller.rows())
                    if (row.deployment == u"currencyservice"_s)
                        for (const bc::BottleneckFlag &f : row.flags)
                            if (f.kind == bc::BottleneckFlag::Kind::CpuThrottled)
                                return true;
                return false;
            },
            60000);
        load.cancel();
        QString table = bc::formatPodTable(poller.rows());
        qInfo().noquote() << table;
        QVERIFY2(flagged, qPrintable(table));
        QVERIFY(!poller.history().cpu(poller.rows().first().pod).isEmpty());
    }

private:
    QString frontendUrl()
    {
        std::optional<bc::Result<bc::Service>> service;
        m_client->getService(u"frontend-external"_s, [&](const bc::Result<bc::Service> &r) { service = r; });
        if (!QTest::qWaitFor([&] { return service.has_value(); }, 30000) || !*service)
            return {};
        return service->value().externalUrl();
    }

    QUrl productUrl() const { return bc::SplitVerifier::productUrl(m_frontend).value(); }

    bc::SplitStats verify(int requests, double expected)
    {
        bc::SplitVerifier verifier;
        QSignalSpy finished(&verifier, &bc::SplitVerifier::finished);
        if (!verifier.start(productUrl(), requests, 8, expected) || !finished.wait(120000))
            return {};
        return finished.first().first().value<bc::SplitStats>();
    }

    // Runs the operation while a verifier keeps 4 requests in flight; returns what they saw.
    template <typename Op>
    bc::SplitStats whileRequestsFlow(Op operation)
    {
        bc::SplitVerifier verifier;
        QSignalSpy verified(&verifier, &bc::SplitVerifier::finished);
        [&] { QVERIFY(verifier.start(productUrl(), 1000000, 4)); }();
        QSignalSpy finished(m_controller, &bc::CanaryController::finished);
        operation();
        [&] { QVERIFY(finished.wait(120000)); }();
        const auto status = finished.first().first().value<bc::Status>();
        [&] { QVERIFY2(status, qPrintable(status ? QString() : status.error().message)); }();
        verifier.cancel();
        return verified.isEmpty() ? bc::SplitStats{} : verified.first().first().value<bc::SplitStats>();
    }

    QTemporaryDir m_dir;
    bc::RunContext m_context;
    bc::SandboxOptions m_options;
    bc::SandboxController *m_sandbox = nullptr;
    bc::KubeClient *m_client = nullptr;
    bc::CanaryController *m_controller = nullptr;
    QString m_frontend;
};

QTEST_GUILESS_MAIN(TstCanarySandbox)
#include "tst_canary_sandbox.moc"
