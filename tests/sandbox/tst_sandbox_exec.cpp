// `kubectl exec` (the real kubectl 1.32) through the sandbox, over the WebSocket v5.channel.k8s.io
// stream kubectl tries first and the SPDY fallback (KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false): the
// command runs as a real process with the pod's environment; exit codes; stdin; a TTY under a
// pseudo-terminal running psql on a CNPG stand-in pod against the real PostgreSQL of the `pg`
// fixture; the kubelet's and API server's errors; no process left when kubectl is killed.

#include "sandbox_fixture.h"

#include "orderlog/order_store.h"
#include "tests/support/pg_test_db.h"

#include <QRegularExpression>

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <vector>

using bc::test::KubectlResult;
using bc::test::SandboxFixture;

namespace {

bool processExists(qint64 pid)
{
    return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0;
}

// kubectl on the slave side of a pseudo-terminal of this test, as a user's terminal runs it.
class PtyKubectl {
public:
    bool start(const QString &program, const QStringList &args, const QProcessEnvironment &env)
    {
        std::vector<std::string> argv{program.toStdString()};
        for (const auto &a : args)
            argv.push_back(a.toStdString());
        std::vector<std::string> envs;
        for (const auto &k : env.keys())
            envs.push_back((k + u'=' + env.value(k)).toStdString());
        std::vector<char *> av, ev;
        for (auto &a : argv)
            av.push_back(a.data());
        av.push_back(nullptr);
        for (auto &e : envs)
            ev.push_back(e.data());
        ev.push_back(nullptr);
        winsize ws{};
        ws.ws_col = 120;
        ws.ws_row = 40;
        m_pid = ::forkpty(&m_master, nullptr, nullptr, &ws);
        if (m_pid == 0) {
            ::execve(av[0], av.data(), ev.data());
            ::_exit(127);
        }
        return m_pid > 0;
    }
    ~PtyKubectl()
    {
        if (m_pid > 0) {
            ::kill(m_pid, SIGKILL);
            int st = 0;
            ::waitpid(m_pid, &st, 0);
        }
        if (m_master >= 0)
            ::close(m_master);
    }
    void write(const QByteArray &bytes) { [[maybe_unused]] const auto n = ::write(m_master, bytes.data(), bytes.size()); }
    // Reads what the terminal shows until `pattern` appears (or `timeoutMs` passes).
    bool waitFor(const QRegularExpression &pattern, int timeoutMs)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            if (pattern.match(QString::fromUtf8(m_seen)).hasMatch())
                return true;
            pollfd p{m_master, POLLIN, 0};
            if (::poll(&p, 1, 100) > 0) {
                char buf[4096];
                const ssize_t n = ::read(m_master, buf, sizeof(buf));
                if (n <= 0)
                    break;
                m_seen.append(buf, n);
            }
        }
        return pattern.match(QString::fromUtf8(m_seen)).hasMatch();
    }
    // The exit code once kubectl ended, -1 if it did not within `timeoutMs`.
    int wait(int timeoutMs)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            waitFor(QRegularExpression(QStringLiteral("(?!)")), 100); // keep draining the terminal
            int st = 0;
            if (::waitpid(m_pid, &st, WNOHANG) == m_pid) {
                m_pid = -1;
                return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
            }
        }
        return -1;
    }
    QByteArray seen() const { return m_seen; }

private:
    pid_t m_pid = -1;
    int m_master = -1;
    QByteArray m_seen;
};

} // namespace

class TstSandboxExec : public QObject {
    Q_OBJECT

    SandboxFixture m_sb;
    QString m_kubectl;
    std::string m_orderDb;
    std::string m_orderId;

    QProcessEnvironment env(bool websockets) const
    {
        QProcessEnvironment e = m_sb.environment();
        if (!websockets)
            e.insert(QStringLiteral("KUBECTL_REMOTE_COMMAND_WEBSOCKETS"), QStringLiteral("false"));
        return e;
    }

    KubectlResult kubectl(bool websockets, const QStringList &args, const QByteArray &input = {}) const
    {
        QProcess p;
        p.setProcessEnvironment(env(websockets));
        // -v=4: client-go logs a fallback from WebSocket to SPDY, which must never happen here.
        p.start(m_kubectl, m_sb.kubectlArgs(QStringList{QStringLiteral("-v=4")} + args));
        KubectlResult r;
        if (!p.waitForStarted(5000))
            return r;
        if (!input.isEmpty())
            p.write(input);
        p.closeWriteChannel();
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished(2000);
            r.err = "kubectl timed out";
            return r;
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }

    static void verifyNoFallback(const KubectlResult &r)
    {
        QVERIFY2(!r.errText().contains(QStringLiteral("fallback"), Qt::CaseInsensitive), r.err.constData());
    }

    void waitRunning(const QString &pod)
    {
        QVERIFY2(SandboxFixture::waitFor(
                     [&] {
                         return m_sb.kubectl({QStringLiteral("get"), QStringLiteral("pod"), pod, QStringLiteral("-o"),
                                              QStringLiteral("jsonpath={.status.phase}")})
                                    .text()
                                == QStringLiteral("Running");
                     },
                     30000),
                 qPrintable(pod + QStringLiteral(" is not Running")));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_kubectl = QStandardPaths::findExecutable(QStringLiteral("kubectl"));
        QVERIFY2(!m_kubectl.isEmpty(), "kubectl was not found on PATH");
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("psql")).isEmpty(),
                 "psql was not found on PATH (Debian package postgresql-client)");
        // An order in a database of its own, written the way orderlog-server writes it.
        const std::string conninfo = bc::test::createTestDatabase("exec_orders");
        m_orderDb = conninfo.substr(conninfo.rfind("dbname=") + 7);
        bc::orderlog::OrderStore store(conninfo);
        QVERIFY(bool(store.open()));
        bc::orderlog::OrderRecord order;
        m_orderId = "exec-order-" + std::to_string(::getpid());
        order.orderId = m_orderId;
        order.content = "order " + m_orderId;
        order.email = "someone@example.com";
        order.currencyCode = "USD";
        order.totalUnits = 42;
        QVERIFY(bool(store.insertBatch({order})));

        const QString admin = QString::fromStdString(bc::test::postgresAdminConninfo());
        const QRegularExpressionMatch port = QRegularExpression(QStringLiteral("port=(\\d+)")).match(admin);
        QVERIFY2(port.hasMatch(), qPrintable(admin));
        QString error;
        QVERIFY2(m_sb.start({QStringLiteral("--with-crds"), QStringLiteral("--pod-start-delay"), QStringLiteral("0.2"),
                             QStringLiteral("--no-storefront"), QStringLiteral("--postgres"),
                             QStringLiteral("127.0.0.1:") + port.captured(1)},
                            &error),
                 qPrintable(error));
        const QByteArray manifest =
            "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n"
            "  - name: app\n    image: nginx:1.27\n    env:\n    - {name: GREETING, value: hello from the spec}\n"
            "    - name: MY_NAMESPACE\n      valueFrom: {fieldRef: {fieldPath: metadata.namespace}}\n"
            "  - name: sidecar\n    image: busybox:1.36\n"
            "---\napiVersion: v1\nkind: Pod\nmetadata: {name: unpullable}\nspec:\n  containers:\n"
            "  - name: app\n    image: registry.invalid/nothing:1\n"
            "---\napiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: orders}\n"
            "spec:\n  instances: 1\n  storage: {size: 1Gi}\n";
        const auto applied = m_sb.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 30000,
                                          manifest);
        QVERIFY2(applied.ok(), applied.err.constData());
        waitRunning(QStringLiteral("web"));
        QVERIFY(SandboxFixture::waitFor(
            [&] { return m_sb.kubectl({QStringLiteral("get"), QStringLiteral("pod"), QStringLiteral("orders-1")}).ok(); },
            20000));
        waitRunning(QStringLiteral("orders-1"));
    }

    void exitCodeAndHostname_data()
    {
        QTest::addColumn<bool>("websockets");
        QTest::newRow("websocket v5") << true;
        QTest::newRow("spdy") << false;
    }
    void exitCodeAndHostname()
    {
        QFETCH(bool, websockets);
        const auto r = kubectl(websockets, {QStringLiteral("exec"), QStringLiteral("web"), QStringLiteral("-c"),
                                            QStringLiteral("app"), QStringLiteral("--"), QStringLiteral("sh"),
                                            QStringLiteral("-c"), QStringLiteral("echo $HOSTNAME; exit 3")});
        QCOMPARE(r.text(), QStringLiteral("web\n"));
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.errText().contains(QStringLiteral("command terminated with exit code 3")), r.err.constData());
        if (websockets)
            verifyNoFallback(r);
    }

    void podEnvironmentAndArgv_data() { exitCodeAndHostname_data(); }
    void podEnvironmentAndArgv()
    {
        QFETCH(bool, websockets);
        // argv reaches the process as given: the `;` and `$(...)` are printf's arguments, not shell.
        const auto r = kubectl(websockets, {QStringLiteral("exec"), QStringLiteral("web"), QStringLiteral("-c"),
                                            QStringLiteral("app"), QStringLiteral("--"), QStringLiteral("sh"),
                                            QStringLiteral("-c"),
                                            QStringLiteral("printf '%s|' \"$GREETING\" \"$MY_NAMESPACE\" "
                                                           "\"$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT\" "
                                                           "\"$(basename \"$PWD\")\" \"$1\" >&2; echo ok"),
                                            QStringLiteral("sh"), QStringLiteral("a; $(rm -rf x)")});
        QVERIFY2(r.ok(), r.err.constData());
        QCOMPARE(r.text(), QStringLiteral("ok\n"));
        QVERIFY2(r.errText().contains(QStringLiteral("hello from the spec|default|127.0.0.1:%1|app|a; $(rm -rf x)|")
                                          .arg(m_sb.port())),
                 r.err.constData());
        if (websockets)
            verifyNoFallback(r);
    }

    void psqlScriptOnStdin_data() { exitCodeAndHostname_data(); }
    void psqlScriptOnStdin()
    {
        QFETCH(bool, websockets);
        const auto r = kubectl(websockets,
                               {QStringLiteral("exec"), QStringLiteral("-i"), QStringLiteral("orders-1"),
                                QStringLiteral("--"), QStringLiteral("psql"), QStringLiteral("-tA")},
                               "SELECT 1;\n");
        QVERIFY2(r.ok(), r.err.constData());
        QCOMPARE(r.text(), QStringLiteral("1\n"));
        if (websockets)
            verifyNoFallback(r);
    }

    void interactivePsqlUnderTty_data() { exitCodeAndHostname_data(); }
    void interactivePsqlUnderTty()
    {
        QFETCH(bool, websockets);
        // The lab's way to read the order log: a shell in the instance pod, psql, \c, SELECT.
        PtyKubectl term;
        QVERIFY(term.start(m_kubectl,
                           m_sb.kubectlArgs({QStringLiteral("exec"), QStringLiteral("-it"), QStringLiteral("orders-1"),
                                             QStringLiteral("--"), QStringLiteral("/bin/sh")}),
                           env(websockets)));
        term.write("stty size; echo tty=$(tty)\n");
        QVERIFY2(term.waitFor(QRegularExpression(QStringLiteral("tty=/dev/pts/")), 30000), term.seen().constData());
        QVERIFY2(term.seen().contains("40 120"), term.seen().constData()); // kubectl sent our terminal's size
        term.write("psql\n");
        QVERIFY2(term.waitFor(QRegularExpression(QStringLiteral("postgres=#")), 20000), term.seen().constData());
        term.write("\\c " + QByteArray::fromStdString(m_orderDb) + "\n");
        QVERIFY2(term.waitFor(QRegularExpression(QStringLiteral("You are now connected to database")), 20000),
                 term.seen().constData());
        term.write("SELECT order_id, total_units FROM logs;\n");
        QVERIFY2(term.waitFor(QRegularExpression(QString::fromStdString(m_orderId) + QStringLiteral(".*42")), 20000),
                 term.seen().constData());
        term.write("\\q\n");
        term.write("exit 5\n");
        QCOMPARE(term.wait(20000), 5);
    }

    void errorsReadLikeAClusters()
    {
        auto r = m_sb.kubectl({QStringLiteral("exec"), QStringLiteral("web"), QStringLiteral("-c"),
                               QStringLiteral("nope"), QStringLiteral("--"), QStringLiteral("true")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.errText().contains(QStringLiteral("container nope is not valid for pod web")), r.err.constData());

        r = m_sb.kubectl({QStringLiteral("exec"), QStringLiteral("unpullable"), QStringLiteral("--"),
                          QStringLiteral("true")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.errText().contains(QStringLiteral("unable to upgrade connection: container not found (\"app\")")),
                 r.err.constData());

        r = m_sb.kubectl({QStringLiteral("exec"), QStringLiteral("web"), QStringLiteral("-c"), QStringLiteral("app"),
                          QStringLiteral("--"), QStringLiteral("no-such-program")});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.errText().contains(QStringLiteral("executable file not found in $PATH")), r.err.constData());

        r = m_sb.kubectl({QStringLiteral("exec"), QStringLiteral("ghost"), QStringLiteral("--"), QStringLiteral("true")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.errText().contains(QStringLiteral("pods \"ghost\" not found")), r.err.constData());
    }

    void killedKubectlLeavesNoProcess_data() { exitCodeAndHostname_data(); }
    void killedKubectlLeavesNoProcess()
    {
        QFETCH(bool, websockets);
        QProcess p;
        p.setProcessEnvironment(env(websockets));
        // The shell and a child of it (its process group): both must go with the session.
        p.start(m_kubectl, m_sb.kubectlArgs({QStringLiteral("exec"), QStringLiteral("-i"), QStringLiteral("web"),
                                             QStringLiteral("-c"), QStringLiteral("app"), QStringLiteral("--"),
                                             QStringLiteral("sh"), QStringLiteral("-c"),
                                             QStringLiteral("sleep 600 & echo $$ $!; wait")}));
        QVERIFY(p.waitForStarted(5000));
        QVERIFY(SandboxFixture::waitFor([&] { return p.canReadLine(); }, 30000));
        const QStringList pids = QString::fromUtf8(p.readLine()).trimmed().split(u' ');
        QCOMPARE(pids.size(), 2);
        const qint64 shell = pids[0].toLongLong(), sleeper = pids[1].toLongLong();
        QVERIFY(processExists(shell));
        QVERIFY(processExists(sleeper));
        ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(5000));
        QVERIFY2(SandboxFixture::waitFor([&] { return !processExists(shell) && !processExists(sleeper); }, 20000),
                 "the command's processes outlived kubectl");
        QVERIFY(m_sb.running());
    }

    void cleanupTestCase() { m_sb.stop(); }
};

QTEST_GUILESS_MAIN(TstSandboxExec)
#include "tst_sandbox_exec.moc"
