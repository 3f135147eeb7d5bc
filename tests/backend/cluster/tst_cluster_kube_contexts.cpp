// KubeContexts reads the user's kubeconfig with yaml-cpp ($KUBECONFIG honoured, merged the way kubectl
// merges); the result is checked against the real `kubectl config get-contexts -o name` on the same files.
// Every server in the fixtures is 127.0.0.1:9 (kubectl's dispatcher probes the current one's /version).
#include "backend/cluster/kube_contexts.h"
#include "backend/process/command_runner.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace bc;

namespace {

constexpr char kFirst[]
    = "apiVersion: v1\nkind: Config\ncurrent-context: gke_p_us-central1-b_boutique\n"
      "clusters:\n- name: c1\n  cluster: {server: \"https://127.0.0.1:9\"}\n"
      "contexts:\n- name: gke_p_us-central1-b_boutique\n  context: {cluster: c1, user: u1}\n"
      "- name: k3s\n  context: {cluster: c1, user: u1}\n"
      "users:\n- name: u1\n  user: {token: not-a-secret}\n";
constexpr char kSecond[] = "apiVersion: v1\nkind: Config\ncurrent-context: sandbox\n"
                           "clusters:\n- name: c2\n  cluster: {server: \"https://127.0.0.1:9\"}\n"
                           "contexts:\n- name: sandbox\n  context: {cluster: c2, user: u1}\n"
                           "- name: k3s\n  context: {cluster: c2, user: u1}\n";

} // namespace

class TstClusterKubeContexts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void mergesLikeKubectl();
    void explicitFileWins();
    void brokenFiles_data();
    void brokenFiles();
    void agreesWithRealKubectl();

private:
    QString write(const QString &name, const QByteArray &content);
    QTemporaryDir m_dir;
};

void TstClusterKubeContexts::initTestCase()
{
    QVERIFY(m_dir.isValid());
    write(u"first"_s, kFirst);
    write(u"second"_s, kSecond);
}

QString TstClusterKubeContexts::write(const QString &name, const QByteArray &content)
{
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(content);
    return path;
}

void TstClusterKubeContexts::mergesLikeKubectl()
{
    const QByteArray env = (m_dir.filePath(u"first"_s) + u":"_s + m_dir.filePath(u"missing"_s) + u":"_s
        + m_dir.filePath(u"second"_s))
                               .toUtf8();
    qputenv("KUBECONFIG", env);
    const auto list = KubeContexts::list();
    QVERIFY(bool(list));
    QCOMPARE(list.value().names, (QStringList {u"gke_p_us-central1-b_boutique"_s, u"k3s"_s, u"sandbox"_s}));
    QCOMPARE(list.value().current, u"gke_p_us-central1-b_boutique"_s); // the first file that sets it
    QCOMPARE(list.value().files.size(), 2); // a missing entry is skipped
}

void TstClusterKubeContexts::explicitFileWins()
{
    qputenv("KUBECONFIG", m_dir.filePath(u"first"_s).toUtf8());
    const auto list = KubeContexts::list(m_dir.filePath(u"second"_s));
    QVERIFY(bool(list));
    QCOMPARE(list.value().names, (QStringList {u"sandbox"_s, u"k3s"_s}));
    QCOMPARE(list.value().current, u"sandbox"_s);
    qunsetenv("KUBECONFIG");
    QCOMPARE(KubeContexts::kubeconfigFiles(), QStringList {QDir::homePath() + u"/.kube/config"_s});
}

void TstClusterKubeContexts::brokenFiles_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("ok");
    QTest::newRow("empty") << QByteArray() << true;
    QTest::newRow("no contexts") << QByteArray("apiVersion: v1\nkind: Config\n") << true;
    QTest::newRow("not yaml") << QByteArray("contexts: [\n") << false;
    QTest::newRow("a list") << QByteArray("- a\n") << false;
}

void TstClusterKubeContexts::brokenFiles()
{
    QFETCH(QByteArray, content);
    QFETCH(bool, ok);
    const auto list = KubeContexts::list(write(u"broken"_s, content));
    QCOMPARE(bool(list), ok);
    if (ok)
        QVERIFY(list.value().names.isEmpty());
    else
        QVERIFY(list.error().message.contains(m_dir.filePath(u"broken"_s)));
}

void TstClusterKubeContexts::agreesWithRealKubectl()
{
    QVERIFY2(!QStandardPaths::findExecutable(u"kubectl"_s).isEmpty(),
        "kubectl is not on PATH; it is preinstalled");
    const QString env = m_dir.filePath(u"first"_s) + u":"_s + m_dir.filePath(u"second"_s);
    Command c {.program = u"kubectl"_s, .arguments = {u"config"_s, u"get-contexts"_s, u"-o"_s, u"name"_s}};
    c.environment.insert(u"KUBECONFIG"_s, env);
    c.captureStdout = true;
    c.timeout = std::chrono::seconds(30);
    CommandRunner runner;
    QSignalSpy finished(&runner, &CommandRunner::finished);
    runner.start(c);
    QVERIFY(finished.wait(40000));
    const auto r = finished.first().first().value<CommandResult>();
    QVERIFY2(r.succeeded(), qPrintable(r.outcomeText() + u' ' + r.stderrTail));
    QStringList fromKubectl = QString::fromUtf8(r.stdoutData).split(u'\n', Qt::SkipEmptyParts);
    qputenv("KUBECONFIG", env.toUtf8());
    QStringList ours = KubeContexts::list().value().names;
    fromKubectl.sort();
    ours.sort();
    QCOMPARE(ours, fromKubectl);
}

QTEST_GUILESS_MAIN(TstClusterKubeContexts)
#include "tst_cluster_kube_contexts.moc"
