// orderlog-server when things go wrong underneath it: PostgreSQL killed and restarted during a
// stream of Logs, and SIGTERM to the server during a stream. In both, every entry the server
// acknowledged must be in the table afterwards, exactly once.

#include "tests/orderlog/orderlog_client.h"
#include "tests/orderlog/raw_call.h"
#include "tests/orderlog/server_process.h"
#include "tests/support/pg_test_db.h"

#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <atomic>
#include <fstream>
#include <set>
#include <thread>

using namespace std::chrono_literals;

namespace {

// N client threads, each logging orders "<prefix>-<thread>-<n>" one after another.
class Streams
{
public:
    Streams(std::shared_ptr<grpc::Channel> channel, std::string prefix, int threads, bool retry)
        : m_channel(std::move(channel))
        , m_prefix(std::move(prefix))
        , m_retry(retry)
    {
        for (int t = 0; t < threads; ++t)
            m_threads.emplace_back([this, t] { run(t); });
    }
    ~Streams() { stop(); }

    void stop()
    {
        m_stop = true;
        for (auto &t : m_threads) {
            if (t.joinable())
                t.join();
        }
    }

    // Waits until `pred(acked, failed)` holds, or the timeout passes.
    template <typename Pred> bool waitFor(Pred pred, std::chrono::milliseconds timeout)
    {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, timeout, [&] { return pred(m_acked.size(), m_failed); });
    }

    std::set<std::string> acked()
    {
        std::lock_guard lock(m_mutex);
        return m_acked;
    }
    long failed()
    {
        std::lock_guard lock(m_mutex);
        return m_failed;
    }
    std::set<grpc::StatusCode> failureCodes()
    {
        std::lock_guard lock(m_mutex);
        return m_codes;
    }

private:
    void run(int t)
    {
        auto stub = orderlog::Logger::NewStub(m_channel);
        int n = 0;
        while (!m_stop) {
            const std::string id = m_prefix + "-" + std::to_string(t) + "-" + std::to_string(n);
            orderlog::Reply reply;
            const grpc::Status s = bc::test::logOnce(*stub, bc::test::orderEntry(id), &reply, 5s);
            {
                std::lock_guard lock(m_mutex);
                if (s.ok() && reply.ok()) {
                    m_acked.insert(id);
                    ++n;
                } else {
                    ++m_failed;
                    m_codes.insert(s.error_code());
                }
            }
            m_changed.notify_all();
            if (!s.ok() && !m_retry)
                return;
        }
    }

    std::shared_ptr<grpc::Channel> m_channel;
    std::string m_prefix;
    bool m_retry;
    std::atomic<bool> m_stop {false};
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::set<std::string> m_acked;
    long m_failed = 0;
    std::set<grpc::StatusCode> m_codes;
    std::vector<std::thread> m_threads;
};

// grpc.health.v1 status of orderlog.Logger: 1 SERVING, 2 NOT_SERVING, -1 on error.
int loggerHealth(const std::shared_ptr<grpc::Channel> &channel)
{
    const std::string service = "orderlog.Logger";
    std::string response;
    const grpc::Status s = bc::test::rawUnaryCall(channel, "/grpc.health.v1.Health/Check",
        std::string("\x0a", 1) + char(service.size()) + service, &response);
    if (!s.ok())
        return -1;
    return response.size() == 2 && response[0] == '\x08' ? response[1] : 0;
}

bool runFixture(const QString &command, const QString &stateDir)
{
    const QByteArray script = qgetenv("BC_PG_FIXTURE");
    if (script.isEmpty())
        return false;
    QProcess p;
    p.start(QString::fromUtf8(script), {command, stateDir});
    if (!p.waitForFinished(60000) || p.exitCode() != 0) {
        qWarning("pg_fixture.sh %s failed: %s", qPrintable(command), p.readAllStandardError().constData());
        return false;
    }
    return true;
}

// A PostgreSQL of the test's own (stopping the shared fixture would break tests running beside
// us), stopped and deleted when it goes out of scope.
class PrivatePostgres
{
public:
    bool start()
    {
        if (!m_state.isValid() || !runFixture(QStringLiteral("start"), m_state.path()))
            return false;
        m_started = true;
        std::ifstream in((m_state.path() + QStringLiteral("/conninfo")).toStdString());
        std::getline(in, m_conninfo);
        return !m_conninfo.empty();
    }
    ~PrivatePostgres()
    {
        if (m_started)
            runFixture(QStringLiteral("stop"), m_state.path());
    }
    bool pause() { return runFixture(QStringLiteral("pause"), m_state.path()); } // -m immediate
    bool resume() { return runFixture(QStringLiteral("resume"), m_state.path()); }
    const std::string &conninfo() const { return m_conninfo; }

private:
    QTemporaryDir m_state;
    bool m_started = false;
    std::string m_conninfo;
};

// Every id in `ids` is stored exactly once.
void verifyStoredOnce(
    const std::string &conninfo, const std::set<std::string> &ids, const std::string &prefix)
{
    pqxx::connection c(conninfo);
    pqxx::read_transaction tx(c);
    std::set<std::string> stored;
    long long rows = 0;
    for (const auto &row :
        tx.exec_params("SELECT order_id FROM logs WHERE order_id LIKE $1", prefix + "-%")) {
        stored.insert(row[0].c_str());
        ++rows;
    }
    QCOMPARE(rows, static_cast<long long>(stored.size())); // no duplicates
    std::vector<std::string> missing;
    for (const auto &id : ids) {
        if (!stored.count(id))
            missing.push_back(id);
    }
    QVERIFY2(missing.empty(),
        ("acknowledged but not stored: " + std::to_string(missing.size()) + ", e.g. "
            + (missing.empty() ? std::string() : missing.front()))
            .c_str());
}

} // namespace

class TstOrderlogResilience : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void postgresRestartLosesNoAck();
    void sigtermDrainsInFlight();
    void startsWhileDatabaseDown();
};

void TstOrderlogResilience::postgresRestartLosesNoAck()
{
    PrivatePostgres pg;
    QVERIFY2(pg.start(), "could not start a private PostgreSQL");
    const std::string conninfo = pg.conninfo();

    bc::test::ServerProcess server;
    QVERIFY2(server.start(conninfo), qPrintable(server.errorOutput()));
    Streams streams(bc::test::channelTo(server.address()), "restart", 16, /*retry=*/true);
    QVERIFY(streams.waitFor([](std::size_t acked, long) { return acked >= 300; }, 30s));

    const auto channel = bc::test::channelTo(server.address());
    QCOMPARE(loggerHealth(channel), 1);
    QVERIFY(pg.pause()); // pg_ctl stop -m immediate
    QVERIFY(streams.waitFor([](std::size_t, long failed) { return failed >= 16; }, 30s));
    QTRY_COMPARE_WITH_TIMEOUT(loggerHealth(channel), 2, 10000); // readiness: NOT_SERVING
    const std::size_t ackedWhileDown = streams.acked().size();
    QVERIFY(pg.resume());
    QVERIFY2(streams.waitFor([&](std::size_t acked, long) { return acked >= ackedWhileDown + 300; }, 30s),
        "the server did not resume writing after PostgreSQL came back");
    QTRY_COMPARE_WITH_TIMEOUT(loggerHealth(channel), 1, 10000);
    streams.stop();

    QVERIFY(streams.failureCodes().count(grpc::StatusCode::UNAVAILABLE));
    for (const auto code : streams.failureCodes())
        QVERIFY2(code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED,
            qPrintable(QStringLiteral("unexpected status %1").arg(int(code))));
    qInfo("restart: %zu acknowledged, %ld failed calls (retried)", streams.acked().size(), streams.failed());
    verifyStoredOnce(conninfo, streams.acked(), "restart");

    server.terminate();
    QVERIFY2(server.waitForCleanExit(), qPrintable(server.errorOutput()));
}

void TstOrderlogResilience::sigtermDrainsInFlight()
{
    const std::string conninfo = bc::test::createTestDatabase("orderlog_term");
    bc::test::ServerProcess server;
    QVERIFY2(server.start(conninfo), qPrintable(server.errorOutput()));
    Streams streams(bc::test::channelTo(server.address()), "term", 32, /*retry=*/false);
    QVERIFY(streams.waitFor([](std::size_t acked, long) { return acked >= 500; }, 30s));
    server.terminate();
    QVERIFY2(server.waitForCleanExit(), qPrintable(server.errorOutput()));
    // Every stream ends with its first failure once the server is gone.
    QVERIFY(streams.waitFor([](std::size_t, long failed) { return failed >= 32; }, 30s));
    streams.stop();
    QVERIFY(streams.acked().size() >= 500);
    qInfo("sigterm: %zu acknowledged before the server stopped", streams.acked().size());
    verifyStoredOnce(conninfo, streams.acked(), "term");
}

void TstOrderlogResilience::startsWhileDatabaseDown()
{
    PrivatePostgres pg;
    QVERIFY2(pg.start(), "could not start a private PostgreSQL");
    QVERIFY(pg.pause()); // down before the server ever saw it: no schema yet either

    bc::test::ServerProcess server;
    QVERIFY2(server.start(pg.conninfo()), qPrintable(server.errorOutput())); // serves anyway
    const auto channel = bc::test::channelTo(server.address());
    QCOMPARE(loggerHealth(channel), 2);
    auto stub = orderlog::Logger::NewStub(channel);
    orderlog::Reply reply;
    QCOMPARE(bc::test::logOnce(*stub, bc::test::orderEntry("early-1"), &reply).error_code(),
        grpc::StatusCode::UNAVAILABLE);

    QVERIFY(pg.resume());
    QTRY_COMPARE_WITH_TIMEOUT(loggerHealth(channel), 1, 15000);
    const grpc::Status s = bc::test::logOnce(*stub, bc::test::orderEntry("early-1"), &reply);
    QVERIFY2(s.ok(), s.error_message().c_str());
    QVERIFY(!reply.duplicate()); // the UNAVAILABLE attempt stored nothing

    pqxx::connection c(pg.conninfo());
    pqxx::read_transaction tx(c);
    QCOMPARE(tx.exec1("SELECT max(version) FROM schema_version")[0].as<int>(), 2);
    QCOMPARE(tx.exec1("SELECT count(*) FROM logs WHERE order_id = 'early-1'")[0].as<int>(), 1);
    server.terminate();
    QVERIFY2(server.waitForCleanExit(), qPrintable(server.errorOutput()));
}

QTEST_GUILESS_MAIN(TstOrderlogResilience)
#include "tst_orderlog_resilience.moc"
