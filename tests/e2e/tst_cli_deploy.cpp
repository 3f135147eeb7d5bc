// `boutique-control sandbox` and `deploy` as a script would run them, and `load run` aimed at the
// cluster's shop by --kubeconfig/--context alone (issue 15 points 1 and 2).
#include "backend/timeline/pod_sample.h"
#include "tests/sandbox/sandbox_fixture.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

struct Run
{
    int code = -1;
    QString out;
    QString err;
};

} // namespace

class TstCliDeploy : public QObject
{
    Q_OBJECT
private:
    Run app(const QStringList &args, int timeoutMs = 120000)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"XDG_DATA_HOME"_s, m_home.filePath(u"data"_s));
        env.insert(u"XDG_CONFIG_HOME"_s, m_home.filePath(u"config"_s));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(BC_APP_BINARY), args);
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
            return {};
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

    QString kubeconfig() const { return m_home.filePath(u"sandbox/kubeconfig"_s); }
    QStringList target() const
    {
        return {u"--kubeconfig"_s, kubeconfig(), u"--context"_s, u"boutique-sandbox"_s};
    }

    QTemporaryDir m_home;
    QString m_storefront; // deployWaitsUntilAvailable's last line

private Q_SLOTS:
    void initTestCase()
    {
        const Run started = app({u"sandbox"_s, u"start"_s, u"--state-dir"_s, m_home.filePath(u"sandbox"_s),
                                 u"--pod-start-delay"_s, u"1"_s, u"--time-scale"_s, u"0.25"_s});
        QVERIFY2(started.code == 0, qPrintable(started.out + started.err));
        QVERIFY(started.out.contains(u"running at http://127.0.0.1:"_s));
        QVERIFY(started.out.contains(kubeconfig()));
        QVERIFY(QFile::exists(kubeconfig()));
        const Run again = app({u"sandbox"_s, u"start"_s, u"--state-dir"_s, m_home.filePath(u"sandbox"_s)});
        QCOMPARE(again.code, 0);
        QVERIFY(again.out.contains(u"already running"_s));
    }

    void cleanupTestCase()
    {
        const Run stopped = app({u"sandbox"_s, u"stop"_s, u"--state-dir"_s, m_home.filePath(u"sandbox"_s)});
        QCOMPARE(stopped.code, 0);
        QVERIFY(stopped.out.contains(u"stopped"_s));
        const Run status = app({u"sandbox"_s, u"status"_s, u"--state-dir"_s, m_home.filePath(u"sandbox"_s)});
        QCOMPARE(status.code, 3);
    }

    void dryRunPrintsExactCommandLines()
    {
        const Run r = app(QStringList{u"deploy"_s, u"--manifest"_s, u"minimal"_s, u"--with-canary"_s, u"--dry-run"_s}
                          + target());
        QCOMPARE(r.code, 0);
        const QStringList lines = r.out.trimmed().split(u'\n');
        QCOMPARE(lines.size(), 1); // without --wait, only the apply
        QVERIFY2(lines.first().startsWith(u"kubectl --kubeconfig "_s + kubeconfig()
                                          + u" --context boutique-sandbox -n default apply -f "_s),
                 qPrintable(lines.first()));
        QVERIFY(lines.first().endsWith(u"productcatalogservice-v2.yaml"_s));
    }

    void deployWaitsUntilAvailable()
    {
        const Run r = app(QStringList{u"deploy"_s, u"--manifest"_s, u"minimal"_s, u"--wait"_s} + target());
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY(r.out.contains(u"deployment.apps/frontend created"_s) || r.out.contains(u"deployment.apps/frontend configured"_s)
                || r.out.contains(u"deployment.apps/frontend unchanged"_s));
        QVERIFY(r.out.contains(u"frontend 1/1 ready, available"_s));
        QVERIFY(r.out.contains(u"deployed: 8 deployments"_s));
        // The last line hands over the storefront's address, and the shop answers there.
        const QString last = r.out.trimmed().split(u'\n').last();
        QVERIFY2(last.startsWith(u"storefront: http://127."_s), qPrintable(last));
        m_storefront = last.mid(12);
        QProcess curl;
        curl.start(u"curl"_s, {u"-s"_s, u"-o"_s, u"/dev/null"_s, u"-w"_s, u"%{http_code}"_s, u"--max-time"_s, u"10"_s,
                               m_storefront + u"/"_s});
        QVERIFY(curl.waitForFinished(15000));
        QCOMPARE(QString::fromUtf8(curl.readAllStandardOutput()), u"200"_s);
    }

    void loadRunTargetsTheClusterShop()
    {
        QVERIFY2(!m_storefront.isEmpty(), "needs deployWaitsUntilAvailable");
        const Run dry = app(QStringList{u"load"_s, u"run"_s, u"--dry-run"_s} + target());
        QVERIFY2(dry.code == 0, qPrintable(dry.out + dry.err));
        QVERIFY2(dry.out.contains(u"kubectl --kubeconfig "_s + kubeconfig()
                                  + u" --context boutique-sandbox -n default get service/frontend-external -o json"_s),
                 qPrintable(dry.out));
        // No --host: the shop of the cluster named by --kubeconfig/--context, read through kubectl.
        QTemporaryDir out;
        const qint64 startedMs = QDateTime::currentMSecsSinceEpoch();
        const Run r = app(QStringList{u"load"_s, u"run"_s, u"--users"_s, u"4"_s, u"--spawn-rate"_s, u"4"_s, u"--time"_s,
                                      u"8s"_s, u"--workers"_s, u"1"_s, u"--out"_s, out.path()}
                          + target());
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        const qint64 finishedMs = QDateTime::currentMSecsSinceEpoch();
        QVERIFY2(r.out.contains(u"Target: "_s + m_storefront + u" (Service frontend-external)"_s), qPrintable(r.out));
        QFile settings(out.filePath(u"settings.json"_s));
        QVERIFY(settings.open(QIODevice::ReadOnly));
        QVERIFY2(settings.readAll().contains(m_storefront.toUtf8()), "the run did not record the shop as its host");
        const qsizetype done = r.out.indexOf(u"Done: "_s);
        QVERIFY2(done >= 0 && !r.out.mid(done).startsWith(u"Done: 0 requests"_s), qPrintable(r.out));
        // The cluster's pods were scraped while it ran, on the run's clock (issue 15.8): pods.csv in the folder.
        QVERIFY2(r.out.mid(done).contains(u", pods.csv)"_s), qPrintable(r.out.mid(done)));
        QFile podsCsv(out.filePath(u"pods.csv"_s));
        QVERIFY(podsCsv.open(QIODevice::ReadOnly));
        const auto samples = bc::pod_csv::parse(podsCsv.readAll());
        QVERIFY2(bool(samples), qPrintable(samples ? QString() : samples.error().message));
        QFile history(out.filePath(u"history.csv"_s));
        QVERIFY(history.open(QIODevice::ReadOnly));
        const QList<QByteArray> historyRows = history.readAll().trimmed().split('\n');
        QVERIFY2(historyRows.size() > 2, "history.csv holds no samples");
        const qint64 firstLoadMs = historyRows.at(1).split(',').value(0).toLongLong();
        const qint64 lastLoadMs = historyRows.last().split(',').value(0).toLongLong();
        QSet<QString> frontendScrapes;
        int scrapesDuringLoad = 0;
        for (const bc::PodSample &s : samples.value()) {
            if (s.deployment == u"frontend"_s) {
                frontendScrapes.insert(QString::number(s.timestampMs));
                // A metrics answer carries its scrape's time, which may be older than the poll that read it.
                QVERIFY2(s.timestampMs > startedMs - 30000 && s.timestampMs < finishedMs,
                         qPrintable(u"a scrape at %1 outside the command's %2..%3"_s.arg(s.timestampMs).arg(startedMs).arg(finishedMs)));
                if (s.timestampMs >= firstLoadMs && s.timestampMs <= lastLoadMs)
                    ++scrapesDuringLoad;
                QVERIFY2(s.requests.cpuMillicores.has_value(), "the frontend's CPU request was not kept");
            }
        }
        QVERIFY2(frontendScrapes.size() >= 2, qPrintable(u"frontend scraped %1 times"_s.arg(frontendScrapes.size())));
        QVERIFY2(scrapesDuringLoad >= 1, "no frontend scrape fell inside the load's own span of history.csv");
    }

    void loadRunSaysWhenThereIsNoShop()
    {
        const Run r = app(QStringList{u"load"_s, u"run"_s, u"--time"_s, u"2s"_s} + target() + QStringList{u"-n"_s, u"empty"_s});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"Service frontend-external does not exist in namespace empty"_s), qPrintable(r.err));
        QVERIFY(r.err.contains(u"--host"_s));
    }

    void deployNamesTheServiceWhenTheAddressDoesNotCome()
    {
        // A sandbox whose load balancers stay pending for ten minutes.
        bc::test::SandboxFixture pending;
        QString error;
        QVERIFY2(pending.start({u"--lb-delay"_s, u"600"_s, u"--pod-start-delay"_s, u"0.2"_s}, &error), qPrintable(error));
        QFile manifest(m_home.filePath(u"shop.yaml"_s));
        QVERIFY(manifest.open(QIODevice::WriteOnly));
        manifest.write("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: frontend}\nspec:\n  replicas: 1\n"
                       "  selector: {matchLabels: {app: frontend}}\n  template:\n    metadata: {labels: {app: frontend}}\n"
                       "    spec: {containers: [{name: server, image: us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/frontend:v0.10.6}]}\n---\n"
                       "apiVersion: v1\nkind: Service\nmetadata: {name: frontend-external}\nspec:\n  type: LoadBalancer\n"
                       "  selector: {app: frontend}\n  ports: [{name: http, port: 80, targetPort: 8080}]\n");
        manifest.close();
        const Run r = app({u"deploy"_s, u"-f"_s, manifest.fileName(), u"--wait"_s, u"--timeout"_s, u"4"_s,
                           u"--kubeconfig"_s, pending.kubeconfig(), u"--context"_s, u"boutique-sandbox"_s});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.out.contains(u"frontend 1/1 ready, available"_s), qPrintable(r.out));
        QVERIFY2(!r.out.contains(u"storefront:"_s), qPrintable(r.out));
        static const QRegularExpression waited(u"Service frontend-external got no external address in [4-9] s"_s);
        QVERIFY2(waited.match(r.err).hasMatch(), qPrintable(r.err));
    }

    void malformedManifestFailsBeforeKubectl()
    {
        QFile bad(m_home.filePath(u"bad.yaml"_s));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [oops\n");
        bad.close();
        const Run r = app(QStringList{u"deploy"_s, u"-f"_s, bad.fileName(), u"--verbose"_s} + target());
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"is not valid YAML: line"_s), qPrintable(r.err));
        QVERIFY2(!r.err.contains(u"+ kubectl"_s), qPrintable(r.err)); // nothing ran
    }

    void unreachableClusterIsOneClearLine()
    {
        QFile kc(m_home.filePath(u"dead-kubeconfig"_s));
        QVERIFY(kc.open(QIODevice::WriteOnly));
        kc.write("apiVersion: v1\nkind: Config\nclusters:\n- name: dead\n  cluster: {server: 'http://127.0.0.1:9'}\n"
                 "contexts:\n- name: dead\n  context: {cluster: dead, user: u}\ncurrent-context: dead\n"
                 "users:\n- name: u\n  user: {}\n");
        kc.close();
        const Run r = app({u"deploy"_s, u"--kubeconfig"_s, kc.fileName(), u"--context"_s, u"dead"_s}, 120000);
        QCOMPARE(r.code, 1);
        QCOMPARE(r.err.trimmed().count(u'\n'), 0);
        QVERIFY2(r.err.contains(u"kubectl failed"_s), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TstCliDeploy)
#include "tst_cli_deploy.moc"
