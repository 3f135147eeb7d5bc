// `boutique-control sandbox` and `deploy` as a script would run them.
#include <QFile>
#include <QProcess>
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
