// Hostile clients against the real orderlog-server and PostgreSQL: random bytes on every method,
// unknown methods and services, oversized frames, and clients that give up in the middle of a group
// commit. The server answers each with a status and keeps serving; nothing is stored twice and no
// acknowledged order is lost.

#include "tests/orderlog/orderlog_client.h"
#include "tests/orderlog/raw_call.h"
#include "tests/orderlog/server_process.h"
#include "tests/support/pg_test_db.h"

#include <QtTest/QTest>

#include <atomic>
#include <random>
#include <set>
#include <thread>

using namespace std::chrono_literals;

class TstOrderlogHostile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void randomBytesOnEveryMethod();
    void unknownMethodsAndServices();
    void oversizedFramesRefused();
    void cancelledCallsLoseNoAckAndStoreOnce();

private:
    long long count(const std::string &where = "true");
    void assertStillServing(const std::string &tag);
    std::string m_conninfo;
    bc::test::ServerProcess m_server;
    std::shared_ptr<grpc::Channel> m_channel;
    std::unique_ptr<orderlog::Logger::Stub> m_stub;
};

long long TstOrderlogHostile::count(const std::string &where)
{
    pqxx::connection c(m_conninfo);
    pqxx::read_transaction tx(c);
    return tx.exec1("SELECT count(*) FROM logs WHERE " + where)[0].as<long long>();
}

void TstOrderlogHostile::assertStillServing(const std::string &tag)
{
    orderlog::Reply reply;
    const grpc::Status s = bc::test::logOnce(*m_stub, bc::test::orderEntry("alive-" + tag), &reply);
    QVERIFY2(s.ok(), s.error_message().c_str());
    QVERIFY(reply.ok());
}

void TstOrderlogHostile::initTestCase()
{
    m_conninfo = bc::test::createTestDatabase("orderlog_hostile");
    QVERIFY2(m_server.start(m_conninfo), qPrintable(m_server.errorOutput()));
    m_channel = bc::test::channelTo(m_server.address());
    m_stub = orderlog::Logger::NewStub(m_channel);
}

void TstOrderlogHostile::cleanupTestCase()
{
    m_server.terminate();
    QVERIFY2(m_server.waitForCleanExit(), qPrintable(m_server.errorOutput()));
}

void TstOrderlogHostile::randomBytesOnEveryMethod()
{
    std::mt19937 rng(20261203);
    const char *const methods[] = {"/orderlog.Logger/Log", "/orderlog.Logger/List"};
    const long long before = count();
    int refused = 0;
    for (int i = 0; i < 400; ++i) {
        std::string bytes(rng() % 300, '\0');
        for (char &c : bytes)
            c = char(rng());
        const grpc::Status s = bc::test::rawUnaryCall(m_channel, methods[i % 2], bytes);
        // Random bytes can happen to be a valid message (an empty List, say); what they may never do is
        // crash the server, hang a call, or be answered with an internal error.
        QVERIFY2(s.error_code() != grpc::StatusCode::INTERNAL && s.error_code() != grpc::StatusCode::UNKNOWN
                     && s.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED
                     && s.error_code() != grpc::StatusCode::UNAVAILABLE,
            (std::to_string(int(s.error_code())) + " " + s.error_message()).c_str());
        if (s.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
            QVERIFY(!s.error_message().empty());
            ++refused;
        }
    }
    QVERIFY2(refused > 100, std::to_string(refused).c_str());
    // A random Log that decodes as a valid entry may store it; nothing else is written.
    QVERIFY(count() - before <= 400 - refused);
    assertStillServing("random");
}

void TstOrderlogHostile::unknownMethodsAndServices()
{
    for (const char *method : {"/orderlog.Logger/Drop", "/orderlog.Admin/Truncate", "/hipstershop.CheckoutService/PlaceOrder",
             "/", "/orderlog.Logger/"}) {
        const grpc::Status s = bc::test::rawUnaryCall(m_channel, method, "\x0a\x02hi");
        QVERIFY2(s.error_code() == grpc::StatusCode::UNIMPLEMENTED, method);
    }
    assertStillServing("unknown");
}

void TstOrderlogHostile::oversizedFramesRefused()
{
    const long long before = count();
    for (const size_t size : {size_t(1) << 20 | 1, size_t(8) << 20}) {
        const grpc::Status s = bc::test::rawUnaryCall(m_channel, "/orderlog.Logger/Log", std::string(size, '\x0a'));
        QCOMPARE(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    }
    QCOMPARE(count(), before);
    assertStillServing("oversized");
}

void TstOrderlogHostile::cancelledCallsLoseNoAckAndStoreOnce()
{
    // 64 clients each send 20 orders with deadlines short enough that many expire while their entry
    // waits in a group commit, and cancel some outright. Every OK the server gave is stored; then every
    // order is sent again, as a client retries: an acknowledged one is answered as a duplicate (never
    // written twice), and in the end each id is stored.
    constexpr int kClients = 64;
    constexpr int kPerClient = 20;
    std::atomic<int> acknowledged{0};
    std::atomic<int> gaveUp{0};
    std::mutex ackMutex;
    std::set<std::string> ackedIds;
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
        clients.emplace_back([&, c] {
            std::mt19937 rng(c);
            for (int i = 0; i < kPerClient; ++i) {
                const std::string id = "cancel-" + std::to_string(c) + "-" + std::to_string(i);
                grpc::ClientContext ctx;
                // Every fifth call waits as a patient client does, so both outcomes always occur.
                const auto patience = i % 5 == 1 ? std::chrono::microseconds(10'000'000)
                                                 : std::chrono::microseconds(200 + rng() % 20000);
                ctx.set_deadline(std::chrono::system_clock::now() + patience);
                orderlog::Reply reply;
                std::thread canceller;
                if (i % 4 == 0 && i % 5 != 1)
                    canceller = std::thread([&ctx, delay = rng() % 3000] {
                        std::this_thread::sleep_for(std::chrono::microseconds(delay));
                        ctx.TryCancel();
                    });
                const grpc::Status s = m_stub->Log(&ctx, bc::test::orderEntry(id), &reply);
                if (canceller.joinable())
                    canceller.join();
                if (s.ok() && reply.ok()) {
                    ++acknowledged;
                    std::lock_guard lock(ackMutex);
                    ackedIds.insert(id);
                } else {
                    ++gaveUp;
                }
            }
        });
    }
    for (auto &t : clients)
        t.join();
    qInfo("acknowledged %d, cancelled or expired %d", acknowledged.load(), gaveUp.load());
    QVERIFY2(gaveUp.load() > 0, "no call was cancelled: the test proves nothing");
    QVERIFY(acknowledged.load() >= kClients * kPerClient / 5);

    for (const std::string &id : ackedIds)
        QVERIFY2(count("order_id = '" + id + "'") == 1, id.c_str());

    for (int c = 0; c < kClients; ++c)
        for (int i = 0; i < kPerClient; ++i) {
            const std::string id = "cancel-" + std::to_string(c) + "-" + std::to_string(i);
            orderlog::Reply reply;
            const grpc::Status s = bc::test::logOnce(*m_stub, bc::test::orderEntry(id), &reply);
            QVERIFY2(s.ok() && reply.ok(), id.c_str());
            if (ackedIds.count(id))
                QVERIFY2(reply.duplicate(), id.c_str());
        }
    QCOMPARE(count("order_id LIKE 'cancel-%'"), (long long)(kClients * kPerClient));
    assertStillServing("cancelled");
}

QTEST_GUILESS_MAIN(TstOrderlogHostile)
#include "tst_orderlog_hostile.moc"
