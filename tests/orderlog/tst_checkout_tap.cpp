// Checkout tap: orderlog-server --checkout-upstream in front of a small checkout server run by
// this test. The upstream must receive PlaceOrder unchanged, the caller must get the upstream
// response unchanged, and the placed order must be in table `logs`.

#include "orderlog/proto/demo.grpc.pb.h"
#include "tests/orderlog/orderlog_client.h"
#include "tests/orderlog/server_process.h"
#include "tests/support/pg_test_db.h"

#include <QtTest/QTest>

#include <google/protobuf/unknown_field_set.h>

#include <mutex>

using namespace std::chrono_literals;

namespace {

// Stands in for Online Boutique's checkoutservice.
class TestCheckout final : public hipstershop::CheckoutService::Service
{
public:
    grpc::Status PlaceOrder(grpc::ServerContext *context, const hipstershop::PlaceOrderRequest *request,
        hipstershop::PlaceOrderResponse *response) override
    {
        std::lock_guard lock(m_mutex);
        m_received = request->SerializeAsString();
        const auto &md = context->client_metadata();
        const auto it = md.find("x-test-trace");
        m_traceHeader = it == md.end() ? std::string() : std::string(it->second.data(), it->second.size());
        context->AddInitialMetadata("x-upstream-initial", "from-checkout");
        context->AddTrailingMetadata("x-upstream-trailing", "done");
        if (request->user_id() == "declined-user")
            return {grpc::StatusCode::FAILED_PRECONDITION, "credit card declined"};
        *response = cannedResponse();
        return grpc::Status::OK;
    }

    static hipstershop::PlaceOrderResponse cannedResponse()
    {
        hipstershop::PlaceOrderResponse r;
        auto *o = r.mutable_order();
        o->set_order_id("7c5e1c5e-tap-0001");
        o->set_shipping_tracking_id("HQ-123-456");
        o->mutable_shipping_cost()->set_currency_code("USD");
        o->mutable_shipping_cost()->set_units(8);
        o->mutable_shipping_cost()->set_nanos(990000000);
        auto *a = o->mutable_shipping_address();
        a->set_street_address("1600 Amphitheatre Parkway");
        a->set_city("Mountain View");
        a->set_state("CA");
        a->set_country("United States");
        a->set_zip_code(94043);
        auto *item = o->add_items();
        item->mutable_item()->set_product_id("OLJCESPC7Z");
        item->mutable_item()->set_quantity(2);
        item->mutable_cost()->set_currency_code("USD");
        item->mutable_cost()->set_units(19);
        item->mutable_cost()->set_nanos(990000000);
        o->GetReflection()->MutableUnknownFields(o)->AddLengthDelimited(99, "field a newer checkout added");
        return r;
    }

    std::string received()
    {
        std::lock_guard lock(m_mutex);
        return m_received;
    }
    std::string traceHeader()
    {
        std::lock_guard lock(m_mutex);
        return m_traceHeader;
    }

private:
    std::mutex m_mutex;
    std::string m_received;
    std::string m_traceHeader;
};

hipstershop::PlaceOrderRequest placeOrderRequest(const std::string &user)
{
    hipstershop::PlaceOrderRequest req;
    req.set_user_id(user);
    req.set_user_currency("USD");
    req.set_email("someone@example.com");
    auto *a = req.mutable_address();
    a->set_street_address("1600 Amphitheatre Parkway");
    a->set_city("Mountain View");
    a->set_state("CA");
    a->set_country("United States");
    a->set_zip_code(94043);
    auto *card = req.mutable_credit_card();
    card->set_credit_card_number("4432-8015-6152-0454");
    card->set_credit_card_cvv(672);
    card->set_credit_card_expiration_year(2039);
    card->set_credit_card_expiration_month(1);
    req.GetReflection()->MutableUnknownFields(&req)->AddVarint(77, 12345); // must reach upstream too
    return req;
}

} // namespace

class TstCheckoutTap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void forwardsUnchangedAndLogs();
    void upstreamErrorPassesThrough();

private:
    std::string m_conninfo;
    TestCheckout m_checkout;
    std::unique_ptr<grpc::Server> m_upstream;
    bc::test::ServerProcess m_server;
    std::unique_ptr<hipstershop::CheckoutService::Stub> m_stub;
};

void TstCheckoutTap::initTestCase()
{
    m_conninfo = bc::test::createTestDatabase("orderlog_tap");
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&m_checkout);
    m_upstream = builder.BuildAndStart();
    QVERIFY(m_upstream && port > 0);
    QVERIFY2(m_server.start(m_conninfo,
                 {QStringLiteral("--checkout-upstream"), QStringLiteral("127.0.0.1:%1").arg(port)}),
        qPrintable(m_server.errorOutput()));
    m_stub = hipstershop::CheckoutService::NewStub(bc::test::channelTo(m_server.address()));
}

void TstCheckoutTap::cleanupTestCase()
{
    m_server.terminate();
    QVERIFY2(m_server.waitForCleanExit(), qPrintable(m_server.errorOutput()));
    m_upstream->Shutdown(std::chrono::system_clock::now() + 5s);
}

void TstCheckoutTap::forwardsUnchangedAndLogs()
{
    const hipstershop::PlaceOrderRequest request = placeOrderRequest("session-42");
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 10s);
    ctx.AddMetadata("x-test-trace", "trace-abc");
    hipstershop::PlaceOrderResponse response;
    const grpc::Status s = m_stub->PlaceOrder(&ctx, request, &response);
    QVERIFY2(s.ok(), s.error_message().c_str());

    QCOMPARE(m_checkout.received(), request.SerializeAsString()); // upstream got it unchanged
    QCOMPARE(m_checkout.traceHeader(), std::string("trace-abc"));
    QCOMPARE(response.SerializeAsString(), TestCheckout::cannedResponse().SerializeAsString());
    const auto metadata = [](const std::multimap<grpc::string_ref, grpc::string_ref> &md, const char *key) {
        const auto it = md.find(key);
        return it == md.end() ? std::string() : std::string(it->second.data(), it->second.size());
    };
    QCOMPARE(metadata(ctx.GetServerInitialMetadata(), "x-upstream-initial"), std::string("from-checkout"));
    QCOMPARE(metadata(ctx.GetServerTrailingMetadata(), "x-upstream-trailing"), std::string("done"));

    // Logged before the response came back: no waiting needed.
    pqxx::connection c(m_conninfo);
    pqxx::read_transaction tx(c);
    const auto row = tx.exec1(
        "SELECT user_id, email, currency_code, total_units, total_nanos, items::text, shipping_tracking_id,"
        " shipping_city, shipping_country FROM logs WHERE order_id = '7c5e1c5e-tap-0001'");
    QCOMPARE(std::string(row[0].c_str()), std::string("session-42"));
    QCOMPARE(std::string(row[1].c_str()), std::string("someone@example.com"));
    QCOMPARE(std::string(row[2].c_str()), std::string("USD"));
    QCOMPARE(row[3].as<long long>(), 48LL); // 8.99 shipping + 2 x 19.99
    QCOMPARE(row[4].as<int>(), 970000000);
    QCOMPARE(std::string(row[5].c_str()), std::string(R"([{"quantity": 2, "product_id": "OLJCESPC7Z"}])"));
    QCOMPARE(std::string(row[6].c_str()), std::string("HQ-123-456"));
    QCOMPARE(std::string(row[7].c_str()), std::string("Mountain View"));
    QCOMPARE(std::string(row[8].c_str()), std::string("United States"));
    // The card never reaches the database.
    QCOMPARE(tx.exec1("SELECT count(*) FROM logs l WHERE l::text LIKE '%4432%' OR l::text LIKE '%672%'")[0]
                 .as<int>(),
        0);
}

void TstCheckoutTap::upstreamErrorPassesThrough()
{
    pqxx::connection c(m_conninfo);
    const auto rows = [&] {
        pqxx::read_transaction tx(c);
        return tx.exec1("SELECT count(*) FROM logs")[0].as<int>();
    };
    const int before = rows();
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 10s);
    hipstershop::PlaceOrderResponse response;
    const grpc::Status s = m_stub->PlaceOrder(&ctx, placeOrderRequest("declined-user"), &response);
    QCOMPARE(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    QCOMPARE(s.error_message(), std::string("credit card declined"));
    const auto trailing = ctx.GetServerTrailingMetadata().find("x-upstream-trailing");
    QVERIFY(trailing != ctx.GetServerTrailingMetadata().end());
    QCOMPARE(rows(), before);
}

QTEST_GUILESS_MAIN(TstCheckoutTap)
#include "tst_checkout_tap.moc"
