#pragma once
// The real boutique-sandbox with the Online Boutique deployed (minimal edition, with the canary's v2)
// and its storefront answering: the setup of the panel tests that need a running shop. Header-only;
// the test target sets BC_SANDBOX_BINARY and depends on boutique-sandbox.
//
//     bc::test::SandboxDemo demo(&context);
//     const QString why = demo.start();
//     QVERIFY2(why.isEmpty(), qPrintable(why));
//     ... demo.session(), demo.frontendUrl() ...
// The destructor stops the sandbox.

#include "backend/deploy/deploy_job.h"
#include "backend/deploy/manifest_set.h"
#include "backend/kube/kube_client.h"
#include "backend/process/run_context.h"
#include "backend/sandbox/sandbox_controller.h"
#include "backend/session/cluster_session.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <chrono>
#include <optional>

namespace bc::test {

class SandboxDemo
{
public:
    explicit SandboxDemo(RunContext *context) : m_context(context), m_session(context) {}
    ~SandboxDemo() { m_session.disconnect(); }
    SandboxDemo(const SandboxDemo &) = delete;
    SandboxDemo &operator=(const SandboxDemo &) = delete;

    // Starts the sandbox (fast pods: 1 s start delay, time scale 0.25) and deploys the demo, waiting
    // for every deployment. Returns an empty string on success, else why it could not.
    // `faults`: the sandbox's --fault values (e.g. "productcatalogservice@v2:error=0.6").
    QString start(bool withCanary = true, const QStringList &faults = {})
    {
        using namespace std::chrono_literals;
        qRegisterMetaType<Status>();
        if (!m_dir.isValid())
            return QStringLiteral("no temporary directory");
        SandboxOptions options;
        options.stateDirectory = m_dir.path();
        options.podStartDelaySeconds = 1;
        options.timeScale = 0.25;
        options.faults = faults;
        QSignalSpy target(&m_session, &ClusterSession::targetChanged);
        m_session.useSandbox(options);
        if (!target.wait(30000))
            return QStringLiteral("the sandbox gave no cluster target within 30 s");

        DeployJob job(m_context, m_session.target(),
                      DeployRequest{ManifestSet::files(ManifestSet::Edition::Minimal, withCanary), false, true, 120s});
        QSignalSpy finished(&job, &DeployJob::finished);
        job.start();
        if (!finished.wait(120000))
            return QStringLiteral("the deploy did not finish within 120 s");
        const auto status = finished.first().first().value<Status>();
        if (!status)
            return QStringLiteral("the deploy failed: %1").arg(status.error().message);
        return {};
    }

    ClusterSession &session() { return m_session; }

    // http://EXTERNAL-IP[:port] of the frontend-external Service, read back as a user would find it, once
    // the storefront accepts connections there; empty if that does not happen within 30 s.
    QString frontendUrl()
    {
        KubeClient client(m_context, m_session.target());
        QString url;
        (void)QTest::qWaitFor(
            [&] {
                std::optional<Result<Service>> service;
                client.getService(QStringLiteral("frontend-external"), [&](const Result<Service> &r) { service = r; });
                (void)QTest::qWaitFor([&] { return service.has_value(); }, 30000);
                if (service && *service)
                    url = service->value().externalUrl();
                return !url.isEmpty();
            },
            30000);
        if (url.isEmpty())
            return {};
        const QUrl parsed(url);
        const bool serving = QTest::qWaitFor(
            [&] {
                QTcpSocket socket;
                socket.connectToHost(parsed.host(), quint16(parsed.port(80)));
                return socket.waitForConnected(500);
            },
            30000);
        return serving ? url : QString();
    }

private:
    RunContext *m_context;
    QTemporaryDir m_dir;
    ClusterSession m_session;
};

} // namespace bc::test
