// The storefront's rules in-process: card checks as upstream paymentservice, currency conversion
// and rendering as the frontend shows it, the bundled catalog, and --fault parsing.
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
};

QTEST_GUILESS_MAIN(TstStorefrontRules)
#include "tst_storefront_rules.moc"
