// The Deploy path end to end, as the panel and `boutique-control deploy` run it: the real sandbox binary,
// the real kubectl, the shipped manifests.
#include "backend/deploy/deploy_job.h"
#include "backend/deploy/manifest_set.h"
#include "backend/kube/kube_client.h"
#include "backend/process/command_runner.h"
#include "backend/sandbox/sandbox_controller.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

template <typename T>
struct Waiter
{
    std::optional<bc::Result<T>> result;
    bc::KubeClient::Done<T> callback()
    {
        return [this](const bc::Result<T> &r) { result = r; };
    }
    bool wait(int ms = 30000)
    {
        return QTest::qWaitFor([this] { return result.has_value(); }, ms);
    }
};

template <typename T>
QByteArray why(const bc::Result<T> &r)
{
    return r ? QByteArray() : r.error().message.toUtf8();
}

} // namespace

class TstSandboxDeploy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<bc::Status>();
        QVERIFY(m_dir.isValid());
        m_options.stateDirectory = m_dir.path();
        m_options.podStartDelaySeconds = 1;
        m_options.timeScale = 0.25; // pods Ready in a quarter second
        QVERIFY2(!bc::SandboxController::locateBinary().isEmpty(), "boutique-sandbox binary not found");
        m_sandbox = new bc::SandboxController(&m_context, this);
        QSignalSpy ready(m_sandbox, &bc::SandboxController::ready);
        m_sandbox->start(m_options);
        QVERIFY(ready.wait(20000));
        QVERIFY(QFile::exists(m_options.kubeconfigPath()));
        m_client = new bc::KubeClient(&m_context, m_sandbox->target(), this);
    }

    void cleanupTestCase()
    {
        QSignalSpy stopped(m_sandbox, &bc::SandboxController::stateChanged);
        m_sandbox->stop();
        QTRY_COMPARE_WITH_TIMEOUT(m_sandbox->state(), bc::SandboxController::State::Stopped, 10000);
    }

    void deployMinimalWithCanaryAndWait()
    {
        const bc::DeployRequest request{bc::ManifestSet::files(bc::ManifestSet::Edition::Minimal, true), false, true,
                                        120s};
        bc::DeployJob job(&m_context, m_sandbox->target(), request);
        QSignalSpy progress(&job, &bc::DeployJob::progressChanged);
        QSignalSpy finished(&job, &bc::DeployJob::finished);
        job.start();
        QVERIFY(finished.wait(120000));
        const auto status = finished.first().first().value<bc::Status>();
        QVERIFY2(status, why(status).constData());
        QCOMPARE(job.deployments().size(), 9);
        QVERIFY(!progress.isEmpty());
        const auto last = progress.last().first().value<QList<bc::DeploymentProgress>>();
        for (const bc::DeploymentProgress &p : last)
            QVERIFY2(p.done, qPrintable(p.name));

        Waiter<QList<bc::Deployment>> deployments;
        m_client->listDeployments({}, deployments.callback());
        QVERIFY(deployments.wait());
        QCOMPARE(deployments.result->value().size(), 9);
    }

    void frontendGetsAnExternalAddress()
    {
        QString url;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                Waiter<bc::Service> service;
                m_client->getService(u"frontend-external"_s, service.callback());
                if (!service.wait() || !*service.result)
                    return false;
                url = service.result->value().externalUrl();
                return !url.isEmpty();
            }(),
            30000);
        QVERIFY2(url.startsWith(u"http://127."_s), qPrintable(url)); // loopback only
    }

    void followsPodLogs()
    {
        Waiter<QList<bc::Pod>> pods;
        m_client->listPods(u"app=frontend"_s, pods.callback());
        QVERIFY(pods.wait());
        QVERIFY(*pods.result);
        QVERIFY(!pods.result->value().isEmpty());
        bc::CommandRunner *logs = m_client->streamLogs(pods.result->value().first().meta.name, 50, true, this);
        QSignalSpy lines(logs, &bc::CommandRunner::stdoutLine);
        QVERIFY(lines.wait(15000));
        QVERIFY(logs->isRunning()); // -f keeps following
        QSignalSpy finished(logs, &bc::CommandRunner::finished);
        logs->cancel();
        QVERIFY(finished.wait(5000));
    }

    void scaleChangesPods()
    {
        Waiter<QString> scaled;
        m_client->scale(u"frontend"_s, 3, scaled.callback());
        QVERIFY(scaled.wait());
        QVERIFY2(*scaled.result, why(*scaled.result).constData());
        QTRY_COMPARE_WITH_TIMEOUT(readyPods(u"app=frontend"_s).size(), 3, 30000);
    }

    void deletedPodIsReplaced()
    {
        const QStringList before = readyPods(u"app=frontend"_s);
        QCOMPARE(before.size(), 3);
        Waiter<QString> deleted;
        m_client->deleteObject(u"pod"_s, before.first(), deleted.callback());
        QVERIFY(deleted.wait());
        QVERIFY2(*deleted.result, why(*deleted.result).constData());
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const QStringList now = readyPods(u"app=frontend"_s);
                return now.size() == 3 && !now.contains(before.first());
            }(),
            30000);
    }

    void unschedulableDeploymentFailsWithReason()
    {
        QTemporaryDir dir;
        QFile manifest(dir.filePath(u"greedy.yaml"_s));
        QVERIFY(manifest.open(QIODevice::WriteOnly));
        manifest.write("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: greedy\nspec:\n  replicas: 1\n"
                       "  selector:\n    matchLabels: {app: greedy}\n  template:\n    metadata:\n      labels: {app: greedy}\n"
                       "    spec:\n      containers:\n      - name: c\n        image: busybox\n"
                       "        resources:\n          requests: {cpu: \"64\"}\n");
        manifest.close();
        bc::DeployJob job(&m_context, m_sandbox->target(),
                          bc::DeployRequest{{manifest.fileName()}, false, true, 60s, 2s});
        QSignalSpy finished(&job, &bc::DeployJob::finished);
        job.start();
        QVERIFY(finished.wait(90000));
        const auto status = finished.first().first().value<bc::Status>();
        QVERIFY(!status);
        QVERIFY2(status.error().message.contains(u"greedy"_s) && status.error().message.contains(u"Unschedulable"_s),
                 qPrintable(status.error().message));
    }

private:
    QStringList readyPods(const QString &selector)
    {
        Waiter<QList<bc::Pod>> pods;
        m_client->listPods(selector, pods.callback());
        if (!pods.wait() || !*pods.result)
            return {};
        QStringList names;
        for (const bc::Pod &p : pods.result->value())
            if (p.ready && !p.meta.deleted)
                names.append(p.meta.name);
        return names;
    }

    QTemporaryDir m_dir;
    bc::RunContext m_context;
    bc::SandboxOptions m_options;
    bc::SandboxController *m_sandbox = nullptr;
    bc::KubeClient *m_client = nullptr;
};

QTEST_GUILESS_MAIN(TstSandboxDeploy)
#include "tst_sandbox_deploy.moc"
