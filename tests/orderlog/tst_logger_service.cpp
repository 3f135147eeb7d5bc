// orderlog-server against a real PostgreSQL: Log/List, concurrency, idempotency, validation,
// health. The server is the real binary, started on 127.0.0.1 with port 0.

#include "tests/orderlog/orderlog_client.h"
#include "tests/orderlog/raw_call.h"
#include "tests/orderlog/server_process.h"
#include "tests/support/pg_test_db.h"

#include <QtCore/QProcess>
#include <QtTest/QTest>

#include <atomic>
#include <set>

using namespace std::chrono_literals;
using bc::test::Latch;

class TstLoggerService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void logThenList();
    void listPagesByKeyAndTimeRange();
    void concurrentLogsStoredOnce();
    void sameOrderIdStoredOnce();
    void legacyEntries();
    void invalidInputRejected_data();
    void invalidInputRejected();
    void oversizeMessageRejectedByTransport();
    void healthServing();
    void schemaVersioned();
    void cliLogListLoad();

private:
    long long count(const std::string &where = "true");
    std::string m_conninfo;
    bc::test::ServerProcess m_server;
    std::shared_ptr<grpc::Channel> m_channel;
    std::unique_ptr<orderlog::Logger::Stub> m_stub;
};

long long TstLoggerService::count(const std::string &where)
{
    pqxx::connection c(m_conninfo);
    pqxx::read_transaction tx(c);
    return tx.exec1("SELECT count(*) FROM logs WHERE " + where)[0].as<long long>();
}

void TstLoggerService::initTestCase()
{
    m_conninfo = bc::test::createTestDatabase("orderlog_svc");
    QVERIFY2(m_server.start(m_conninfo), qPrintable(m_server.errorOutput()));
    m_channel = bc::test::channelTo(m_server.address());
    m_stub = orderlog::Logger::NewStub(m_channel);
}

void TstLoggerService::cleanupTestCase()
{
    m_server.terminate();
    QVERIFY2(m_server.waitForCleanExit(), qPrintable(m_server.errorOutput()));
}

void TstLoggerService::logThenList()
{
    orderlog::Entry entry = bc::test::orderEntry("list-1");
    entry.mutable_order()->mutable_placed_at()->set_seconds(1700000000);
    entry.mutable_order()->mutable_placed_at()->set_nanos(123456000);
    entry.set_content("first order");
    orderlog::Reply reply;
    const grpc::Status s = bc::test::logOnce(*m_stub, entry, &reply);
    QVERIFY2(s.ok(), s.error_message().c_str());
    QVERIFY(reply.ok());
    QCOMPARE(reply.order_id(), std::string("list-1"));
    QVERIFY(!reply.duplicate());

    grpc::ClientContext ctx;
    orderlog::ListRequest req;
    req.mutable_since()->set_seconds(1700000000);
    req.mutable_until()->set_seconds(1700000001);
    orderlog::ListReply page;
    QVERIFY(m_stub->List(&ctx, req, &page).ok());
    QCOMPARE(page.entries_size(), 1);
    const auto &got = page.entries(0);
    QVERIFY(got.id() > 0);
    QCOMPARE(got.content(), std::string("first order"));
    QCOMPARE(got.order().SerializeAsString(), entry.order().SerializeAsString()); // every field round-trips
    QVERIFY(got.logged_at().seconds() > 1700000000);
    QVERIFY(page.next_page_token().empty());

    // The lab's view of the same row.
    pqxx::connection c(m_conninfo);
    pqxx::read_transaction tx(c);
    const auto row = tx.exec1("SELECT contents, email, total_units, total_nanos, items::text FROM logs"
                              " WHERE order_id = 'list-1'");
    QCOMPARE(std::string(row[0].c_str()), std::string("first order"));
    QCOMPARE(std::string(row[1].c_str()), std::string("someone@example.com"));
    QCOMPARE(row[2].as<long long>(), 42LL);
    QCOMPARE(row[3].as<int>(), 990000000);
    QCOMPARE(std::string(row[4].c_str()), std::string(R"([{"quantity": 2, "product_id": "OLJCESPC7Z"}])"));
}

void TstLoggerService::listPagesByKeyAndTimeRange()
{
    // Five orders at the same instant plus one outside the range: paging must be stable on ties.
    for (int i = 0; i < 6; ++i) {
        orderlog::Entry e = bc::test::orderEntry("page-" + std::to_string(i));
        e.mutable_order()->mutable_placed_at()->set_seconds(i < 5 ? 1600000000 : 1500000000);
        orderlog::Reply r;
        QVERIFY(bc::test::logOnce(*m_stub, e, &r).ok());
    }
    std::vector<std::string> seen;
    std::string token;
    int pages = 0;
    do {
        grpc::ClientContext ctx;
        orderlog::ListRequest req;
        req.mutable_since()->set_seconds(1600000000);
        req.mutable_until()->set_seconds(1600000001);
        req.set_page_size(2);
        req.set_page_token(token);
        orderlog::ListReply page;
        const grpc::Status s = m_stub->List(&ctx, req, &page);
        QVERIFY2(s.ok(), s.error_message().c_str());
        QVERIFY(page.entries_size() <= 2);
        for (const auto &e : page.entries())
            seen.push_back(e.order().order_id());
        token = page.next_page_token();
        QVERIFY(++pages <= 4);
    } while (!token.empty());
    QCOMPARE(seen.size(), std::size_t(5));
    QCOMPARE(std::set<std::string>(seen.begin(), seen.end()).size(), std::size_t(5));
    // Newest first, ties by id descending: page-4 was written last.
    QCOMPARE(seen.front(), std::string("page-4"));
    QCOMPARE(seen.back(), std::string("page-0"));

    grpc::ClientContext ctx;
    orderlog::ListRequest bad;
    bad.set_page_token("not-a-token");
    orderlog::ListReply page;
    QCOMPARE(m_stub->List(&ctx, bad, &page).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

void TstLoggerService::concurrentLogsStoredOnce()
{
    constexpr int kCalls = 1000;
    struct Call
    {
        grpc::ClientContext ctx;
        orderlog::Entry entry;
        orderlog::Reply reply;
    };
    std::vector<std::unique_ptr<Call>> calls;
    Latch latch(kCalls);
    std::atomic<int> ok {0};
    std::mutex errorsMutex;
    std::string firstError;
    for (int i = 0; i < kCalls; ++i) {
        auto call = std::make_unique<Call>();
        call->entry = bc::test::orderEntry("conc-" + std::to_string(i));
        call->ctx.set_deadline(std::chrono::system_clock::now() + 60s);
        Call *raw = call.get();
        calls.push_back(std::move(call));
        m_stub->async()->Log(&raw->ctx, &raw->entry, &raw->reply, [&, raw](grpc::Status s) {
            if (s.ok() && raw->reply.ok() && !raw->reply.duplicate()) {
                ++ok;
            } else {
                std::lock_guard lock(errorsMutex);
                if (firstError.empty())
                    firstError = s.error_message();
            }
            latch.countDown();
        });
    }
    QVERIFY(latch.wait(90s));
    QVERIFY2(ok == kCalls, firstError.c_str());
    QCOMPARE(count("order_id LIKE 'conc-%'"), static_cast<long long>(kCalls));
    QCOMPARE(count("order_id IN (SELECT order_id FROM logs GROUP BY order_id HAVING count(*) > 1)"), 0LL);
}

void TstLoggerService::sameOrderIdStoredOnce()
{
    const orderlog::Entry entry = bc::test::orderEntry("dup-1");
    orderlog::Reply first, second;
    QVERIFY(bc::test::logOnce(*m_stub, entry, &first).ok());
    QVERIFY(bc::test::logOnce(*m_stub, entry, &second).ok());
    QVERIFY(first.ok() && !first.duplicate());
    QVERIFY(second.ok() && second.duplicate());
    QCOMPARE(count("order_id = 'dup-1'"), 1LL);
}

void TstLoggerService::legacyEntries()
{
    // The lab's call: only `content`. Without an id every call is a new row.
    orderlog::Entry legacy;
    legacy.set_content("legacy order text");
    orderlog::Reply reply;
    QVERIFY(bc::test::logOnce(*m_stub, legacy, &reply).ok());
    QVERIFY(bc::test::logOnce(*m_stub, legacy, &reply).ok());
    QCOMPARE(count("contents = 'legacy order text'"), 2LL);

    // With a client id (metadata, for unmodified clients; or request_id) retries are one row.
    for (int i = 0; i < 2; ++i) {
        grpc::ClientContext ctx;
        ctx.AddMetadata("idempotency-key", "retry-key-1");
        orderlog::Entry e;
        e.set_content("legacy with key");
        QVERIFY(m_stub->Log(&ctx, e, &reply).ok());
        QCOMPARE(reply.order_id(), std::string("request:retry-key-1"));
        QCOMPARE(reply.duplicate(), i == 1);
    }
    orderlog::Entry withId;
    withId.set_content("legacy with request_id");
    withId.set_request_id("retry-key-2");
    QVERIFY(bc::test::logOnce(*m_stub, withId, &reply).ok());
    QVERIFY(bc::test::logOnce(*m_stub, withId, &reply).ok());
    QVERIFY(reply.duplicate());
    QCOMPARE(count("contents LIKE 'legacy with %'"), 2LL);
}

void TstLoggerService::invalidInputRejected_data()
{
    QTest::addColumn<QByteArray>("bytes");
    const auto entryBytes = [](const orderlog::Entry &e) {
        const std::string s = e.SerializeAsString();
        return QByteArray(s.data(), qsizetype(s.size()));
    };
    QTest::newRow("malformed protobuf") << QByteArray("\xff\xff\xff\xff\x0f", 5);
    QTest::newRow("truncated field") << QByteArray("\x0a\x10short", 7);
    QTest::newRow("invalid utf-8 content") << QByteArray("\x0a\x02\xc3\x28", 4);
    QTest::newRow("empty entry") << QByteArray();
    orderlog::Entry e;
    e.set_content(std::string(1001, 'x'));
    QTest::newRow("content over 1000 chars") << entryBytes(e);
    {
        // 70 KB in an unknown field: over the 64 KiB entry limit, under the transport limit.
        QByteArray big("\x7a", 1); // field 15, length-delimited
        const int n = 70000;
        big += char(0x80 | (n & 0x7f));
        big += char(0x80 | ((n >> 7) & 0x7f));
        big += char(n >> 14);
        big += QByteArray(n, 'y');
        big += QByteArray("\x0a\x02ok", 4);
        QTest::newRow("entry over 64 KiB") << big;
    }
    e = bc::test::orderEntry("bad-currency");
    e.mutable_order()->mutable_total()->set_currency_code("usd");
    QTest::newRow("bad currency") << entryBytes(e);
    e = bc::test::orderEntry("bad-nanos");
    e.mutable_order()->mutable_total()->set_nanos(1000000000);
    QTest::newRow("nanos out of range") << entryBytes(e);
    e = bc::test::orderEntry("bad-qty");
    e.mutable_order()->mutable_items(0)->set_quantity(0);
    QTest::newRow("zero quantity") << entryBytes(e);
    e = bc::test::orderEntry("bad-product");
    e.mutable_order()->mutable_items(0)->set_product_id("");
    QTest::newRow("empty product id") << entryBytes(e);
    e = bc::test::orderEntry(std::string("nul\0id", 6));
    QTest::newRow("NUL in order id") << entryBytes(e);
    e = bc::test::orderEntry(std::string(200, 'i'));
    QTest::newRow("order id too long") << entryBytes(e);
    e = bc::test::orderEntry("bad-time");
    e.mutable_order()->mutable_placed_at()->set_seconds(-99999999999);
    QTest::newRow("placed_at out of range") << entryBytes(e);
}

void TstLoggerService::invalidInputRejected()
{
    QFETCH(QByteArray, bytes);
    const long long before = count();
    const grpc::Status s = bc::test::rawUnaryCall(m_channel, "/orderlog.Logger/Log", bytes.toStdString());
    QCOMPARE(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    QVERIFY(!s.error_message().empty());
    QCOMPARE(count(), before);
    // Still up and writing.
    orderlog::Reply reply;
    QVERIFY(bc::test::logOnce(
        *m_stub, bc::test::orderEntry("after-" + std::string(QTest::currentDataTag())), &reply)
                .ok());
}

void TstLoggerService::oversizeMessageRejectedByTransport()
{
    // Over 1 MiB gRPC refuses before any handler runs: RESOURCE_EXHAUSTED, nothing stored.
    const long long before = count();
    orderlog::Entry e;
    e.set_content(std::string(2 * 1024 * 1024, 'z'));
    orderlog::Reply reply;
    QCOMPARE(bc::test::logOnce(*m_stub, e, &reply).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    QCOMPARE(count(), before);
    QVERIFY(bc::test::logOnce(*m_stub, bc::test::orderEntry("after-oversize"), &reply).ok());
}

void TstLoggerService::healthServing()
{
    // grpc.health.v1.HealthCheckResponse{status: SERVING} is the two bytes 08 01.
    std::string response;
    grpc::Status s = bc::test::rawUnaryCall(m_channel, "/grpc.health.v1.Health/Check", "", &response);
    QVERIFY2(s.ok(), s.error_message().c_str());
    QCOMPARE(response, std::string("\x08\x01", 2));
    const std::string service = "orderlog.Logger";
    s = bc::test::rawUnaryCall(m_channel, "/grpc.health.v1.Health/Check",
        std::string("\x0a", 1) + char(service.size()) + service, &response);
    QVERIFY2(s.ok(), s.error_message().c_str());
    QCOMPARE(response, std::string("\x08\x01", 2));
}

void TstLoggerService::schemaVersioned()
{
    pqxx::connection c(m_conninfo);
    pqxx::read_transaction tx(c);
    QCOMPARE(tx.exec1("SELECT max(version) FROM schema_version")[0].as<int>(), 2);
    QCOMPARE(tx.exec1("SELECT count(*) FROM schema_version")[0].as<int>(), 2);
}

void TstLoggerService::cliLogListLoad()
{
    const auto run = [this](const QStringList &args, QByteArray *out) {
        QProcess cli;
        cli.start(QStringLiteral(BC_ORDERLOG_CLI),
            QStringList {QStringLiteral("--server"), QString::fromStdString(m_server.address())} + args);
        if (!cli.waitForFinished(60000))
            return -1;
        *out = cli.readAllStandardOutput();
        return cli.exitStatus() == QProcess::NormalExit ? cli.exitCode() : -1;
    };
    QByteArray out;
    QCOMPARE(run({QStringLiteral("log"), QStringLiteral("--order-id"), QStringLiteral("cli-1"),
                     QStringLiteral("--email"), QStringLiteral("cli@example.com"), QStringLiteral("--total"),
                     QStringLiteral("12.5"), QStringLiteral("--currency"), QStringLiteral("EUR"),
                     QStringLiteral("--item"), QStringLiteral("9SIQT8TOJO:3"), QStringLiteral("--placed-at"),
                     QStringLiteral("2001-09-09T01:46:40Z")},
                 &out),
        0);
    QVERIFY2(out.contains("order_id=cli-1"), out.constData());
    QCOMPARE(count("order_id = 'cli-1' AND total_units = 12 AND total_nanos = 500000000"
                   " AND currency_code = 'EUR' AND placed_at = '2001-09-09T01:46:40Z'"),
        1LL);
    QCOMPARE(run({QStringLiteral("list"), QStringLiteral("--since"), QStringLiteral("1000000000"),
                     QStringLiteral("--until"), QStringLiteral("1000000001")},
                 &out),
        0);
    QVERIFY2(
        out.contains("cli-1") && out.contains("12.50 EUR") && out.contains("9SIQT8TOJOx3"), out.constData());
    QCOMPARE(run({QStringLiteral("load"), QStringLiteral("--count"), QStringLiteral("300"),
                     QStringLiteral("--concurrency"), QStringLiteral("16"), QStringLiteral("--prefix"),
                     QStringLiteral("cliload")},
                 &out),
        0);
    QVERIFY2(out.contains("300 ok, 0 failed") && out.contains("entries/s: ") && out.contains("p99"),
        out.constData());
    QCOMPARE(count("order_id LIKE 'cliload-%'"), 300LL);
    QCOMPARE(run({QStringLiteral("log"), QStringLiteral("--total"), QStringLiteral("abc")}, &out), 2);
}

QTEST_GUILESS_MAIN(TstLoggerService)
#include "tst_logger_service.moc"
