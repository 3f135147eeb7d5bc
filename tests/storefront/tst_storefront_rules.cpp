// The storefront's rules in-process: card checks as upstream paymentservice, currency conversion
// and rendering as the frontend shows it, the bundled catalog, --fault parsing, carts, and the
// gRPC status texts and Service names of checkout.
#include "infra/sandbox/storefront/cart_store.h"
#include "infra/sandbox/storefront/checkout_route.h"
#include "infra/sandbox/storefront/payment.h"
#include "infra/sandbox/storefront/service_mesh.h"
#include "infra/sandbox/storefront/shop_data.h"

#include <QTest>

using namespace bc::sandbox::storefront;

class TstStorefrontRules : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cards()
    {
        QVERIFY(checkCard("4432-8015-6152-0454", 1, 2039).ok); // the load generator's VISA
        QVERIFY(checkCard("5555 5555 5555 4444", 12, 2099).ok); // MasterCard
        QVERIFY(checkCard("2221000000000009", 12, 2099).ok);    // MasterCard 2-series
        QCOMPARE(checkCard("4432-8015-6152-0455", 1, 2039).error, std::string("Credit card info is invalid"));
        QCOMPARE(checkCard("4432x8015", 1, 2039).error, std::string("Credit card info is invalid"));
        QCOMPARE(checkCard("", 1, 2039).error, std::string("Credit card info is invalid"));
        QCOMPARE(checkCard("378282246310005", 1, 2039).error,
                 std::string("Sorry, we cannot process american-express credit cards. Only VISA or MasterCard is accepted."));
        QCOMPARE(checkCard("4432801561520454", 3, 2021).error, std::string("Your credit card (ending 0454) expired on 3/2021"));
        QVERIFY(luhnValid("79927398713"));
        QVERIFY(!luhnValid("79927398710"));
    }

    void money()
    {
        const Money usd{"USD", 19, 990000000};
        QCOMPARE(ShopData::render(ShopData::convert(usd, "EUR")), std::string("\xE2\x82\xAC" "17.68"));
        QCOMPARE(ShopData::render(ShopData::convert(usd, "JPY")), std::string("\xC2\xA5" "2235.06"));
        QCOMPARE(ShopData::render(ShopData::convert(usd, "USD")), std::string("$19.99"));
        QCOMPARE(ShopData::render(ShopData::multiply(usd, 3)), std::string("$59.97"));
        QCOMPARE(ShopData::render(ShopData::add(usd, Money{"USD", 8, 990000000})), std::string("$28.98"));
        QVERIFY(ShopData::isSupportedCurrency("CAD"));
        QVERIFY(!ShopData::isSupportedCurrency("XXX"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ShopData::convert(usd, "XXX"));
    }

    void catalog()
    {
        ShopData data;
        QCOMPARE(data.products().size(), std::size_t(9));
        QVERIFY(data.product("OLJCESPC7Z"));
        QCOMPARE(data.product("OLJCESPC7Z")->name, std::string("Sunglasses"));
        QVERIFY(!data.product("NOPE"));
    }

    void faults()
    {
        std::string svc;
        FaultSpec spec;
        QCOMPARE(parseFault("currencyservice:latency=250,error=0.1", svc, spec), std::string());
        QCOMPARE(svc, std::string("currencyservice"));
        QCOMPARE(spec.latencyMs, 250.0);
        QCOMPARE(spec.errorRate, 0.1);
        QCOMPARE(parseFault("cartservice:error=1", svc, spec), std::string());
        QCOMPARE(spec.latencyMs, 0.0);
        QVERIFY(!parseFault("cartservice", svc, spec).empty());
        QVERIFY(!parseFault("cartservice:error=1.5", svc, spec).empty());
        QVERIFY(!parseFault("cartservice:latency=-1", svc, spec).empty());
        QVERIFY(!parseFault("cartservice:speed=3", svc, spec).empty());
        QVERIFY(!parseFault("cartservice:latency=abc", svc, spec).empty());
    }

    void carts()
    {
        CartStore carts;
        carts.add("u1", "OLJCESPC7Z", 2);
        carts.add("u2", "66VCHSJNUP", 1);
        carts.add("u1", "66VCHSJNUP", 1);
        carts.add("u1", "OLJCESPC7Z", 3);
        const CartStore::Cart cart = carts.get("u1");
        QCOMPARE(cart.size(), std::size_t(2));
        QCOMPARE(cart[0], (std::pair<std::string, int>{"OLJCESPC7Z", 5})); // added up, in the order added
        QCOMPARE(cart[1], (std::pair<std::string, int>{"66VCHSJNUP", 1}));
        carts.empty("u1");
        QVERIFY(carts.get("u1").empty());
        QCOMPARE(carts.get("u2").size(), std::size_t(1));
    }

    void checkoutStatusesAndServices()
    {
        // As Go's status.Error prints them, and back (the mesh's dial errors use the same text).
        const RpcFailure down{14, "connection error: no such host"};
        QCOMPARE(down.text(), std::string("rpc error: code = Unavailable desc = connection error: no such host"));
        const RpcFailure back = parseRpcError(down.text());
        QCOMPARE(back.code, 14);
        QCOMPARE(back.message, down.message);
        QCOMPARE(parseRpcError("rpc error: code = DeadlineExceeded desc = overloaded").code, 4);
        const RpcFailure odd = parseRpcError("something else");
        QCOMPARE(odd.code, 2); // Unknown
        QCOMPARE(odd.message, std::string("something else"));
        QCOMPARE((RpcFailure{13, "x"}.text()), std::string("rpc error: code = Internal desc = x"));
        QCOMPARE(CheckoutRoute::serviceOf("orderlog:50051"), std::string("orderlog"));
        QCOMPARE(CheckoutRoute::serviceOf("checkoutservice.default.svc.cluster.local:5050"),
                 std::string("checkoutservice"));
        QCOMPARE(CheckoutRoute::serviceOf(CheckoutRoute::kDefaultAddress), std::string("checkoutservice"));
        const std::string id = uuid4();
        QCOMPARE(id.size(), std::size_t(36));
        QCOMPARE(id[14], '4');
        QVERIFY(id != uuid4());
    }
};

QTEST_GUILESS_MAIN(TstStorefrontRules)
#include "tst_storefront_rules.moc"
