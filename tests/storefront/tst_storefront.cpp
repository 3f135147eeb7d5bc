// The simulated Online Boutique storefront of boutique-sandbox, end to end: the real sandbox binary,
// the real kubectl applying manifests/minimal.yaml (+ the v2 canary and the Istio route), a real
// orderlog-server on the pg fixture's PostgreSQL whose checkout tap forwards to the sandbox's
// checkoutservice stand-in, and plain HTTP on the LoadBalancer's loopback address.
#include "tests/orderlog/server_process.h"
#include "tests/storefront/storefront_test_support.h"
#include "tests/support/pg_test_db.h"

#include <QRegularExpression>

#include <chrono>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

namespace {

// One browser: keeps the cookies the storefront sets.
struct Shopper {
    explicit Shopper(const QString &url) : client(url.toStdString())
    {
        client.set_keep_alive(true);
        client.set_read_timeout(20);
    }
    httplib::Headers headers() const
    {
        std::string c;
        for (const auto &[k, v] : cookies)
            c += (c.empty() ? "" : "; ") + k + "=" + v;
        return c.empty() ? httplib::Headers{} : httplib::Headers{{"Cookie", c}};
    }
    void keep(const httplib::Result &r)
    {
        if (!r)
            return;
        for (auto it = r->headers.lower_bound("Set-Cookie"); it != r->headers.upper_bound("Set-Cookie"); ++it) {
            const std::string v = it->second.substr(0, it->second.find(';'));
            const auto eq = v.find('=');
            if (it->second.find("Max-Age=-1") != std::string::npos)
                cookies.erase(v.substr(0, eq));
            else
                cookies[v.substr(0, eq)] = v.substr(eq + 1);
        }
    }
    httplib::Result get(const std::string &path)
    {
        auto r = client.Get(path.c_str(), headers());
        keep(r);
        return r;
    }
    httplib::Result post(const std::string &path, const httplib::Params &form)
    {
        auto r = client.Post(path.c_str(), headers(), form);
        keep(r);
        return r;
    }
    httplib::Client client;
    std::map<std::string, std::string> cookies;
};

httplib::Params checkoutForm(const std::string &card, const std::string &month = "1", const std::string &year = "2039")
{
    return {{"email", "someone@example.com"},      {"street_address", "1600 Amphitheatre Parkway"},
            {"zip_code", "94043"},                 {"city", "Mountain View"},
            {"state", "CA"},                       {"country", "United States"},
            {"credit_card_number", card},          {"credit_card_expiration_month", month},
            {"credit_card_expiration_year", year}, {"credit_card_cvv", "672"}};
}

// A loopback port nothing listens on right now (for the sandbox's --checkout-listen).
int freeLoopbackPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = 0;
    if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        ::close(fd);
    return port;
}

QString productName(const std::string &body)
{
    static const QRegularExpression h2(QStringLiteral("<h2>([^<]*)</h2>"));
    return h2.match(QString::fromStdString(body)).captured(1);
}

} // namespace

class TstStorefront : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_conninfo = bc::test::createTestDatabase("storefront");
        // orderlog-server's checkout tap forwards to the stand-in the sandbox serves on this port.
        const QString checkout = QStringLiteral("127.0.0.1:%1").arg(freeLoopbackPort());
        QVERIFY2(m_orderlog.start(m_conninfo, {QStringLiteral("--checkout-upstream"), checkout}),
                 qPrintable(m_orderlog.errorOutput()));
        QString error;
        // Cost scale 0.02: the same graph and routing at 1/50 of the CPU, so thousands of requests fit
        // in seconds; tst_storefront_locust and bench/storefront run the full cost model.
        QVERIFY2(m_sb.start({QStringLiteral("--with-crds"), QStringLiteral("--pod-start-delay"), QStringLiteral("1"),
                             QStringLiteral("--lb-delay"), QStringLiteral("0.2"), QStringLiteral("--cost-scale"),
                             QStringLiteral("0.02"), QStringLiteral("--orderlog"),
                             QString::fromStdString(m_orderlog.address()), QStringLiteral("--checkout-listen"), checkout},
                            &error),
                 qPrintable(error));
        QVERIFY2(bc::test::deployBoutique(m_sb, {bc::test::manifest("productcatalogservice-v2.yaml")}, m_url, &error),
                 qPrintable(error));
    }

    void servesTheRoutesOnTheLoadBalancerAddress()
    {
        Shopper s(m_url);
        auto home = s.get("/");
        QVERIFY(home);
        QCOMPARE(home->status, 200);
        QVERIFY(home->body.find("Sunglasses") != std::string::npos);
        QVERIFY(home->body.find("$19.99") != std::string::npos);
        QVERIFY2(s.cookies.count("shop_session-id") && s.cookies["shop_session-id"].size() == 36,
                 "no shop_session-id cookie with a UUID");
        auto health = s.get("/_healthz");
        QVERIFY(health);
        QCOMPARE(health->body, std::string("ok"));
        auto product = s.get("/product/66VCHSJNUP");
        QVERIFY(product);
        QCOMPARE(product->status, 200);
        QCOMPARE(productName(product->body), QStringLiteral("Tank Top"));
        QCOMPARE(s.get("/nothing-here")->status, 404);
    }

    void sessionCartCurrencyAndLogout()
    {
        Shopper s(m_url);
        QCOMPARE(s.get("/")->status, 200);
        const std::string session = s.cookies["shop_session-id"];
        auto set = s.post("/setCurrency", {{"currency_code", "EUR"}});
        QVERIFY(set);
        QCOMPARE(set->status, 302);
        QCOMPARE(s.cookies["shop_currency"], std::string("EUR"));
        auto page = s.get("/product/OLJCESPC7Z");
        QVERIFY(page->body.find("\xE2\x82\xAC" "17.68") != std::string::npos); // 19.99 USD in EUR
        auto add = s.post("/cart", {{"product_id", "66VCHSJNUP"}, {"quantity", "3"}});
        QCOMPARE(add->status, 302);
        QCOMPARE(add->get_header_value("Location"), std::string("/cart"));
        auto cart = s.get("/cart");
        QCOMPARE(cart->status, 200);
        QVERIFY2(cart->body.find("Tank Top &times; 3") != std::string::npos, cart->body.c_str());
        QCOMPARE(s.cookies["shop_session-id"], session); // the same cart across requests
        auto empty = s.post("/cart/empty", {});
        QCOMPARE(empty->status, 302);
        QVERIFY(s.get("/cart")->body.find("Cart (0)") != std::string::npos);
        auto out = s.get("/logout");
        QCOMPARE(out->status, 302);
        QVERIFY(s.cookies.empty()); // every cookie expired
    }

    void rejectsBadFormInput()
    {
        Shopper s(m_url);
        QCOMPARE(s.post("/cart", {{"product_id", "66VCHSJNUP"}, {"quantity", "0"}})->status, 422);
        QCOMPARE(s.post("/cart", {{"quantity", "1"}})->status, 422);
        QCOMPARE(s.post("/setCurrency", {{"currency_code", "XXX"}})->status, 422);
        auto noSuch = s.get("/product/NOSUCHTHING");
        QCOMPARE(noSuch->status, 500);
        QVERIFY(noSuch->body.find("could not retrieve product") != std::string::npos);
        auto form = checkoutForm("4432-8015-6152-0454");
        form.erase("email");
        QCOMPARE(s.post("/cart/checkout", form)->status, 422);
    }

    void productPagesSplitByReplicaCount()
    {
        QVERIFY(m_sb.kubectl({QStringLiteral("scale"), QStringLiteral("deployment/productcatalogservice"),
                              QStringLiteral("--replicas=3")})
                    .ok());
        QVERIFY(m_sb.kubectl({QStringLiteral("scale"), QStringLiteral("deployment/productcatalogservice-v2"),
                              QStringLiteral("--replicas=1")})
                    .ok());
        QVERIFY2(bc::test::SandboxFixture::waitFor([&] { return readyEndpoints(u"productcatalogservice"_s) == 4; }, 30000),
                 "productcatalogservice did not reach 4 ready endpoints");
        const double share = v2Share(2000);
        qInfo("v2 share of 2000 product pages with 3 v1 + 1 v2 replicas: %.1f%%", share * 100);
        QVERIFY2(share >= 0.22 && share <= 0.28, qPrintable(QString::number(share)));
    }

    void istioRouteWeightsDecide()
    {
        QVERIFY(m_sb.kubectl({QStringLiteral("apply"), QStringLiteral("-f"),
                              bc::test::manifest("istio/productcatalogservice-canary.yaml")})
                    .ok());
        QVERIFY2(bc::test::SandboxFixture::waitFor([&] { return v2Share(50) == 0.0; }, 10000),
                 "with weights 100/0 some product pages still came from v2");
        QCOMPARE(v2Share(300), 0.0);
        const QByteArray patch = R"([{"op":"replace","path":"/spec/http/0/route/0/weight","value":50},
                                     {"op":"replace","path":"/spec/http/0/route/1/weight","value":50}])";
        const auto patched = m_sb.kubectl({QStringLiteral("patch"), QStringLiteral("virtualservice"),
                                           QStringLiteral("productcatalogservice"), QStringLiteral("--type=json"),
                                           QStringLiteral("-p"), QString::fromUtf8(patch)});
        QVERIFY2(patched.ok(), qPrintable(patched.errText()));
        QVERIFY2(bc::test::SandboxFixture::waitFor([&] { return v2Share(50) > 0.0; }, 10000), "50/50 never reached v2");
        const double share = v2Share(1000); // 1 v2 pod gets half although it is 1 of 4 replicas
        qInfo("v2 share with Istio weights 50/50: %.1f%%", share * 100);
        QVERIFY2(share > 0.44 && share < 0.56, qPrintable(QString::number(share)));
        QVERIFY(m_sb.kubectl({QStringLiteral("delete"), QStringLiteral("-f"),
                              bc::test::manifest("istio/productcatalogservice-canary.yaml")})
                    .ok());
    }

    void checkoutValidatesTheCardAndLogsTheOrder()
    {
        // orderlog Service + Deployment in the sandbox, the frontend's CHECKOUT_SERVICE_ADDR pointed at it:
        // checkout goes through the real server's tap to the sandbox's checkoutservice.
        const QByteArray yaml = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: orderlog, labels: {app: orderlog}}
spec:
  selector: {matchLabels: {app: orderlog}}
  template:
    metadata: {labels: {app: orderlog}}
    spec:
      containers:
      - name: server
        image: boutique-control/orderlog:0.1.0
        ports: [{containerPort: 50051}]
        resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 200m, memory: 128Mi}}
---
apiVersion: v1
kind: Service
metadata: {name: orderlog}
spec:
  selector: {app: orderlog}
  ports: [{name: grpc, port: 50051}]
)";
        const auto applied = m_sb.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 60000, yaml);
        QVERIFY2(applied.ok(), qPrintable(applied.errText()));
        QVERIFY(bc::test::SandboxFixture::waitFor([&] { return readyEndpoints(u"orderlog"_s) == 1; }, 30000));
        QVERIFY2(pointFrontendAt("orderlog:50051"), "the frontend was not rolled out with the tap's address");

        Shopper s(m_url);
        QCOMPARE(s.post("/cart", {{"product_id", "OLJCESPC7Z"}, {"quantity", "2"}})->status, 302);
        const struct {
            const char *card, *month, *year, *expect;
        } bad[] = {{"4432-8015-6152-0455", "1", "2039", "Credit card info is invalid"},
                   {"378282246310005", "1", "2039", "Only VISA or MasterCard is accepted"},
                   {"4432-8015-6152-0454", "1", "2020", "expired on 1/2020"}};
        for (const auto &b : bad) {
            auto r = s.post("/cart/checkout", checkoutForm(b.card, b.month, b.year));
            QVERIFY(r);
            QCOMPARE(r->status, 500);
            QVERIFY2(r->body.find("failed to complete the order") != std::string::npos, r->body.c_str());
            QVERIFY2(r->body.find(b.expect) != std::string::npos, r->body.c_str());
        }
        std::vector<std::string> ids;
        for (const char *card : {"4432-8015-6152-0454", "5555555555554444"}) { // VISA, MasterCard
            QCOMPARE(s.post("/cart", {{"product_id", "66VCHSJNUP"}, {"quantity", "1"}})->status, 302);
            auto ok = s.post("/cart/checkout", checkoutForm(card));
            QVERIFY(ok);
            QCOMPARE(ok->status, 200);
            static const QRegularExpression idRe(QStringLiteral("order-id\">([0-9a-f-]{36})<"));
            const QString id = idRe.match(QString::fromStdString(ok->body)).captured(1);
            QVERIFY2(!id.isEmpty(), ok->body.c_str());
            ids.push_back(id.toStdString());
        }
        pqxx::connection c(m_conninfo);
        for (const std::string &id : ids) {
            pqxx::work tx(c);
            const pqxx::result r = tx.exec_params("SELECT user_id, email, currency_code FROM logs WHERE order_id = $1", id);
            QCOMPARE(r.size(), std::size_t(1));
            QCOMPARE(r[0][0].as<std::string>(), s.cookies["shop_session-id"]);
            QCOMPARE(r[0][1].as<std::string>(), std::string("someone@example.com"));
            QCOMPARE(r[0][2].as<std::string>(), std::string("USD"));
        }
        // orderlog-server says they came to it as hipstershop.CheckoutService/PlaceOrder.
        QString serverLog;
        const auto taplogged = [&] {
            serverLog += m_orderlog.errorOutput();
            for (const std::string &id : ids)
                if (!serverLog.contains(QStringLiteral("checkout tap: order %1 logged via PlaceOrder")
                                            .arg(QString::fromStdString(id))))
                    return false;
            return true;
        };
        QVERIFY2(bc::test::SandboxFixture::waitFor(taplogged, 5000), qPrintable(serverLog));

        // Back to checkoutservice: the order is placed, and not logged.
        QVERIFY2(pointFrontendAt("checkoutservice:5050"), "the frontend was not rolled back to checkoutservice");
        QCOMPARE(s.post("/cart", {{"product_id", "66VCHSJNUP"}, {"quantity", "1"}})->status, 302);
        auto direct = s.post("/cart/checkout", checkoutForm("4432-8015-6152-0454"));
        QVERIFY(direct);
        QCOMPARE(direct->status, 200);
        static const QRegularExpression idRe(QStringLiteral("order-id\">([0-9a-f-]{36})<"));
        const std::string directId = idRe.match(QString::fromStdString(direct->body)).captured(1).toStdString();
        QVERIFY(!directId.empty());
        pqxx::work tx(c);
        QCOMPARE(tx.exec_params1("SELECT count(*) FROM logs WHERE order_id = $1", directId)[0].as<int>(), 0);
    }

    void deletedPodFailsUntilItsReplacementIsReady()
    {
        const QJsonArray pods = m_sb.json({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-l"),
                                           QStringLiteral("app=currencyservice")})[u"items"]
                                    .toArray();
        QCOMPARE(pods.size(), 1);
        const QString pod = pods[0].toObject()[u"metadata"].toObject()[u"name"].toString();
        QVERIFY(m_sb.kubectl({QStringLiteral("delete"), QStringLiteral("pod"), pod, QStringLiteral("--wait=false")}).ok());
        Shopper s(m_url);
        std::string failure;
        QVERIFY2(bc::test::SandboxFixture::waitFor(
                     [&] {
                         auto r = s.get("/");
                         if (r && r->status == 500)
                             failure = r->body;
                         return !failure.empty();
                     },
                     10000),
                 "the home page never failed while currencyservice had no ready pod");
        QVERIFY2(failure.find("could not retrieve currencies") != std::string::npos, failure.c_str());
        QVERIFY2(bc::test::SandboxFixture::waitFor([&] { return s.get("/")->status == 200; }, 30000),
                 "the home page did not recover once the replacement pod was ready");
    }

    void missingServiceGivesTheFrontendsErrorPage()
    {
        QVERIFY(m_sb.kubectl({QStringLiteral("delete"), QStringLiteral("service"), QStringLiteral("shippingservice")}).ok());
        Shopper s(m_url);
        QVERIFY2(bc::test::SandboxFixture::waitFor([&] { return s.get("/cart")->status == 500; }, 10000),
                 "the cart page did not fail without shippingservice");
        QVERIFY(s.get("/cart")->body.find("failed to get shipping quote") != std::string::npos);
        QCOMPARE(s.get("/")->status, 200);                     // home does not need shipping
        QCOMPARE(s.get("/product/9SIQT8TOJO")->status, 200);   // nor do product pages
    }

    void faultOptionAddsLatencyAndErrors()
    {
        bc::test::SandboxFixture faulty;
        QString error, url;
        QVERIFY2(faulty.start({QStringLiteral("--pod-start-delay"), QStringLiteral("0.3"), QStringLiteral("--lb-delay"),
                               QStringLiteral("0.2"), QStringLiteral("--cost-scale"), QStringLiteral("0"),
                               QStringLiteral("--fault"), QStringLiteral("cartservice:latency=300"),
                               QStringLiteral("--fault"), QStringLiteral("shippingservice:error=1")},
                              &error),
                 qPrintable(error));
        QVERIFY2(bc::test::deployBoutique(faulty, {}, url, &error), qPrintable(error));
        QVERIFY(url != m_url); // each sandbox serves on its own loopback address
        Shopper s(url);
        const auto t0 = std::chrono::steady_clock::now();
        QCOMPARE(s.get("/")->status, 200);
        QVERIFY(std::chrono::steady_clock::now() - t0 >= 300ms); // GetCart waits for the injected latency
        auto cart = s.get("/cart");
        QCOMPARE(cart->status, 500);
        QVERIFY(cart->body.find("fault injected into shippingservice") != std::string::npos);

        QProcess bad;
        bad.start(QStringLiteral(BC_BINARY_DIR "/infra/sandbox/boutique-sandbox"),
                  {QStringLiteral("--fault"), QStringLiteral("cartservice:error=2")});
        QVERIFY(bad.waitForFinished(10000));
        QCOMPARE(bad.exitCode(), 2);
        QVERIFY(bad.readAllStandardError().contains("error rate must be between 0 and 1"));
    }

private:
    int readyEndpoints(const QString &service)
    {
        const QJsonArray subsets =
            m_sb.json({QStringLiteral("get"), QStringLiteral("endpoints"), service})[u"subsets"].toArray();
        int n = 0;
        for (const auto &s : subsets)
            n += s.toObject()[u"addresses"].toArray().size();
        return n;
    }

    double v2Share(int requests)
    {
        Shopper s(m_url);
        int v2 = 0, ok = 0;
        for (int i = 0; i < requests; ++i) {
            auto r = s.get("/product/OLJCESPC7Z");
            if (!r || r->status != 200)
                continue;
            ++ok;
            const QString name = productName(r->body);
            if (name == u"SunglassesV2"_s)
                ++v2;
            else if (name != u"Sunglasses"_s)
                return -1;
        }
        return ok == requests ? double(v2) / requests : -1;
    }

    // kubectl set env on the frontend, then every frontend pod carries the address.
    bool pointFrontendAt(const char *address)
    {
        if (!m_sb.kubectl({QStringLiteral("set"), QStringLiteral("env"), QStringLiteral("deployment/frontend"),
                           QStringLiteral("CHECKOUT_SERVICE_ADDR=") + QLatin1String(address)})
                 .ok())
            return false;
        return bc::test::SandboxFixture::waitFor(
            [&] {
                const auto r = m_sb.kubectl({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-l"),
                                             QStringLiteral("app=frontend"), QStringLiteral("-o"),
                                             QStringLiteral("jsonpath={.items[*].spec.containers[0].env[?(@.name==\"CHECKOUT_SERVICE_ADDR\")].value}")});
                return r.ok() && r.out.trimmed() == address;
            },
            30000);
    }

    bc::test::SandboxFixture m_sb;
    bc::test::ServerProcess m_orderlog;
    std::string m_conninfo;
    QString m_url;
};

QTEST_GUILESS_MAIN(TstStorefront)
#include "tst_storefront.moc"
