// `kubectl port-forward` (the real kubectl 1.32) through the sandbox: pods annotated with
// sandbox.boutique.dev/port-forward relay to a TCP server of this test on 127.0.0.1, over the
// WebSocket tunnel (kubectl's default) and the classic SPDY upgrade
// (KUBECTL_PORT_FORWARD_WEBSOCKETS=false); errors read like the kubelet's; the CNPG stand-in.

#include "sandbox_fixture.h"

#include <QTcpServer>
#include <QTcpSocket>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <mutex>
#include <thread>
#include <vector>

using bc::test::SandboxFixture;

namespace {

// A loopback TCP server on its own thread: answers every byte upper-cased; a connection that
// sends "bye" is closed by the server. Counts the connections it saw end.
class UpperCaseServer {
public:
    UpperCaseServer()
    {
        m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof(addr);
        if (::bind(m_listen, reinterpret_cast<sockaddr *>(&addr), len) != 0 || ::listen(m_listen, 64) != 0
            || getsockname(m_listen, reinterpret_cast<sockaddr *>(&addr), &len) != 0)
            return;
        m_port = ntohs(addr.sin_port);
        m_thread = std::thread([this] { run(); });
    }
    ~UpperCaseServer()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        for (auto &t : m_workers)
            t.join();
        ::close(m_listen);
    }
    int port() const { return m_port; }
    int ended() const { return m_ended; }

private:
    void run()
    {
        while (!m_stop) {
            pollfd p{m_listen, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0)
                continue;
            const int fd = ::accept(m_listen, nullptr, nullptr);
            if (fd >= 0)
                m_workers.emplace_back([this, fd] { serve(fd); });
        }
    }
    void serve(int fd)
    {
        std::string tail;
        char buf[16384];
        while (!m_stop) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0)
                continue;
            const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
            if (n <= 0)
                break;
            for (ssize_t i = 0; i < n; ++i)
                buf[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(buf[i])));
            if (::send(fd, buf, static_cast<size_t>(n), MSG_NOSIGNAL) != n)
                break;
            tail = (tail + std::string(buf, static_cast<size_t>(n)));
            tail = tail.substr(tail.size() > 3 ? tail.size() - 3 : 0);
            if (tail == "BYE")
                break;
        }
        ::close(fd);
        ++m_ended;
    }

    int m_listen = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_ended{0};
    std::thread m_thread;
    std::vector<std::thread> m_workers;
};

QByteArray exchange(QTcpSocket &socket, const QByteArray &data)
{
    socket.write(data);
    QByteArray got;
    QDeadlineTimer deadline(15000);
    while (got.size() < data.size() && !deadline.hasExpired())
        if (socket.waitForReadyRead(200))
            got += socket.readAll();
    return got;
}

// waitForFinished() is false for a process that already ended (e.g. while a QTRY spun the event loop).
bool ends(QProcess &process, int ms)
{
    return process.state() == QProcess::NotRunning || process.waitForFinished(ms);
}

} // namespace

class TstSandboxPortForward : public QObject {
    Q_OBJECT

    SandboxFixture m_sb;
    UpperCaseServer m_server;

    QString podYaml(const QString &name, const QString &annotation, const QString &extraSpec = {}) const
    {
        return QStringLiteral("apiVersion: v1\nkind: Pod\nmetadata:\n  name: %1\n  labels: {app: %1}\n"
                              "  annotations:\n    sandbox.boutique.dev/port-forward: \"%2\"\n"
                              "spec:\n  containers:\n  - name: main\n    image: busybox\n"
                              "    ports: [{containerPort: 7000}]\n%3")
            .arg(name, annotation, extraSpec);
    }

    // Starts `kubectl port-forward`; returns it once it prints "Forwarding from", else null.
    std::unique_ptr<QProcess> forward(const QString &what, int localPort, int remotePort, bool websockets,
                                      QByteArray *output = nullptr)
    {
        auto p = std::make_unique<QProcess>();
        QProcessEnvironment env = m_sb.environment();
        if (!websockets)
            env.insert(QStringLiteral("KUBECTL_PORT_FORWARD_WEBSOCKETS"), QStringLiteral("false"));
        p->setProcessEnvironment(env);
        p->setProcessChannelMode(QProcess::MergedChannels);
        p->start(QStandardPaths::findExecutable(QStringLiteral("kubectl")),
                 m_sb.kubectlArgs({QStringLiteral("port-forward"), QStringLiteral("--address"),
                                   QStringLiteral("127.0.0.1"), what,
                                   QStringLiteral("%1:%2").arg(localPort).arg(remotePort)}));
        QByteArray out;
        QDeadlineTimer deadline(20000);
        while (!out.contains("Forwarding from") && !deadline.hasExpired() && p->state() != QProcess::NotRunning)
            if (p->waitForReadyRead(100))
                out += p->readAll();
        if (output)
            *output = out + p->readAll();
        if (!out.contains("Forwarding from")) {
            qWarning() << "kubectl port-forward did not start:" << out;
            return nullptr;
        }
        return p;
    }

    static int freePort()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        return probe.serverPort();
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
                     20000),
                 qPrintable(pod + QStringLiteral(" is not Running")));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_server.port() > 0);
        QString error;
        QVERIFY2(m_sb.start({QStringLiteral("--with-crds"), QStringLiteral("--pod-start-delay"), QStringLiteral("0.2"),
                             QStringLiteral("--no-storefront"), QStringLiteral("--postgres"),
                             QStringLiteral("127.0.0.1:%1").arg(m_server.port())},
                            &error),
                 qPrintable(error));
        const QString target = QStringLiteral("127.0.0.1:%1").arg(m_server.port());
        const QString manifest =
            podYaml(QStringLiteral("echo"), QStringLiteral("7000=%1,7001=127.0.0.1:1,7002=10.1.2.3:80").arg(target))
            + QStringLiteral("---\napiVersion: v1\nkind: Service\nmetadata: {name: echo}\n"
                             "spec:\n  selector: {app: echo}\n  ports: [{port: 80, targetPort: 7000}]\n");
        const auto applied = m_sb.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 30000,
                                          manifest.toUtf8());
        QVERIFY2(applied.ok(), applied.err.constData());
        waitRunning(QStringLiteral("echo"));
    }

    void carriesBytesBothWays_data()
    {
        QTest::addColumn<bool>("websockets");
        QTest::addColumn<QString>("what");
        QTest::addColumn<int>("remotePort");
        QTest::newRow("pod, websocket tunnel") << true << QStringLiteral("pod/echo") << 7000;
        QTest::newRow("pod, classic SPDY") << false << QStringLiteral("pod/echo") << 7000;
        QTest::newRow("service, websocket tunnel") << true << QStringLiteral("svc/echo") << 80;
        QTest::newRow("service, classic SPDY") << false << QStringLiteral("svc/echo") << 80;
    }

    void carriesBytesBothWays()
    {
        QFETCH(bool, websockets);
        QFETCH(QString, what);
        QFETCH(int, remotePort);
        const int local = freePort();
        auto kubectl = forward(what, local, remotePort, websockets);
        QVERIFY(kubectl);
        // Several connections at once, each with its own payload, larger than one SPDY data frame.
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        for (int i = 0; i < 4; ++i) {
            sockets.push_back(std::make_unique<QTcpSocket>());
            sockets.back()->connectToHost(QHostAddress::LocalHost, static_cast<quint16>(local));
            QVERIFY(sockets.back()->waitForConnected(5000));
        }
        for (int i = 0; i < 4; ++i) {
            const QByteArray payload = QByteArray("connection-%1;").replace("%1", QByteArray::number(i)).repeated(8000);
            QCOMPARE(exchange(*sockets[i], payload), payload.toUpper());
        }
        // The target ends one connection: kubectl's local connection ends too.
        const int endedBefore = m_server.ended();
        QCOMPARE(exchange(*sockets[0], "bye"), QByteArray("BYE"));
        QTRY_VERIFY_WITH_TIMEOUT(sockets[0]->state() == QAbstractSocket::UnconnectedState, 10000);
        // The client ends the others: the sandbox closes its connections to the target.
        for (int i = 1; i < 4; ++i)
            sockets[i]->disconnectFromHost();
        QTRY_VERIFY_WITH_TIMEOUT(m_server.ended() >= endedBefore + 4, 10000);
        // The forward still serves new connections.
        QTcpSocket again;
        again.connectToHost(QHostAddress::LocalHost, static_cast<quint16>(local));
        QVERIFY(again.waitForConnected(5000));
        QCOMPARE(exchange(again, "still there"), QByteArray("STILL THERE"));
        kubectl->terminate();
        QVERIFY(ends(*kubectl, 5000));
    }

    void unmappedPortGivesTheKubeletError_data()
    {
        QTest::addColumn<int>("remotePort");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no mapping") << 7005 << QStringLiteral("the sandbox maps no address to port 7005");
        QTest::newRow("nothing listening") << 7001 << QStringLiteral("dial tcp 127.0.0.1:1: connect: connection refused");
        QTest::newRow("not loopback") << 7002 << QStringLiteral("only to loopback addresses, not 10.1.2.3");
    }

    void unmappedPortGivesTheKubeletError()
    {
        QFETCH(int, remotePort);
        QFETCH(QString, expected);
        const int local = freePort();
        auto kubectl = forward(QStringLiteral("pod/echo"), local, remotePort, true);
        QVERIFY(kubectl);
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, static_cast<quint16>(local));
        QVERIFY(socket.waitForConnected(5000));
        socket.write("hello");
        // kubectl prints the error stream's text and, since 1.29, ends the whole forward.
        QVERIFY(ends(*kubectl, 15000));
        const QString out = QString::fromUtf8(kubectl->readAll());
        const QString uid = m_sb.kubectl({QStringLiteral("get"), QStringLiteral("pod"), QStringLiteral("echo"),
                                         QStringLiteral("-o"), QStringLiteral("jsonpath={.metadata.uid}")})
                                .text();
        QVERIFY2(out.contains(QStringLiteral("error forwarding port %1 to pod %2, uid : ").arg(remotePort).arg(uid)),
                 qPrintable(out));
        QVERIFY2(out.contains(expected), qPrintable(out));
        QVERIFY(m_sb.running());
        QVERIFY(m_sb.kubectl({QStringLiteral("get"), QStringLiteral("pods")}).ok());
    }

    void podNotRunningIsRefused()
    {
        const auto applied = m_sb.kubectl(
            {QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 30000,
            podYaml(QStringLiteral("too-big"), QStringLiteral("7000=127.0.0.1:%1").arg(m_server.port()),
                    QStringLiteral("    resources: {requests: {cpu: \"500\"}}\n"))
                .toUtf8());
        QVERIFY2(applied.ok(), applied.err.constData());
        QByteArray out;
        auto kubectl = forward(QStringLiteral("pod/too-big"), freePort(), 7000, true, &out);
        QVERIFY(!kubectl);
        QVERIFY2(out.contains("unable to forward port because pod is not running. Current status=Pending"),
                 out.constData());
    }

    void cnpgClusterGetsServicesPodsAndStatus()
    {
        const QByteArray cluster = "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: pgdemo}\n"
                                   "spec:\n  instances: 2\n  storage: {size: 1Gi}\n";
        const auto applied = m_sb.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 30000,
                                          cluster);
        QVERIFY2(applied.ok(), applied.err.constData());
        QVERIFY(SandboxFixture::waitFor(
            [&] {
                return m_sb.json({QStringLiteral("get"), QStringLiteral("clusters.postgresql.cnpg.io"),
                                  QStringLiteral("pgdemo")})
                           .value(QStringLiteral("status"))[QStringLiteral("phase")]
                           .toString()
                       == QStringLiteral("Cluster in healthy state");
            },
            20000));
        const QJsonObject status = m_sb.json({QStringLiteral("get"), QStringLiteral("clusters.postgresql.cnpg.io"),
                                              QStringLiteral("pgdemo")})
                                       .value(QStringLiteral("status"))
                                       .toObject();
        QCOMPARE(status.value(QStringLiteral("instances")).toInt(), 2);
        QCOMPARE(status.value(QStringLiteral("readyInstances")).toInt(), 2);
        QCOMPARE(status.value(QStringLiteral("currentPrimary")).toString(), QStringLiteral("pgdemo-1"));
        for (const char *svc : {"pgdemo-rw", "pgdemo-ro", "pgdemo-r"}) {
            const QJsonObject s = m_sb.json({QStringLiteral("get"), QStringLiteral("svc"), QString::fromLatin1(svc)});
            QCOMPARE(s.value(QStringLiteral("spec"))[QStringLiteral("ports")][0][QStringLiteral("port")].toInt(), 5432);
            QCOMPARE(s.value(QStringLiteral("spec"))[QStringLiteral("selector")][QStringLiteral("cnpg.io/cluster")]
                         .toString(),
                     QStringLiteral("pgdemo"));
        }
        QCOMPARE(m_sb.json({QStringLiteral("get"), QStringLiteral("svc"), QStringLiteral("pgdemo-rw")})
                     .value(QStringLiteral("spec"))[QStringLiteral("selector")][QStringLiteral("role")]
                     .toString(),
                 QStringLiteral("primary"));
        const QJsonObject primary = m_sb.json({QStringLiteral("get"), QStringLiteral("pod"), QStringLiteral("pgdemo-1")});
        const QJsonObject labels = primary.value(QStringLiteral("metadata"))[QStringLiteral("labels")].toObject();
        QCOMPARE(labels.value(QStringLiteral("cnpg.io/instanceRole")).toString(), QStringLiteral("primary"));
        QCOMPARE(labels.value(QStringLiteral("cnpg.io/instanceName")).toString(), QStringLiteral("pgdemo-1"));
        QCOMPARE(m_sb.json({QStringLiteral("get"), QStringLiteral("pod"), QStringLiteral("pgdemo-2")})
                     .value(QStringLiteral("metadata"))[QStringLiteral("labels")][QStringLiteral("role")]
                     .toString(),
                 QStringLiteral("replica"));

        // --postgres: port 5432 of the instances leads to that address (here this test's server).
        const int local = freePort();
        auto kubectl = forward(QStringLiteral("svc/pgdemo-rw"), local, 5432, false);
        QVERIFY(kubectl);
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, static_cast<quint16>(local));
        QVERIFY(socket.waitForConnected(5000));
        QCOMPARE(exchange(socket, "select 1"), QByteArray("SELECT 1"));
        kubectl->terminate();
        kubectl->waitForFinished(5000);

        // Owned by the Cluster: deleting it removes pods and services.
        QVERIFY(m_sb.kubectl({QStringLiteral("delete"), QStringLiteral("clusters.postgresql.cnpg.io"),
                              QStringLiteral("pgdemo"), QStringLiteral("--wait=false")})
                    .ok());
        QVERIFY(SandboxFixture::waitFor(
            [&] {
                const auto pods = m_sb.kubectl({QStringLiteral("get"), QStringLiteral("pods,svc"), QStringLiteral("-l"),
                                                QStringLiteral("cnpg.io/cluster=pgdemo"), QStringLiteral("-o"),
                                                QStringLiteral("name")});
                return pods.ok() && pods.out.trimmed().isEmpty();
            },
            30000));
    }

    // Last: stopping the sandbox ends the forwards it serves, without hanging.
    void sandboxShutdownEndsForwards()
    {
        const int local = freePort();
        auto kubectl = forward(QStringLiteral("pod/echo"), local, 7000, true);
        QVERIFY(kubectl);
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, static_cast<quint16>(local));
        QVERIFY(socket.waitForConnected(5000));
        QCOMPARE(exchange(socket, "open"), QByteArray("OPEN"));
        QElapsedTimer timer;
        timer.start();
        ::kill(static_cast<pid_t>(m_sb.pid()), SIGTERM);
        QVERIFY(SandboxFixture::waitFor([&] { return !m_sb.running(); }, 5000));
        QVERIFY2(timer.elapsed() < 5000, "the sandbox took too long to stop");
        QVERIFY(ends(*kubectl, 10000)); // kubectl: "lost connection to pod"
        QTRY_VERIFY_WITH_TIMEOUT(socket.state() == QAbstractSocket::UnconnectedState, 10000);
    }
};

QTEST_GUILESS_MAIN(TstSandboxPortForward)
#include "tst_sandbox_port_forward.moc"
