// Issue 20 point 6: the panels' actions headless. `workload` (the Deploy panel's logs, scale, restart,
// delete pod, YAML), `cnpg` (the Order log panel's operator install, create, backup now, list, restore),
// `pods top --flags`, `load compare` and `charts`, run as a script would, against the real sandbox with
// the real kubectl; every effect is read back with kubectl, not from the command's own output.
#include "backend/load/run_store.h"
#include "tests/sandbox/sandbox_fixture.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
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

QString makeRun(const QString &root, const QString &id, double rps, int users)
{
    bc::RunFolder folder(QDir(root).filePath(id));
    if (!folder.create())
        return {};
    bc::LoadRunSettings settings;
    settings.host = u"http://127.0.0.1:8080"_s;
    settings.users = users;
    settings.startedAt = QDateTime::currentDateTimeUtc();
    settings.outcome = u"completed"_s;
    if (!folder.writeSettings(settings))
        return {};
    for (int i = 1; i <= 10; ++i) {
        bc::LoadSample s;
        s.elapsedS = 2.0 * i;
        s.userCount = users;
        s.rps = rps;
        s.currentP95Ms = 40;
        s.totalRequests = qint64(rps * 2 * i);
        s.medianMs = 20;
        if (!folder.appendSample(s))
            return {};
    }
    return folder.dir();
}

} // namespace

class TstCliActions : public QObject
{
    Q_OBJECT
private:
    Run app(const QStringList &args, int timeoutMs = 120000)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"XDG_DATA_HOME"_s, m_home.filePath(u"data"_s));
        env.insert(u"XDG_CONFIG_HOME"_s, m_home.filePath(u"config"_s));
        env.remove(u"QT_QPA_PLATFORM"_s); // `charts` must choose offscreen by itself
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
    QStringList target() const { return {u"--kubeconfig"_s, m_sandbox.kubeconfig(), u"--context"_s, u"boutique-sandbox"_s}; }
    QString kubectlPrefix() const
    {
        return u"kubectl --kubeconfig "_s + m_sandbox.kubeconfig() + u" --context boutique-sandbox -n default "_s;
    }
    QJsonObject get(const QStringList &what) { return m_sandbox.json(QStringList {u"get"_s} + what + QStringList {u"-o"_s, u"json"_s}); }
    QString firstPod(const QString &app)
    {
        const QJsonArray pods = get({u"pods"_s, u"-l"_s, u"app="_s + app}).value(u"items"_s).toArray();
        return pods.isEmpty() ? QString() : pods.first()[u"metadata"_s][u"name"_s].toString();
    }

    QTemporaryDir m_home;
    bc::test::SandboxFixture m_sandbox;

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_sandbox.start({u"--pod-start-delay"_s, u"0.2"_s, u"--with-crds"_s}, &error), qPrintable(error));
        const Run deployed = app(QStringList {u"deploy"_s, u"--manifest"_s, u"minimal"_s, u"--wait"_s} + target(), 240000);
        QVERIFY2(deployed.code == 0, qPrintable(deployed.out + deployed.err));
    }

    void everyNewCommandHasHelp_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("workload") << QStringList {u"workload"_s} << u"delete-pod POD --yes"_s;
        QTest::newRow("cnpg") << QStringList {u"cnpg"_s} << u"install-operator"_s;
        QTest::newRow("pods") << QStringList {u"pods"_s} << u"--flags"_s;
        QTest::newRow("load") << QStringList {u"load"_s} << u"load compare A B"_s;
        QTest::newRow("charts") << QStringList {u"charts"_s} << u"chart-requests.png"_s;
    }
    void everyNewCommandHasHelp()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        const Run r = app(args + QStringList {u"--help"_s});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(mentions), qPrintable(r.out));
        QVERIFY2(r.out.contains(u"--dry-run"_s), qPrintable(r.out));
        QVERIFY(r.out.startsWith(u"Usage: boutique-control "_s + args.first()));
    }

    void dryRunsPrintTheKubectlLines()
    {
        const QString pod = firstPod(u"frontend"_s);
        QVERIFY(!pod.isEmpty());
        const QList<QPair<QStringList, QString>> cases {
            {{u"workload"_s, u"scale"_s, u"frontend"_s, u"3"_s}, u"scale deployment/frontend --replicas=3"_s},
            {{u"workload"_s, u"restart"_s, u"cartservice"_s}, u"rollout restart deployment/cartservice"_s},
            {{u"workload"_s, u"delete-pod"_s, pod}, u"delete pod/"_s + pod + u" --wait=false"_s},
            {{u"workload"_s, u"yaml"_s, u"service"_s, u"frontend"_s}, u"get service/frontend -o yaml"_s},
            {{u"workload"_s, u"logs"_s, pod, u"--tail"_s, u"5"_s}, u"logs "_s + pod + u" --all-containers --tail=5"_s},
            {{u"cnpg"_s, u"backups"_s}, u"get backups.postgresql.cnpg.io -o json"_s},
            {{u"cnpg"_s, u"backup"_s}, u"apply -f -"_s},
            {{u"pods"_s, u"top"_s, u"--flags"_s}, u"get pods -o json"_s},
        };
        for (const auto &[args, line] : cases) {
            const Run r = app(args + QStringList {u"--dry-run"_s} + target());
            QVERIFY2(r.code == 0, qPrintable(args.join(u' ') + u": "_s + r.err));
            QVERIFY2(r.out.contains(kubectlPrefix() + line), qPrintable(args.join(u' ') + u" printed:\n"_s + r.out));
        }
        // A dry run changes nothing.
        QCOMPARE(get({u"deployment"_s, u"frontend"_s})[u"spec"_s][u"replicas"_s].toInt(), 1);
        QVERIFY(!get({u"pod"_s, pod}).isEmpty());
    }

    void workloadActionsHaveTheirEffect()
    {
        const Run scaled = app(QStringList {u"workload"_s, u"scale"_s, u"frontend"_s, u"2"_s} + target());
        QVERIFY2(scaled.code == 0, qPrintable(scaled.err));
        QVERIFY2(scaled.out.contains(u"deployment.apps/frontend scaled"_s), qPrintable(scaled.out));
        QCOMPARE(get({u"deployment"_s, u"frontend"_s})[u"spec"_s][u"replicas"_s].toInt(), 2);
        QVERIFY(bc::test::SandboxFixture::waitFor([&] {
            return get({u"pods"_s, u"-l"_s, u"app=frontend"_s}).value(u"items"_s).toArray().size() == 2;
        }, 30000));

        const Run restarted = app(QStringList {u"workload"_s, u"restart"_s, u"cartservice"_s} + target());
        QVERIFY2(restarted.code == 0, qPrintable(restarted.err));
        QVERIFY(!get({u"deployment"_s, u"cartservice"_s})[u"spec"_s][u"template"_s][u"metadata"_s][u"annotations"_s]
                     [u"kubectl.kubernetes.io/restartedAt"_s].toString().isEmpty());

        const Run yaml = app(QStringList {u"workload"_s, u"yaml"_s, u"deployment"_s, u"frontend"_s} + target());
        QCOMPARE(yaml.code, 0);
        QVERIFY2(yaml.out.contains(u"kind: Deployment"_s) && yaml.out.contains(u"replicas: 2"_s), qPrintable(yaml.out));

        const QString pod = firstPod(u"frontend"_s);
        const Run logs = app(QStringList {u"workload"_s, u"logs"_s, pod, u"--tail"_s, u"3"_s} + target());
        QVERIFY2(logs.code == 0, qPrintable(logs.err));
        const QString direct = QString::fromUtf8(m_sandbox.kubectl({u"logs"_s, pod, u"--all-containers"_s, u"--tail=3"_s}).out);
        QCOMPARE(logs.out.trimmed(), direct.trimmed());

        const Run unasked = app(QStringList {u"workload"_s, u"delete-pod"_s, pod} + target());
        QCOMPARE(unasked.code, 2);
        QVERIFY2(unasked.err.contains(u"needs --yes"_s), qPrintable(unasked.err));
        QVERIFY(!get({u"pod"_s, pod}).isEmpty());
        const Run deleted = app(QStringList {u"workload"_s, u"delete-pod"_s, pod, u"--yes"_s} + target());
        QVERIFY2(deleted.code == 0, qPrintable(deleted.err));
        QVERIFY(bc::test::SandboxFixture::waitFor([&] { return m_sandbox.kubectl({u"get"_s, u"pod"_s, pod}).exitCode != 0; }, 30000));

        const Run bad = app(QStringList {u"workload"_s, u"scale"_s, u"frontend"_s, u"many"_s} + target());
        QCOMPARE(bad.code, 2);
        QVERIFY2(bad.err.contains(u"replicas must be a number"_s), qPrintable(bad.err));
        const Run badName = app(QStringList {u"workload"_s, u"restart"_s, u"Front End"_s} + target());
        QCOMPARE(badName.code, 2);
        QVERIFY2(badName.err.contains(u"is not a valid deployment name"_s), qPrintable(badName.err));
    }

    void cnpgActionsHaveTheirEffect()
    {
        // The operator's manifest from a file (this machine reaches no release URL): applied server-side.
        QFile op(m_home.filePath(u"operator.yaml"_s));
        QVERIFY(op.open(QIODevice::WriteOnly));
        op.write("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cnpg-operator-stand-in, namespace: default}\n"
                 "data: {version: '1.21.1'}\n");
        op.close();
        const Run installed = app(QStringList {u"cnpg"_s, u"install-operator"_s, u"--operator-url"_s, op.fileName(), u"--verbose"_s} + target());
        QVERIFY2(installed.code == 0, qPrintable(installed.err));
        QVERIFY2(installed.err.contains(u"apply --server-side --force-conflicts -f "_s + op.fileName()), qPrintable(installed.err));
        QCOMPARE(get({u"configmap"_s, u"cnpg-operator-stand-in"_s})[u"data"_s][u"version"_s].toString(), u"1.21.1"_s);

        QFile pw(m_home.filePath(u"db.password"_s));
        QVERIFY(pw.open(QIODevice::WriteOnly));
        pw.write("cli-db-Passw0rd\n");
        pw.close();
        const Run noFile = app(QStringList {u"cnpg"_s, u"create"_s, u"--no-backups"_s} + target());
        QCOMPARE(noFile.code, 2);
        QVERIFY2(noFile.err.contains(u"--password-file"_s), qPrintable(noFile.err));
        const Run noKey = app(QStringList {u"cnpg"_s, u"create"_s, u"--password-file"_s, pw.fileName()} + target());
        QCOMPARE(noKey.code, 2);
        QVERIFY2(noKey.err.contains(u"--key-file"_s), qPrintable(noKey.err));

        const Run created = app(QStringList {u"cnpg"_s, u"create"_s, u"--no-backups"_s, u"--password-file"_s, pw.fileName(), u"--verbose"_s}
            + target());
        QVERIFY2(created.code == 0, qPrintable(created.err));
        QVERIFY(created.out.contains(u"cluster orderlog-db created, without backups"_s));
        QVERIFY2(!(created.out + created.err).contains(u"cli-db-Passw0rd"_s), qPrintable(created.out + created.err));
        QVERIFY(!get({u"clusters.postgresql.cnpg.io"_s, u"orderlog-db"_s}).value(u"spec"_s).toObject().contains(u"backup"_s));
        QCOMPARE(QByteArray::fromBase64(get({u"secret"_s, u"orderlog-db"_s})[u"data"_s][u"password"_s].toString().toLatin1()),
            QByteArray("cli-db-Passw0rd"));

        const Run backup = app(QStringList {u"cnpg"_s, u"backup"_s} + target());
        QVERIFY2(backup.code == 0, qPrintable(backup.err));
        static const QRegularExpression requested(u"backup (orderlog-db-manual-\\d{8}-\\d{6}) requested"_s);
        const auto m = requested.match(backup.out);
        QVERIFY2(m.hasMatch(), qPrintable(backup.out));
        QCOMPARE(get({u"backups.postgresql.cnpg.io"_s, m.captured(1)})[u"spec"_s][u"cluster"_s][u"name"_s].toString(),
            u"orderlog-db"_s);
        const Run listed = app(QStringList {u"cnpg"_s, u"backups"_s} + target());
        QCOMPARE(listed.code, 0);
        QVERIFY2(listed.out.contains(m.captured(1) + u"  orderlog-db"_s), qPrintable(listed.out));
        QVERIFY(listed.out.contains(u"1 backups"_s));

        // Restore needs orderlog-server, which it points at the new cluster.
        const Run orderlog = app(QStringList {u"deploy"_s, u"-f"_s, QStringLiteral(BC_SOURCE_DIR "/manifests/orderlog.yaml")} + target());
        QVERIFY2(orderlog.code == 0, qPrintable(orderlog.err));
        const Run restored = app(QStringList {u"cnpg"_s, u"restore"_s, u"orderlog-db-r3"_s, u"--bucket"_s, u"gs://cli-backups"_s}
            + target());
        QVERIFY2(restored.code == 0, qPrintable(restored.err));
        QVERIFY(restored.out.contains(u"cluster orderlog-db-r3 is restoring"_s));
        QCOMPARE(get({u"clusters.postgresql.cnpg.io"_s, u"orderlog-db-r3"_s})[u"spec"_s][u"bootstrap"_s][u"recovery"_s]
                     .toObject().isEmpty(),
            false);
        QCOMPARE(QByteArray::fromBase64(get({u"secret"_s, u"orderlog-db"_s})[u"data"_s][u"host"_s].toString().toLatin1()),
            QByteArray("orderlog-db-r3-rw"));
        const Run badRestore = app(QStringList {u"cnpg"_s, u"restore"_s, u"Bad Name"_s} + target());
        QCOMPARE(badRestore.code, 1);
        QVERIFY2(badRestore.err.contains(u"is not a valid cluster name"_s), qPrintable(badRestore.err));
    }

    void podsTopFlagsShowsOnlyFlaggedPods()
    {
        const Run all = app(QStringList {u"pods"_s, u"top"_s} + target());
        QVERIFY2(all.code == 0, qPrintable(all.err));
        static const QRegularExpression summary(u"(\\d+) pods, (\\d+) flagged"_s);
        const auto total = summary.match(all.out);
        QVERIFY2(total.hasMatch(), qPrintable(all.out));
        const Run flagged = app(QStringList {u"pods"_s, u"top"_s, u"--flags"_s} + target());
        QVERIFY2(flagged.code == 0, qPrintable(flagged.err));
        const auto some = summary.match(flagged.out);
        QVERIFY(some.hasMatch());
        QCOMPARE(some.captured(1), total.captured(1));
        QCOMPARE(some.captured(2), total.captured(2));
        // One table line per flagged pod (plus the header when there is one), none for the others.
        const int podLines = int(all.out.trimmed().split(u'\n').size()) - 2;
        QCOMPARE(podLines, total.captured(1).toInt());
        const int flaggedLines = int(flagged.out.trimmed().split(u'\n').size()) - 1;
        QCOMPARE(flaggedLines, some.captured(2).toInt() == 0 ? 0 : some.captured(2).toInt() + 1);
    }

    void compareAndChartsOfSavedRuns()
    {
        const QString root = m_home.filePath(u"runs"_s);
        const QString a = makeRun(root, u"20261201-100000"_s, 10, 5);
        const QString b = makeRun(root, u"20261201-110000"_s, 25, 50);
        QVERIFY(!a.isEmpty() && !b.isEmpty());
        const Run compared = app({u"load"_s, u"compare"_s, a, b});
        QVERIFY2(compared.code == 0, qPrintable(compared.err));
        const QStringList lines = compared.out.split(u'\n');
        QVERIFY2(lines.first().contains(u"20261201-100000"_s) && lines.first().contains(u"20261201-110000"_s), qPrintable(compared.out));
        const auto line = [&](const QString &name) {
            const QStringList found = lines.filter(QRegularExpression(u"^"_s + QRegularExpression::escape(name) + u"\\s"_s));
            return found.isEmpty() ? QString() : found.first().simplified();
        };
        QCOMPARE(line(u"users"_s), u"users 5 50 +900.0%"_s);
        QCOMPARE(line(u"requests"_s), u"requests 200 500 +150.0%"_s);
        QCOMPARE(line(u"requests/s (mean)"_s), u"requests/s (mean) 10.0 25.0 +150.0%"_s);
        QCOMPARE(line(u"median ms"_s), u"median ms 20 20 ="_s);
        const Run missing = app({u"load"_s, u"compare"_s, a, m_home.filePath(u"nothing-here"_s)});
        QCOMPARE(missing.code, 1);
        QVERIFY2(missing.err.contains(u"is not a saved run"_s), qPrintable(missing.err));

        const Run dry = app({u"charts"_s, a, u"--dry-run"_s});
        QCOMPARE(dry.code, 0);
        QVERIFY(QDir(a).entryList({u"*.png"_s}).isEmpty());
        const Run charts = app({u"charts"_s, a, u"--width"_s, u"1200"_s, u"--height"_s, u"700"_s});
        QVERIFY2(charts.code == 0, qPrintable(charts.out + charts.err));
        const QStringList pngs = QDir(a).entryList({u"*.png"_s}, QDir::Files, QDir::Name);
        QCOMPARE(pngs, (QStringList {u"chart-endpoints.png"_s, u"chart-requests.png"_s, u"chart-response-time.png"_s,
                           u"chart-users.png"_s}));
        QVERIFY(QDir(b).entryList({u"*.png"_s}).isEmpty());
        for (const QString &png : pngs) {
            QVERIFY(charts.out.contains(QDir(a).filePath(png)));
            QFile f(QDir(a).filePath(png));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray head = f.read(24);
            QVERIFY(head.startsWith("\x89PNG\r\n\x1a\n"));
            const quint32 width = (quint8(head[16]) << 24) | (quint8(head[17]) << 16) | (quint8(head[18]) << 8) | quint8(head[19]);
            QVERIFY2(width >= 400 && width <= 1200, qPrintable(QString::number(width))); // half the width, less margins
        }
        const Run notARun = app({u"charts"_s, m_home.filePath(u"nothing-here"_s)});
        QCOMPARE(notARun.code, 2);
        QVERIFY(notARun.err.contains(u"is not a saved run"_s));
    }
};

QTEST_GUILESS_MAIN(TstCliActions)
#include "tst_cli_actions.moc"
