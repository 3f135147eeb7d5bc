// The upstream `loadgenerator` of the full manifest loads the sandbox storefront with real headless
// Locust running the upstream locustfile: its log carries Locust's statistics (an `Aggregated` row
// with 0 failures), the frontend shows CPU above an idle pod's in `kubectl top pods`, USERS comes
// from the pod's env, `kubectl attach` streams that output, and no Locust outlives its pod or the
// sandbox (even a SIGKILLed one).

#include "sandbox_fixture.h"

#include <QDir>
#include <QRegularExpression>

#include <signal.h>

using bc::test::SandboxFixture;

namespace {

// Locust processes whose --host is `host` (this test's storefront; other tests run their own).
QList<qint64> locustsFor(const QString &host)
{
    QList<qint64> pids;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        QFile f(QStringLiteral("/proc/%1/cmdline").arg(entry));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QList<QByteArray> argv = f.readAll().split('\0');
        if (argv.size() > 2 && argv.value(1).endsWith("locust") && argv.contains(host.toUtf8()))
            pids.append(pid);
    }
    return pids;
}

QStringList argvOf(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QStringList out;
    for (const QByteArray &a : f.readAll().split('\0'))
        out.append(QString::fromUtf8(a));
    return out;
}

} // namespace

class TstSandboxLoadgen : public QObject {
    Q_OBJECT

    SandboxFixture m_sb;
    QString m_host;

    // CPU in millicores of the first pod whose name starts with `prefix` (-1 when not listed).
    int cpuOf(const QString &prefix) const
    {
        const auto top = m_sb.kubectl({QStringLiteral("top"), QStringLiteral("pods"), QStringLiteral("--no-headers")});
        for (const QString &line : top.text().split(u'\n', Qt::SkipEmptyParts)) {
            const QStringList cols = line.simplified().split(u' ');
            if (cols.size() >= 2 && cols[0].startsWith(prefix) && cols[1].endsWith(u'm'))
                return cols[1].chopped(1).toInt();
        }
        return -1;
    }

    bool podRunning(const QString &selector) const
    {
        return m_sb
                   .kubectl({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-l"), selector,
                             QStringLiteral("-o"), QStringLiteral("jsonpath={.items[*].status.phase}")})
                   .text()
               == QStringLiteral("Running");
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("locust")).isEmpty(),
                 "locust was not found on PATH (Debian package python3-locust)");
        QString error;
        QVERIFY2(m_sb.start({QStringLiteral("--pod-start-delay"), QStringLiteral("1"), QStringLiteral("--lb-delay"),
                             QStringLiteral("1")},
                            &error),
                 qPrintable(error));
    }

    void fullManifestLoadsTheFrontend()
    {
        const auto applied = m_sb.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), SandboxFixture::manifestPath()});
        QVERIFY2(applied.ok(), applied.err.constData());
        // A pod nothing sends traffic to: what "idle" shows in kubectl top.
        const auto idle = m_sb.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 30000,
                                       "apiVersion: v1\nkind: Pod\nmetadata: {name: idle, labels: {run: idle}}\n"
                                       "spec:\n  containers: [{name: idle, image: nginx:1.27}]\n");
        QVERIFY2(idle.ok(), idle.err.constData());
        QVERIFY(SandboxFixture::waitFor([&] { return podRunning(QStringLiteral("app=loadgenerator")); }, 60000));
        QVERIFY(SandboxFixture::waitFor([&] { return podRunning(QStringLiteral("run=idle")); }, 30000));

        // From here, 30 s: Locust's statistics with an Aggregated row that counted requests, 0 failures.
        QElapsedTimer since;
        since.start();
        const QRegularExpression aggregated(QStringLiteral("^\\s+Aggregated\\s+(\\d+)\\s+(\\d+)\\(([\\d.]+)%\\)"),
                                            QRegularExpression::MultilineOption);
        QString logs;
        int requests = 0, failures = -1;
        const bool loaded = SandboxFixture::waitFor(
            [&] {
                logs = m_sb.kubectl({QStringLiteral("logs"), QStringLiteral("deploy/loadgenerator"), QStringLiteral("--tail"),
                                     QStringLiteral("40")})
                           .text();
                QRegularExpressionMatchIterator it = aggregated.globalMatch(logs);
                while (it.hasNext()) {
                    const auto m = it.next();
                    requests = m.captured(1).toInt();
                    failures = m.captured(2).toInt();
                }
                return requests > 0;
            },
            30000);
        QVERIFY2(loaded, qPrintable(logs));
        QCOMPARE(failures, 0);
        QVERIFY2(logs.contains(QStringLiteral("GET      /")), qPrintable(logs)); // the upstream tasks' entries
        qInfo("Aggregated row with %d requests after %lld ms", requests, since.elapsed());

        int frontend = -1, idleCpu = -1;
        const bool busy = SandboxFixture::waitFor(
            [&] {
                frontend = cpuOf(QStringLiteral("frontend-"));
                idleCpu = cpuOf(QStringLiteral("idle"));
                return idleCpu >= 0 && frontend > idleCpu;
            },
            std::max<qint64>(1000, 30000 - since.elapsed()));
        QVERIFY2(busy, qPrintable(QStringLiteral("frontend %1m, idle pod %2m").arg(frontend).arg(idleCpu)));
        qInfo("kubectl top: frontend %dm, idle pod %dm", frontend, idleCpu);

        const QJsonObject svc = m_sb.json({QStringLiteral("get"), QStringLiteral("svc"), QStringLiteral("frontend-external")});
        const QString ip = svc[QStringLiteral("status")][QStringLiteral("loadBalancer")][QStringLiteral("ingress")][0]
                               [QStringLiteral("ip")]
                                   .toString();
        QVERIFY(!ip.isEmpty());
        m_host = QStringLiteral("http://%1:80").arg(ip);
        const QList<qint64> locusts = locustsFor(m_host);
        QCOMPARE(locusts.size(), 1);
        const QStringList argv = argvOf(locusts.first());
        QCOMPARE(argv.value(argv.indexOf(QStringLiteral("-u")) + 1), QStringLiteral("10")); // USERS of the manifest
        QVERIFY(argv.contains(QStringLiteral("--headless")));
    }

    void attachStreamsTheContainersOutput_data()
    {
        QTest::addColumn<bool>("websockets");
        QTest::newRow("websocket v5") << true;
        QTest::newRow("spdy") << false;
    }
    void attachStreamsTheContainersOutput()
    {
        QFETCH(bool, websockets);
        QVERIFY2(!m_host.isEmpty(), "needs fullManifestLoadsTheFrontend");
        QProcess attach;
        QProcessEnvironment env = m_sb.environment();
        if (!websockets)
            env.insert(QStringLiteral("KUBECTL_REMOTE_COMMAND_WEBSOCKETS"), QStringLiteral("false"));
        attach.setProcessEnvironment(env);
        attach.start(QStandardPaths::findExecutable(QStringLiteral("kubectl")),
                     m_sb.kubectlArgs({QStringLiteral("attach"), QStringLiteral("deploy/loadgenerator"),
                                       QStringLiteral("-c"), QStringLiteral("main")}));
        QVERIFY(attach.waitForStarted(5000));
        QByteArray out;
        // Locust prints a table every 2 s: the next one arrives through the attached stream.
        QVERIFY2(SandboxFixture::waitFor(
                     [&] {
                         out += attach.readAllStandardOutput();
                         return out.contains("Aggregated");
                     },
                     20000),
                 (out + attach.readAllStandardError()).constData());
        attach.kill();
        attach.waitForFinished(5000);
    }

    void usersComeFromThePodAndLocustGoesWithIt()
    {
        QVERIFY2(!m_host.isEmpty(), "needs fullManifestLoadsTheFrontend");
        const qint64 before = locustsFor(m_host).value(0);
        QVERIFY(m_sb.kubectl({QStringLiteral("set"), QStringLiteral("env"), QStringLiteral("deploy/loadgenerator"),
                              QStringLiteral("USERS=3")})
                    .ok());
        // The rollout replaces the pod: the old Locust stops, a new one runs with -u 3.
        QVERIFY(SandboxFixture::waitFor(
            [&] {
                const QList<qint64> now = locustsFor(m_host);
                if (now.size() != 1 || now.first() == before)
                    return false;
                const QStringList argv = argvOf(now.first());
                return argv.value(argv.indexOf(QStringLiteral("-u")) + 1) == QStringLiteral("3");
            },
            60000));
        QVERIFY(m_sb.kubectl({QStringLiteral("scale"), QStringLiteral("deploy/loadgenerator"), QStringLiteral("--replicas=0")})
                    .ok());
        QVERIFY(SandboxFixture::waitFor([&] { return locustsFor(m_host).isEmpty(); }, 30000));
    }

    void noLocustOutlivesAKilledSandbox()
    {
        QVERIFY2(!m_host.isEmpty(), "needs fullManifestLoadsTheFrontend");
        QVERIFY(m_sb.kubectl({QStringLiteral("scale"), QStringLiteral("deploy/loadgenerator"), QStringLiteral("--replicas=1")})
                    .ok());
        QVERIFY(SandboxFixture::waitFor([&] { return locustsFor(m_host).size() == 1; }, 60000));
        QVERIFY(::kill(static_cast<pid_t>(m_sb.pid()), SIGKILL) == 0); // no chance to clean up: the kernel must
        QVERIFY(SandboxFixture::waitFor([&] { return locustsFor(m_host).isEmpty(); }, 20000));
    }
};

QTEST_GUILESS_MAIN(TstSandboxLoadgen)
#include "tst_sandbox_loadgen.moc"
