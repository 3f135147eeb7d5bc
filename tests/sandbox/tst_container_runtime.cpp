// The sandbox's failure rules (container_runtime.h): which images fail to pull, which commands exit and
// when, the kubelet's back-off; and a pod's runtime moving through ErrImagePull/ImagePullBackOff and
// CrashLoopBackOff with the status a kubelet reports.
#include "infra/sandbox/container_runtime.h"

#include <QTest>

using namespace bc::sandbox;

class TstContainerRuntime : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void imagePulls()
    {
        for (const char *ok : {"busybox:1.36", "redis:alpine", "boutique-control/orderlog:0.1.0",
                               "us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/frontend:v0.10.6",
                               "gcr.io/google-samples/microservices-demo/currencyservice:v0.10.1", "ghcr.io/x/y",
                               "busybox:1.38.0@sha256:fd8d9aa63ba2f0982b5304e1ee8d3b90a210bc1ffb5314d980eb6962f1a9715d"})
            QVERIFY2(imagePullError(ok).empty(), ok);
        const std::string tag = imagePullError("busybox:does-not-exist");
        QVERIFY(tag.find("code = NotFound") != std::string::npos);
        QVERIFY(tag.find("docker.io/library/busybox:does-not-exist: not found") != std::string::npos);
        QVERIFY(!imagePullError("nginx:nonexistent-2").empty());
        const std::string host = imagePullError("registry.invalid:5000/shop/app");
        QVERIFY(host.find("Head \"https://registry.invalid:5000/v2/shop/app/manifests/latest\"") != std::string::npos);
        QVERIFY(host.find("no such host") != std::string::npos);
    }

    void exitPlans()
    {
        auto plan = exitPlan(Json::parse(R"(["sh","-c","echo boom; sleep 2 && exit 3"])"), Json());
        QVERIFY(plan);
        QCOMPARE(plan->exitCode, 3);
        QCOMPARE(plan->afterSeconds, 2.0);
        QCOMPARE(plan->output.size(), std::size_t(1));
        QCOMPARE(plan->output[0], std::string("boom"));
        plan = exitPlan(Json::parse(R"(["/bin/sh","-c"])"), Json::parse(R"(["false && echo never; exit"])"));
        QVERIFY(plan);
        QCOMPARE(plan->exitCode, 1);
        QVERIFY(plan->output.empty());
        plan = exitPlan(Json::parse(R"(["false"])"), Json());
        QVERIFY(plan && plan->exitCode == 1);
        plan = exitPlan(Json::parse(R"(["sleep","5"])"), Json());
        QVERIFY(plan && plan->exitCode == 0 && plan->afterSeconds == 5.0);
        QVERIFY(!exitPlan(Json::parse(R"(["sh","-c","while true; do sleep 1; done"])"), Json()));
        QVERIFY(!exitPlan(Json::parse(R"(["/server","--port=8080"])"), Json()));
        QVERIFY(!exitPlan(Json(), Json::parse(R"(["--flag"])"))); // the image's entrypoint
        QVERIFY(!exitPlan(Json::parse(R"(["sh","-c","exec /server"])"), Json()));
    }

    void backOff()
    {
        QCOMPARE(backOffSeconds(1), 10.0);
        QCOMPARE(backOffSeconds(2), 20.0);
        QCOMPARE(backOffSeconds(4), 80.0);
        QCOMPARE(backOffSeconds(20), 300.0);
    }

    void crashLoop()
    {
        const Json pod = Json::parse(R"({"metadata":{"name":"p","namespace":"ns","uid":"u1"},
            "spec":{"containers":[{"name":"app","image":"busybox","command":["sh","-c","echo hi; exit 2"]}]}})");
        QVERIFY(PodRuntime::needed(pod));
        PodRuntime rt(pod, 0.001); // 10 simulated seconds = 10 ms
        std::vector<RuntimeEvent> events;
        std::vector<LogLine> logs;
        auto now = PodRuntime::Clock::now();
        QVERIFY(rt.advance(now, events, logs)); // starts, then exits at once
        QCOMPARE(rt.phase(), std::string("Running"));
        Json cs = rt.containerStatuses()[0];
        QCOMPARE(cs["state"]["waiting"]["reason"].get<std::string>(), std::string("CrashLoopBackOff"));
        QCOMPARE(cs["lastState"]["terminated"]["exitCode"].get<int>(), 2);
        QCOMPARE(cs["restartCount"].get<int>(), 1);
        QVERIFY(cs["state"]["waiting"]["message"].get<std::string>().find("back-off 10s restarting failed container=app pod=p_ns(u1)") == 0);
        QCOMPARE(logs.size(), std::size_t(1));
        QCOMPARE(events.back().reason, std::string("BackOff"));
        QVERIFY(!rt.due(now));
        QVERIFY(rt.due(now + std::chrono::milliseconds(11)));
    }

    void restartPolicyEndsThePod_data()
    {
        QTest::addColumn<QString>("policy");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("phase"); // "" = restarted (CrashLoopBackOff)
        QTest::newRow("Never, success") << "Never" << 0 << "Succeeded";
        QTest::newRow("Never, failure") << "Never" << 3 << "Failed";
        QTest::newRow("OnFailure, success") << "OnFailure" << 0 << "Succeeded";
        QTest::newRow("OnFailure, failure") << "OnFailure" << 3 << "";
        QTest::newRow("Always, success") << "Always" << 0 << "";
    }

    void restartPolicyEndsThePod()
    {
        QFETCH(QString, policy);
        QFETCH(int, exitCode);
        QFETCH(QString, phase);
        Json pod = Json::parse(R"({"metadata":{"name":"p","namespace":"ns","uid":"u1"},
            "spec":{"containers":[{"name":"job","image":"busybox","command":["sh","-c"]}]}})");
        pod["spec"]["restartPolicy"] = policy.toStdString();
        pod["spec"]["containers"][0]["command"].push_back("echo done; exit " + std::to_string(exitCode));
        PodRuntime rt(pod, 0.001);
        std::vector<RuntimeEvent> events;
        std::vector<LogLine> logs;
        const auto now = PodRuntime::Clock::now();
        QVERIFY(rt.advance(now, events, logs));
        const Json cs = rt.containerStatuses()[0];
        if (phase.isEmpty()) {
            QCOMPARE(rt.phase(), std::string("Running"));
            QCOMPARE(cs["state"]["waiting"]["reason"].get<std::string>(), std::string("CrashLoopBackOff"));
            QCOMPARE(cs["restartCount"].get<int>(), 1);
            return;
        }
        QCOMPARE(QString::fromStdString(rt.phase()), phase);
        QCOMPARE(cs["state"]["terminated"]["exitCode"].get<int>(), exitCode);
        QCOMPARE(cs["state"]["terminated"]["reason"].get<std::string>(), std::string(exitCode ? "Error" : "Completed"));
        QCOMPARE(cs["restartCount"].get<int>(), 0);
        QVERIFY(!rt.ready());
        QCOMPARE(events.back().reason, std::string("Started")); // no BackOff: nothing restarts
        QVERIFY(!rt.due(now + std::chrono::hours(1)));
    }

    void imagePullBackOff()
    {
        const Json pod = Json::parse(R"({"metadata":{"name":"p","namespace":"ns","uid":"u1"},
            "spec":{"containers":[{"name":"app","image":"busybox:does-not-exist"}]}})");
        PodRuntime rt(pod, 0.001);
        std::vector<RuntimeEvent> events;
        std::vector<LogLine> logs;
        auto now = PodRuntime::Clock::now();
        QVERIFY(rt.advance(now, events, logs));
        QCOMPARE(rt.containerStatuses()[0]["state"]["waiting"]["reason"].get<std::string>(), std::string("ErrImagePull"));
        QCOMPARE(rt.phase(), std::string("Pending"));
        QVERIFY(!rt.ready());
        QVERIFY(rt.advance(now + std::chrono::milliseconds(3), events, logs));
        QCOMPARE(rt.containerStatuses()[0]["state"]["waiting"]["reason"].get<std::string>(), std::string("ImagePullBackOff"));
        QCOMPARE(events.back().message, std::string("Error: ImagePullBackOff"));
        QCOMPARE(rt.notReadyMessage(), std::string("containers with unready status: [app]"));
    }
};

QTEST_GUILESS_MAIN(TstContainerRuntime)
#include "tst_container_runtime.moc"
