// LocustClient and LoadSession (attach mode) against a tiny in-test HTTP server that plays a Locust
// master: bad bodies, HTTP errors, a restart, a vanished master. The happy path against real Locust
// is tst_locust_runner.
#include "backend/load/load_session.h"
#include "backend/load/locust_client.h"
#include "backend/load/run_store.h"
#include "backend/process/run_context.h"

#include <QFile>
#include <QHostAddress>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace bc;

namespace {

QByteArray captured(const QString &name)
{
    QFile f(QStringLiteral(BC_SOURCE_DIR "/tests/backend/load/tst_locust_stats_data/") + name + u".json"_s);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

struct Reply
{
    int status = 200;
    QByteArray body;
};

// One request per connection, answered by `route(method, path, body)`.
class FakeMaster : public QObject
{
public:
    std::function<Reply(const QByteArray &, const QByteArray &, const QByteArray &)> route;
    QList<QByteArray> requests; // "METHOD /path body"

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    void close() { m_server.close(); }
    QUrl url() const { return QUrl(u"http://127.0.0.1:%1"_s.arg(m_server.serverPort())); }

    FakeMaster()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, this, [this, s] { onData(s); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }

private:
    void onData(QTcpSocket *s)
    {
        QByteArray &buf = m_buffers[s];
        buf += s->readAll();
        const qsizetype end = buf.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QByteArray head = buf.left(end);
        qsizetype length = 0;
        for (const QByteArray &line : head.split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        if (buf.size() < end + 4 + length)
            return;
        const QList<QByteArray> first = head.left(head.indexOf('\r')).split(' ');
        const QByteArray body = buf.mid(end + 4, length);
        m_buffers.remove(s);
        requests.append(first.value(0) + ' ' + first.value(1) + ' ' + body);
        const Reply r = route(first.value(0), first.value(1), body);
        s->write("HTTP/1.1 " + QByteArray::number(r.status) + " X\r\nContent-Type: application/json\r\nContent-Length: " +
                 QByteArray::number(r.body.size()) + "\r\nConnection: close\r\n\r\n" + r.body);
        s->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace

class TstLocustClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void unreachableMaster();
    void swarmSendsFormAndReportsRefusal();
    void restartAndMissingWorkers();
    void rampStepsInOrder();
    void sessionKeepsHistoryThroughBadBodiesAndOutage();
};

void TstLocustClient::unreachableMaster()
{
    QTcpServer reserve; // a port nobody answers on
    QVERIFY(reserve.listen(QHostAddress::LocalHost, 0));
    const quint16 port = reserve.serverPort();
    reserve.close();

    LocustClient client;
    QSignalSpy conn(&client, &LocustClient::connectionChanged);
    QSignalSpy swarm(&client, &LocustClient::swarmFinished);
    client.setBaseUrl(QUrl(u"http://127.0.0.1:%1"_s.arg(port)));
    client.setPollInterval(100ms);
    client.startPolling();
    QVERIFY(conn.wait(5000));
    QCOMPARE(client.connection(), LocustClient::Connection::Unreachable);
    QVERIFY2(client.connectionMessage().contains(u"not reachable"_s), qPrintable(client.connectionMessage()));
    QVERIFY(client.isPolling()); // keeps trying
    client.swarm(10, 1, u"http://127.0.0.1:8080"_s);
    QVERIFY(swarm.wait(5000));
    const Status s = swarm.first().first().value<Status>();
    QVERIFY(!s);
    QCOMPARE(s.error().kind, Error::Kind::Unavailable);
    QVERIFY(!client.lastSnapshot().has_value());
}

void TstLocustClient::swarmSendsFormAndReportsRefusal()
{
    FakeMaster master;
    int calls = 0;
    master.route = [&](const QByteArray &, const QByteArray &path, const QByteArray &) -> Reply {
        ++calls;
        if (path == "/swarm" && calls == 1)
            return {200, R"({"host": "http://127.0.0.1:8080", "message": "Swarming started", "success": true})"};
        if (path == "/swarm" && calls == 2)
            return {200, R"({"success": false, "message": "Valid run_time formats are : 20, 20s"})"};
        return {500, "<h1>Internal Server Error</h1>"};
    };
    QVERIFY(master.listen());
    LocustClient client;
    client.setBaseUrl(master.url());
    QSignalSpy swarm(&client, &LocustClient::swarmFinished);

    client.swarm(5, 2.5, u"http://127.0.0.1:8080"_s);
    QVERIFY(swarm.wait(5000));
    QVERIFY(swarm.takeFirst().first().value<Status>());
    QCOMPARE(master.requests.first(),
             QByteArray("POST /swarm user_count=5&spawn_rate=2.5&host=http%3A%2F%2F127.0.0.1%3A8080"));
    QCOMPARE(client.targetUsers(), 5);

    client.setUsers(7); // same rate and host
    QVERIFY(swarm.wait(5000));
    const Status refused = swarm.takeFirst().first().value<Status>();
    QVERIFY(!refused);
    QVERIFY(refused.error().message.contains(u"Valid run_time formats"_s));
    QCOMPARE(master.requests.last(), QByteArray("POST /swarm user_count=7&spawn_rate=2.5&host=http%3A%2F%2F127.0.0.1%3A8080"));

    client.swarm(1, 1);
    QVERIFY(swarm.wait(5000));
    const Status http500 = swarm.takeFirst().first().value<Status>();
    QVERIFY(!http500);
    QVERIFY2(http500.error().message.contains(u"HTTP 500"_s), qPrintable(http500.error().message));
}

void TstLocustClient::restartAndMissingWorkers()
{
    FakeMaster master;
    QList<QByteArray> bodies{captured(u"running"_s), captured(u"missing"_s), captured(u"running"_s)};
    master.route = [&](const QByteArray &, const QByteArray &path, const QByteArray &) -> Reply {
        if (path == "/stats/requests/csv") // p95 per endpoint comes from Locust's CSV download
            return {200, "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response "
                         "Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,"
                         "99%,99.9%,99.99%,100%\r\nGET,/,36,0,5,5.1,0,20,3.0,1.5,0.0,5,6,6,7,8,16,20,20,20,20,20\r\n"};
        return {200, bodies.size() > 1 ? bodies.takeFirst() : bodies.first()};
    };
    QVERIFY(master.listen());
    LocustClient client;
    client.setBaseUrl(master.url());
    QSignalSpy snaps(&client, &LocustClient::snapshotReceived);
    QSignalSpy missing(&client, &LocustClient::workersMissing);
    QSignalSpy restarted(&client, &LocustClient::masterRestarted);
    client.pollNow();
    QVERIFY(snaps.wait(5000));
    QCOMPARE(client.connection(), LocustClient::Connection::Ok);
    QCOMPARE(client.lastSnapshot()->endpoints.first().p95Ms, std::optional<double>(16));
    QVERIFY(!client.lastSnapshot()->total.p95Ms.has_value()); // no Aggregated row in that CSV
    client.pollNow();
    QVERIFY(snaps.wait(5000));
    QCOMPARE(missing.size(), 1);
    QCOMPARE(missing.first().first().toStringList(), QStringList{u"vm_ff69b8edbcad4ad3b7f0cfce8333213e"_s});
    QCOMPARE(restarted.size(), 0);
    client.pollNow(); // 137 -> 97 requests: the counters went backwards
    QVERIFY(snaps.wait(5000));
    QCOMPARE(restarted.size(), 1);
    QCOMPARE(client.lastSnapshot()->total.numRequests, qint64(97));
}

void TstLocustClient::rampStepsInOrder()
{
    FakeMaster master;
    master.route = [](const QByteArray &, const QByteArray &, const QByteArray &) -> Reply {
        return {200, R"({"message": "Swarming started", "success": true})"};
    };
    QVERIFY(master.listen());
    LocustClient client;
    client.setBaseUrl(master.url());
    QSignalSpy steps(&client, &LocustClient::rampStepped);
    QSignalSpy done(&client, &LocustClient::rampFinished);
    client.startRamp(parseRampSpec(u"2:4:1:1s"_s).value(), 10, u"http://127.0.0.1:8080"_s);
    QVERIFY(client.isRamping());
    QVERIFY(done.wait(5000));
    QCOMPARE(steps.size(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(master.requests.size(), 3, 5000);
    for (int i = 0; i < 3; ++i)
        QVERIFY2(master.requests[i].startsWith("POST /swarm user_count=" + QByteArray::number(i + 2) + "&spawn_rate=10"),
                 master.requests[i].constData());
    QVERIFY(!client.isRamping());
}

void TstLocustClient::sessionKeepsHistoryThroughBadBodiesAndOutage()
{
    FakeMaster master;
    int statsCalls = 0;
    master.route = [&](const QByteArray &, const QByteArray &path, const QByteArray &) -> Reply {
        if (path == "/swarm")
            return {200, R"({"message": "Swarming started", "success": true})"};
        if (path == "/stats/requests") {
            ++statsCalls;
            if (statsCalls <= 2)
                return {200, captured(u"running"_s)};
            return {200, R"({"state": "running", "stats": [{"name": "/", "method)"}; // cut off mid-body
        }
        return {404, "not found"};
    };
    QVERIFY(master.listen());

    QTemporaryDir out;
    RunContext context;
    LoadSession session(&context);
    session.client()->setPollInterval(150ms);
    QSignalSpy problems(&session, &LoadSession::problem);
    QSignalSpy finished(&session, &LoadSession::finished);
    LoadRunSettings settings;
    settings.attachUrl = master.url();
    settings.host = u"http://127.0.0.1:8080"_s;
    settings.users = 10;
    settings.spawnRate = 5;
    settings.duration = 3s;
    QVERIFY(session.start(settings, out.filePath(u"run"_s)));

    QTRY_COMPARE_WITH_TIMEOUT(session.client()->connection(), LocustClient::Connection::BadResponse, 5000);
    QVERIFY2(session.client()->connectionMessage().contains(u"cannot read"_s),
             qPrintable(session.client()->connectionMessage()));
    QCOMPARE(session.history().samples().size(), 2); // the good ones stay
    master.close();                                    // the master goes away entirely
    QTRY_COMPARE_WITH_TIMEOUT(session.client()->connection(), LocustClient::Connection::Unreachable, 5000);
    QCOMPARE(session.phase(), LoadSession::Phase::Running);

    QVERIFY(finished.wait(10000));
    QVERIFY(finished.first().first().value<Status>()); // the run ended on time; outages were problems
    bool sawInvalid = false, sawUnavailable = false;
    for (const QList<QVariant> &p : std::as_const(problems)) {
        const Error e = p.first().value<Error>();
        sawInvalid |= e.kind == Error::Kind::Invalid;
        sawUnavailable |= e.kind == Error::Kind::Unavailable;
    }
    QVERIFY(sawInvalid && sawUnavailable);
    QCOMPARE(session.history().samples().size(), 2);

    RunFolder folder(out.filePath(u"run"_s));
    QCOMPARE(folder.readHistory().value().size(), 2);
    QVERIFY(folder.readSettings().value().outcome == u"completed"_s);
    QVERIFY(QFile::exists(folder.path(u"report.html"_s)));
    QVERIFY(QFile::exists(folder.path(u"locust_stats.csv"_s))); // generated from the last good snapshot
    QFile stats(folder.path(u"locust_stats.csv"_s));
    QVERIFY(stats.open(QIODevice::ReadOnly));
    QVERIFY(stats.readAll().contains(",Aggregated,97,0,"));
}

QTEST_GUILESS_MAIN(TstLocustClient)
#include "tst_locust_client.moc"
