// The Cluster and Deploy panels end to end, as a user drives them: the real boutique-sandbox, the real
// kubectl, the shipped manifests. Select the sandbox, deploy the minimal manifest, watch the rollout rows
// reach done, read the storefront's address and fetch /, follow a pod's logs, scale a deployment and see
// the pods change in the workloads table, delete a pod and see it replaced, restart a rollout and see
// every pod replaced, read why failing deployments fail in the Problem column (image pull, crash loop),
// and deploy the full upstream manifest.
#include "backend/cluster/profile_store.h"
#include "backend/deploy/workloads_model.h"
#include "backend/kube/kube_client.h"
#include "backend/process/run_context.h"
#include "backend/sandbox/sandbox_controller.h"
#include "backend/session/cluster_session.h"
#include "widgets/cluster/cluster_panel.h"
#include "widgets/common/job_progress.h"
#include "widgets/deploy/deploy_panel.h"

#include <QDateTime>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TstDeployPanel : public QObject
{
    Q_OBJECT
private:
    template <typename W>
    W *child(QWidget *panel, const QString &name)
    {
        W *w = panel->findChild<W *>(name);
        if (!w)
            qFatal("no child %s", qPrintable(name));
        return w;
    }

    // Pods of one deployment in the workloads table that are Running.
    QStringList runningPods(const QString &prefix) const
    {
        QStringList out;
        bc::WorkloadsModel *model = m_deploy->podsModel();
        for (int r = 0; r < model->rowCount(); ++r) {
            const bc::Pod *pod = model->pod(r);
            if (pod->meta.name.startsWith(prefix) && !pod->meta.deleted && pod->ready
                && model->index(r, bc::WorkloadsModel::PodStatus).data().toString() == u"Running"_s)
                out.append(pod->meta.name);
        }
        return out;
    }

    QTemporaryDir m_dir;
    bc::RunContext m_context;
    bc::ClusterSession *m_session = nullptr;
    bc::ClusterPanel *m_cluster = nullptr;
    bc::DeployPanel *m_deploy = nullptr;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qRegisterMetaType<bc::Status>();
        QVERIFY(m_dir.isValid());
        QVERIFY2(!bc::SandboxController::locateBinary().isEmpty(), "boutique-sandbox binary not found");
        m_session = new bc::ClusterSession(&m_context, this);
        m_cluster = new bc::ClusterPanel(m_session, nullptr, bc::ProfileStore(m_dir.filePath(u"p.yaml"_s)));
        m_deploy = new bc::DeployPanel(m_session, nullptr);
        bc::SandboxOptions options;
        options.stateDirectory = m_dir.filePath(u"sandbox"_s);
        options.podStartDelaySeconds = 1;
        options.timeScale = 0.25;
        m_cluster->setSandboxOptions(options);
    }

    void cleanupTestCase()
    {
        delete m_deploy;
        m_session->disconnect();
        QTRY_COMPARE_WITH_TIMEOUT(m_session->sandbox()->state(), bc::SandboxController::State::Stopped, 10000);
        delete m_cluster;
    }

    void selectSandbox()
    {
        QCOMPARE(m_cluster->environment(), bc::ClusterPanel::Environment::Sandbox);
        QVERIFY(!child<QPushButton>(m_deploy, u"deployButton"_s)->isEnabled()); // no cluster yet
        QSignalSpy target(m_session, &bc::ClusterSession::targetChanged);
        QTest::mouseClick(child<QPushButton>(m_cluster, u"sandboxStart"_s), Qt::LeftButton);
        QVERIFY(m_cluster->isBusy());
        QVERIFY(target.wait(30000));
        QVERIFY(!m_cluster->isBusy());
        QVERIFY(child<QLabel>(m_cluster, u"connection"_s)->text().contains(u"Local sandbox"_s));
        QTRY_VERIFY_WITH_TIMEOUT(child<QPushButton>(m_deploy, u"deployButton"_s)->isEnabled(), 5000);
    }

    void deployMinimalUntilAvailable()
    {
        m_deploy->setEdition(bc::ManifestSet::Edition::Minimal, false);
        QSignalSpy finished(m_deploy, &bc::DeployPanel::deployFinished);
        QTest::mouseClick(child<QPushButton>(m_deploy, u"deployButton"_s), Qt::LeftButton);
        QVERIFY(m_deploy->isDeploying());
        QVERIFY(finished.wait(120000));
        const auto status = finished.first().first().value<bc::Status>();
        QVERIFY2(status, qPrintable(status ? QString() : status.error().message));
        QVERIFY(m_deploy->rolloutSucceeded());
        // "Deployed" comes with the storefront's address (the deploy waited for it), Copy and "Load test it".
        const QString url = m_deploy->frontendAddress();
        QVERIFY2(url.startsWith(u"http://127."_s), qPrintable(url));
        auto *progress = child<bc::JobProgress>(m_deploy, u"deployProgress"_s);
        QVERIFY2(progress->phase().contains(u"the shop is at "_s + url), qPrintable(progress->phase()));
        QVERIFY(child<QPushButton>(m_deploy, u"copyAddress"_s)->isEnabled());
        QSignalSpy loadTest(m_deploy, &bc::DeployPanel::loadTestRequested);
        QTest::mouseClick(child<QPushButton>(m_deploy, u"loadTestIt"_s), Qt::LeftButton);
        QCOMPARE(loadTest.size(), 1);
        QCOMPARE(loadTest.first().first().toString(), url);
        const QList<bc::DeploymentProgress> rollout = m_deploy->rollout();
        QVERIFY(rollout.size() >= 5);
        for (const bc::DeploymentProgress &p : rollout) {
            QVERIFY2(p.done, qPrintable(p.name));
            auto *bar = child<QProgressBar>(m_deploy, u"rollout/"_s + p.name);
            QCOMPARE(bar->value(), bar->maximum());
            QVERIFY(child<QLabel>(m_deploy, u"rolloutState/"_s + p.name)->text().contains(u"available"_s));
        }
        // The workloads table follows the watches: every deployment is there.
        QTRY_VERIFY_WITH_TIMEOUT(m_deploy->deploymentsModel()->rowOf(u"frontend"_s) >= 0, 10000);
        QCOMPARE(m_deploy->deploymentsModel()->rowCount(), int(rollout.size()));
    }

    void frontendAddressAndStorefront()
    {
        QTRY_VERIFY_WITH_TIMEOUT(!m_deploy->frontendAddress().isEmpty(), 30000);
        const QString url = m_deploy->frontendAddress();
        QVERIFY2(url.startsWith(u"http://127."_s), qPrintable(url)); // loopback only
        QVERIFY(child<QLabel>(m_deploy, u"frontendAddress"_s)->text().contains(url));
        QVERIFY(child<QPushButton>(m_deploy, u"copyAddress"_s)->isEnabled());

        QNetworkAccessManager network;
        int status = 0;
        QByteArray body;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                QNetworkReply *reply = network.get(QNetworkRequest(QUrl(url + u"/"_s)));
                QSignalSpy done(reply, &QNetworkReply::finished);
                if (!reply->isFinished() && !done.wait(5000))
                    return false;
                status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                body = reply->readAll();
                reply->deleteLater();
                return status == 200;
            }(),
            30000);
        QVERIFY(!body.isEmpty());
    }

    void followsLogs()
    {
        QTRY_VERIFY_WITH_TIMEOUT(!runningPods(u"frontend-"_s).isEmpty(), 10000);
        m_deploy->showWorkloads();
        m_deploy->followLogs(runningPods(u"frontend-"_s).first());
        QTRY_VERIFY_WITH_TIMEOUT(!m_deploy->logText().isEmpty(), 20000);
        m_deploy->stopLogs();
    }

    void showsYaml()
    {
        QSignalSpy action(m_deploy, &bc::DeployPanel::actionFinished);
        m_deploy->showYaml(u"deployment"_s, u"frontend"_s);
        QTRY_VERIFY_WITH_TIMEOUT(m_deploy->yamlText().contains(u"kind: Deployment"_s), 20000);
    }

    void scaleChangesPodsInTable()
    {
        QSignalSpy action(m_deploy, &bc::DeployPanel::actionFinished);
        m_deploy->scaleDeployment(u"frontend"_s, 3);
        QVERIFY(action.wait(20000));
        QVERIFY(action.first().at(1).value<bc::Status>());
        QTRY_COMPARE_WITH_TIMEOUT(runningPods(u"frontend-"_s).size(), 3, 30000);
        const int row = m_deploy->deploymentsModel()->rowOf(u"frontend"_s);
        QTRY_COMPARE_WITH_TIMEOUT(
            m_deploy->deploymentsModel()->index(row, bc::WorkloadsModel::DeploymentReady).data().toString(),
            u"3/3"_s, 30000);
    }

    void deletedPodIsReplaced()
    {
        const QStringList before = runningPods(u"frontend-"_s);
        QCOMPARE(before.size(), 3);
        QString asked;
        m_deploy->setConfirm([&](const QString &, const QString &text, const QString &) {
            asked = text;
            return true;
        });
        QSignalSpy action(m_deploy, &bc::DeployPanel::actionFinished);
        QVERIFY(m_deploy->deletePod(before.first()));
        QVERIFY(asked.contains(before.first()));
        QVERIFY(action.wait(20000));
        QVERIFY(action.first().at(1).value<bc::Status>());
        QTRY_VERIFY_WITH_TIMEOUT(m_deploy->podsModel()->rowOf(before.first()) < 0, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const QStringList now = runningPods(u"frontend-"_s);
                return now.size() == 3 && !now.contains(before.first());
            }(),
            30000);
    }

    void restartRolloutReplacesEveryPod()
    {
        const QStringList before = runningPods(u"frontend-"_s);
        QCOMPARE(before.size(), 3);
        QSignalSpy action(m_deploy, &bc::DeployPanel::actionFinished);
        m_deploy->restartDeployment(u"frontend"_s);
        QVERIFY(action.wait(20000));
        QCOMPARE(action.first().at(0).toString(), u"restart"_s);
        QVERIFY(action.first().at(1).value<bc::Status>());
        // A new ReplicaSet: three Ready pods again, none of the old ones.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const QStringList now = runningPods(u"frontend-"_s);
                if (now.size() != 3)
                    return false;
                for (const QString &name : now)
                    if (before.contains(name))
                        return false;
                return m_deploy->podsModel()->rowOf(before.first()) < 0;
            }(),
            60000);
        bc::KubeClient client(&m_context, m_session->target());
        std::optional<bc::Result<QByteArray>> spec;
        client.run(client.target().namespacedArguments() + QStringList{u"get"_s, u"deployment"_s, u"frontend"_s, u"-o"_s,
                    u"jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}"_s},
                   std::chrono::seconds(20), [&](const bc::Result<QByteArray> &r) { spec = r; });
        QTRY_VERIFY_WITH_TIMEOUT(spec.has_value(), 20000);
        QVERIFY2(*spec, qPrintable(*spec ? QString() : spec->error().message));
        QVERIFY2(QDateTime::fromString(QString::fromUtf8(spec->value()).trimmed(), Qt::ISODate).isValid(),
                 spec->value().constData());
    }

    void failingDeploymentsExplainWhy()
    {
        const QByteArray yaml = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: badimage}
spec:
  selector: {matchLabels: {app: badimage}}
  template:
    metadata: {labels: {app: badimage}}
    spec:
      containers:
      - {name: app, image: "busybox:does-not-exist"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: crasher}
spec:
  selector: {matchLabels: {app: crasher}}
  template:
    metadata: {labels: {app: crasher}}
    spec:
      containers:
      - {name: app, image: "busybox:1.36", command: ["sh", "-c", "echo starting; exit 3"]}
)";
        bc::KubeClient client(&m_context, m_session->target());
        std::optional<bc::Result<QString>> applied;
        client.applyManifest(yaml, false, [&](const bc::Result<QString> &r) { applied = r; });
        QTRY_VERIFY_WITH_TIMEOUT(applied.has_value(), 30000);
        QVERIFY2(*applied, qPrintable(*applied ? QString() : applied->error().message));

        bc::WorkloadsModel *model = m_deploy->deploymentsModel();
        const auto problem = [&](const QString &name) {
            const int row = model->rowOf(name);
            return row < 0 ? QString() : model->index(row, bc::WorkloadsModel::DeploymentProblem).data().toString();
        };
        QTRY_VERIFY2_WITH_TIMEOUT(problem(u"badimage"_s).startsWith(u"ImagePullBackOff: Failed to pull image \"busybox:does-not-exist\""_s)
                                      || problem(u"badimage"_s).startsWith(u"ErrImagePull: Failed to pull image \"busybox:does-not-exist\""_s),
                                  qPrintable(problem(u"badimage"_s)), 30000);
        QVERIFY2(problem(u"badimage"_s).contains(u"not found"_s), qPrintable(problem(u"badimage"_s)));
        QTRY_VERIFY_WITH_TIMEOUT(problem(u"crasher"_s).startsWith(u"CrashLoopBackOff: container app exited with code 3 (Error)"_s),
                                 30000);
        QVERIFY(problem(u"frontend"_s).isEmpty()); // healthy rows say nothing
        m_deploy->showWorkloads();
        QCoreApplication::processEvents();

        std::optional<bc::Result<QByteArray>> removed;
        client.run(client.target().namespacedArguments()
                       + QStringList{u"delete"_s, u"deployment"_s, u"badimage"_s, u"crasher"_s, u"--wait=false"_s},
                   std::chrono::seconds(20),
                   [&](const bc::Result<QByteArray> &r) { removed = r; });
        QTRY_VERIFY_WITH_TIMEOUT(removed.has_value(), 20000);
        QVERIFY(*removed);
        QTRY_VERIFY_WITH_TIMEOUT(model->rowOf(u"crasher"_s) < 0 && model->rowOf(u"badimage"_s) < 0, 30000);
    }

    void deployFullManifest()
    {
        m_deploy->setEdition(bc::ManifestSet::Edition::Full, false);
        QSignalSpy finished(m_deploy, &bc::DeployPanel::deployFinished);
        QTest::mouseClick(child<QPushButton>(m_deploy, u"deployButton"_s), Qt::LeftButton);
        QVERIFY(m_deploy->isDeploying());
        QVERIFY(finished.wait(180000));
        const auto status = finished.first().first().value<bc::Status>();
        QVERIFY2(status, qPrintable(status ? QString() : status.error().message));
        QStringList names;
        for (const bc::DeploymentProgress &p : m_deploy->rollout()) {
            QVERIFY2(p.done, qPrintable(p.name));
            names.append(p.name);
        }
        // The upstream release (its 11 services, redis-cart, the load generator) and, on the sandbox, the
        // order log.
        for (const QString &name : {u"adservice"_s, u"emailservice"_s, u"recommendationservice"_s, u"loadgenerator"_s,
                                    u"redis-cart"_s, u"frontend"_s, u"checkoutservice"_s, u"orderlog"_s})
            QVERIFY2(names.contains(name), qPrintable(names.join(u", "_s)));
        QVERIFY2(names.size() == 13, qPrintable(names.join(u", "_s)));
        QTRY_VERIFY_WITH_TIMEOUT(m_deploy->deploymentsModel()->rowOf(u"adservice"_s) >= 0, 10000);
        const int row = m_deploy->deploymentsModel()->rowOf(u"adservice"_s);
        QTRY_COMPARE_WITH_TIMEOUT(
            m_deploy->deploymentsModel()->index(row, bc::WorkloadsModel::DeploymentAvailable).data().toString(), u"1"_s,
            30000);
    }
};

QTEST_MAIN(TstDeployPanel)
#include "tst_deploy_panel.moc"
