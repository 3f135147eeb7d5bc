#include "infra/sandbox/storefront/storefront.h"

#include "infra/sandbox/cluster_simulator.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/sandbox.h"
#include "infra/sandbox/storefront/call_costs.h"
#include "infra/sandbox/storefront/checkout_route.h"
#include "infra/sandbox/storefront/shop_data.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>

namespace bc::sandbox::storefront {

namespace {

constexpr const char *kCanaryProduct = "OLJCESPC7Z";
constexpr const char *kSessionCookie = "shop_session-id";
constexpr const char *kCurrencyCookie = "shop_currency";
constexpr int kCookieMaxAge = 172800; // 48 h, as upstream

std::string escape(const std::string &s)
{
    std::string o;
    o.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '<': o += "&lt;"; break;
        case '>': o += "&gt;"; break;
        case '&': o += "&amp;"; break;
        case '"': o += "&quot;"; break;
        default: o += c;
        }
    }
    return o;
}

std::map<std::string, std::string> cookies(const httplib::Request &req)
{
    std::map<std::string, std::string> out;
    const std::string header = req.get_header_value("Cookie");
    std::size_t pos = 0;
    while (pos < header.size()) {
        std::size_t end = header.find(';', pos);
        if (end == std::string::npos)
            end = header.size();
        std::string part = header.substr(pos, end - pos);
        const auto b = part.find_first_not_of(' ');
        part = b == std::string::npos ? std::string() : part.substr(b);
        const auto eq = part.find('=');
        if (eq != std::string::npos && eq > 0)
            out[part.substr(0, eq)] = part.substr(eq + 1);
        pos = end + 1;
    }
    return out;
}

std::string statusText(int code)
{
    switch (code) {
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 422: return "Unprocessable Entity";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    default: return "Error";
    }
}

bool parseInt(const std::string &s, long long min, long long max, long long &out)
{
    if (s.empty() || s.size() > 12)
        return false;
    char *end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (*end || v < min || v > max)
        return false;
    out = v;
    return true;
}

} // namespace

// ---- HTTP ---------------------------------------------------------------------------------------

class Storefront::Http {
public:
    Http(Storefront &owner) : m_owner(owner), m_data(*owner.m_data), m_mesh(*owner.m_mesh), m_carts(owner.m_carts) {}

    void routes();
    httplib::Server server;
    std::thread thread;

private:
    using Cart = CartStore::Cart;
    struct Page {
        ServiceMesh::Trace trace;
        const PodEndpoint *frontendPod = nullptr; // the frontend pod serving this request
        std::string session;
        std::string currency = "USD";
        std::map<std::string, std::string> cookies;
    };

    // Every request: a ready frontend pod, the session cookie. false = answered already (no pod).
    bool enter(const httplib::Request &req, httplib::Response &res, Page &page, double frontendCost);
    void error(httplib::Response &res, Page &page, int code, const std::string &message);
    void html(httplib::Response &res, Page &page, const std::string &title, const std::string &body);
    void redirect(httplib::Response &res, Page &page, const std::string &location);
    std::string header(const Page &page, const std::string &title) const;

    // Backend calls: "" or the error.
    std::string getProduct(Page &page, const std::string &id, Product &out);
    std::string convert(Page &page, const Money &m, Money &out);
    std::string cartCall(Page &page, const std::string &method, double cpu);
    void optional(Page &page, const std::string &service, const std::string &method, double cpu);

    void home(const httplib::Request &, httplib::Response &);
    void product(const httplib::Request &, httplib::Response &);
    void viewCart(const httplib::Request &, httplib::Response &);
    void addToCart(const httplib::Request &, httplib::Response &);
    void emptyCart(const httplib::Request &, httplib::Response &);
    void setCurrency(const httplib::Request &, httplib::Response &);
    void logout(const httplib::Request &, httplib::Response &);
    void placeOrder(const httplib::Request &, httplib::Response &);

    Storefront &m_owner;
    const ShopData &m_data;
    ServiceMesh &m_mesh;
    CartStore &m_carts;
};

bool Storefront::Http::enter(const httplib::Request &req, httplib::Response &res, Page &page, double frontendCost)
{
    page.trace = m_mesh.begin();
    const Topology &topo = *page.trace.topo;
    if (topo.frontendService.empty()
        || !m_mesh.call(page.trace, topo.frontendService, "http", frontendCost, &page.frontendPod).empty()) {
        // The load balancer has no healthy backend: what a cloud LB answers.
        res.status = 502;
        res.set_content("upstream connect error: no ready frontend pod behind " + topo.frontendService + "\n",
                        "text/plain");
        ServiceMesh::finish(page.trace);
        return false;
    }
    page.cookies = cookies(req);
    const auto sid = page.cookies.find(kSessionCookie);
    if (sid != page.cookies.end() && !sid->second.empty()) {
        page.session = sid->second;
    } else {
        page.session = uuid4();
        res.set_header("Set-Cookie", std::string(kSessionCookie) + "=" + page.session + "; Path=/; Max-Age="
                                         + std::to_string(kCookieMaxAge));
    }
    const auto cur = page.cookies.find(kCurrencyCookie);
    if (cur != page.cookies.end() && ShopData::isSupportedCurrency(cur->second))
        page.currency = cur->second;
    return true;
}

std::string Storefront::Http::header(const Page &page, const std::string &title) const
{
    std::string h = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(title)
                    + " | Online Boutique</title></head>\n<body>\n<header><a href=\"/\">Online Boutique</a> "
                      "<span class=\"currency\">"
                    + page.currency + "</span> <a href=\"/cart\">Cart</a></header>\n";
    return h;
}

void Storefront::Http::html(httplib::Response &res, Page &page, const std::string &title, const std::string &body)
{
    res.status = 200;
    res.set_content(header(page, title) + body + "</body></html>\n", "text/html; charset=utf-8");
    ServiceMesh::finish(page.trace);
}

void Storefront::Http::error(httplib::Response &res, Page &page, int code, const std::string &message)
{
    // The upstream error.html: "Uh, oh!", the status and the error text for debugging.
    res.status = code;
    res.set_content(header(page, "Error") + "<h3>Uh, oh!</h3>\n<p>Something has failed. Below are some details for "
                                            "debugging.</p>\n<p><strong>HTTP Status:</strong> "
                        + std::to_string(code) + " " + statusText(code) + "</p>\n<pre class=\"error\">" + escape(message)
                        + "</pre>\n</body></html>\n",
                    "text/html; charset=utf-8");
    ServiceMesh::finish(page.trace);
}

void Storefront::Http::redirect(httplib::Response &res, Page &page, const std::string &location)
{
    res.status = 302;
    res.set_header("Location", location);
    ServiceMesh::finish(page.trace);
}

std::string Storefront::Http::getProduct(Page &page, const std::string &id, Product &out)
{
    const PodEndpoint *pod = nullptr;
    if (std::string e = m_mesh.call(page.trace, "productcatalogservice", "GetProduct", cost::kGetProduct, &pod);
        !e.empty())
        return e;
    const Product *p = m_data.product(id);
    if (!p)
        return "rpc error: code = NotFound desc = no product with ID " + id;
    out = *p;
    if (pod && pod->v2 && out.id == kCanaryProduct)
        out.name += "V2";
    return {};
}

std::string Storefront::Http::convert(Page &page, const Money &m, Money &out)
{
    if (std::string e = m_mesh.call(page.trace, "currencyservice", "Convert", cost::kConvert); !e.empty())
        return e;
    out = ShopData::convert(m, page.currency);
    return {};
}

std::string Storefront::Http::cartCall(Page &page, const std::string &method, double cpu)
{
    if (std::string e = m_mesh.call(page.trace, "cartservice", method, cpu); !e.empty())
        return e;
    if (std::string e = m_mesh.call(page.trace, "redis-cart", "redis", cost::kRedis); !e.empty())
        return "rpc error: code = FailedPrecondition desc = Can't access cart storage. " + e;
    return {};
}

void Storefront::Http::optional(Page &page, const std::string &service, const std::string &method, double cpu)
{
    if (page.trace.topo->deployed(service))
        (void)m_mesh.call(page.trace, service, method, cpu); // errors are only logged upstream
}

void Storefront::Http::home(const httplib::Request &req, httplib::Response &res)
{
    Page page;
    if (!enter(req, res, page, cost::kFrontendHome))
        return;
    if (auto e = m_mesh.call(page.trace, "currencyservice", "GetSupportedCurrencies", cost::kSupportedCurrencies);
        !e.empty())
        return error(res, page, 500, "could not retrieve currencies: " + e);
    const PodEndpoint *catalogPod = nullptr;
    if (auto e = m_mesh.call(page.trace, "productcatalogservice", "ListProducts", cost::kListProducts, &catalogPod);
        !e.empty())
        return error(res, page, 500, "could not retrieve products: " + e);
    if (auto e = cartCall(page, "GetCart", cost::kCart); !e.empty())
        return error(res, page, 500, "could not retrieve cart: " + e);
    std::string body = "<h2>Hot Products</h2>\n<ul class=\"products\">\n";
    for (const Product &p : m_data.products()) {
        Money price;
        if (auto e = convert(page, p.priceUsd, price); !e.empty())
            return error(res, page, 500, "failed to do currency conversion for product " + p.id + ": " + e);
        std::string name = p.name;
        if (catalogPod && catalogPod->v2 && p.id == kCanaryProduct)
            name += "V2";
        body += "<li><a href=\"/product/" + p.id + "\">" + escape(name) + "</a> <span class=\"price\">"
                + ShopData::render(price) + "</span></li>\n";
    }
    body += "</ul>\n";
    optional(page, "adservice", "GetAds", cost::kAd);
    html(res, page, "Online Boutique", body);
}

void Storefront::Http::product(const httplib::Request &req, httplib::Response &res)
{
    Page page;
    if (!enter(req, res, page, cost::kFrontendPage))
        return;
    const std::string id = req.matches.size() > 1 ? std::string(req.matches[1]) : std::string();
    if (id.empty())
        return error(res, page, 400, "product id not specified");
    Product p;
    if (auto e = getProduct(page, id, p); !e.empty())
        return error(res, page, 500, "could not retrieve product: " + e);
    if (auto e = m_mesh.call(page.trace, "currencyservice", "GetSupportedCurrencies", cost::kSupportedCurrencies);
        !e.empty())
        return error(res, page, 500, "could not retrieve currencies: " + e);
    if (auto e = cartCall(page, "GetCart", cost::kCart); !e.empty())
        return error(res, page, 500, "could not retrieve cart: " + e);
    Money price;
    if (auto e = convert(page, p.priceUsd, price); !e.empty())
        return error(res, page, 500, "failed to convert currency: " + e);
    std::string recs;
    if (page.trace.topo->deployed("recommendationservice")
        && m_mesh.call(page.trace, "recommendationservice", "ListRecommendations", cost::kRecommendation).empty()) {
        int shown = 0;
        for (const Product &r : m_data.products()) {
            if (r.id == p.id || shown == 4)
                continue;
            Product rp;
            if (getProduct(page, r.id, rp).empty()) {
                recs += "<li><a href=\"/product/" + rp.id + "\">" + escape(rp.name) + "</a></li>";
                ++shown;
            }
        }
    }
    optional(page, "adservice", "GetAds", cost::kAd);
    std::string body = "<div class=\"product\" data-id=\"" + p.id + "\">\n<h2>" + escape(p.name)
                       + "</h2>\n<p class=\"price\">" + ShopData::render(price) + "</p>\n<p>" + escape(p.description)
                       + "</p>\n<form method=\"POST\" action=\"/cart\"><input type=\"hidden\" name=\"product_id\" value=\""
                       + p.id
                       + "\"><select name=\"quantity\"><option>1</option><option>2</option><option>3</option>"
                         "<option>4</option><option>5</option><option>10</option></select>"
                         "<button type=\"submit\">Add To Cart</button></form>\n</div>\n";
    if (!recs.empty())
        body += "<h3>You May Also Like</h3><ul class=\"recommendations\">" + recs + "</ul>\n";
    html(res, page, p.name, body);
}

void Storefront::Http::viewCart(const httplib::Request &req, httplib::Response &res)
{
    Page page;
    if (!enter(req, res, page, cost::kFrontendPage))
        return;
    if (auto e = m_mesh.call(page.trace, "currencyservice", "GetSupportedCurrencies", cost::kSupportedCurrencies);
        !e.empty())
        return error(res, page, 500, "could not retrieve currencies: " + e);
    if (auto e = cartCall(page, "GetCart", cost::kCart); !e.empty())
        return error(res, page, 500, "could not retrieve cart: " + e);
    const Cart cart = m_carts.get(page.session);
    optional(page, "recommendationservice", "ListRecommendations", cost::kRecommendation);
    if (auto e = m_mesh.call(page.trace, "shippingservice", "GetQuote", cost::kShipping); !e.empty())
        return error(res, page, 500, "failed to get shipping quote: " + e);
    Money shipping;
    const Money quoteUsd{"USD", cart.empty() ? 0 : 8, cart.empty() ? 0 : 990000000};
    if (auto e = convert(page, quoteUsd, shipping); !e.empty())
        return error(res, page, 500, "failed to get shipping quote: " + e);
    Money total = shipping;
    std::string rows;
    for (const auto &[id, qty] : cart) {
        Product p;
        if (auto e = getProduct(page, id, p); !e.empty())
            return error(res, page, 500, "could not retrieve product #" + id + ": " + e);
        Money price;
        if (auto e = convert(page, p.priceUsd, price); !e.empty())
            return error(res, page, 500, "could not convert currency for product #" + id + ": " + e);
        const Money line = ShopData::multiply(price, qty);
        total = ShopData::add(total, line);
        rows += "<li data-id=\"" + id + "\">" + escape(p.name) + " &times; " + std::to_string(qty) + " "
                + ShopData::render(line) + "</li>\n";
    }
    std::string body = "<h2>Cart (" + std::to_string(cart.size()) + ")</h2>\n<ul class=\"cart\">\n" + rows
                       + "</ul>\n<p>Shipping: " + ShopData::render(shipping) + "</p>\n<p class=\"total\">Total: "
                       + ShopData::render(total) + "</p>\n";
    html(res, page, "Shopping Cart", body);
}

void Storefront::Http::addToCart(const httplib::Request &req, httplib::Response &res)
{
    Page page;
    if (!enter(req, res, page, cost::kFrontendPost))
        return;
    long long qty = 0;
    const std::string id = req.get_param_value("product_id");
    if (id.empty() || !parseInt(req.get_param_value("quantity"), 1, 10, qty))
        return error(res, page, 422, "invalid form input: product_id is required and quantity must be 1..10");
    Product p;
    if (auto e = getProduct(page, id, p); !e.empty())
        return error(res, page, 500, "could not retrieve product: " + e);
    if (auto e = cartCall(page, "AddItem", cost::kCart); !e.empty())
        return error(res, page, 500, "failed to add to cart: " + e);
    m_carts.add(page.session, id, static_cast<int>(qty));
    redirect(res, page, "/cart");
}

void Storefront::Http::emptyCart(const httplib::Request &req, httplib::Response &res)
{
    Page page;
    if (!enter(req, res, page, cost::kFrontendPost))
        return;
    if (auto e = cartCall(page, "EmptyCart", cost::kCart); !e.empty())
        return error(res, page, 500, "failed to empty cart: " + e);
    m_carts.empty(page.session);
    redirect(res, page, "/");
}

void Storefront::Http::setCurrency(const httplib::Request &req, httplib::Response &res)
{
    Page page;
    if (!enter(req, res, page, cost::kFrontendPost))
        return;
    const std::string code = req.get_param_value("currency_code");
    if (!ShopData::isSupportedCurrency(code))
        return error(res, page, 422, "invalid form input: currency_code \"" + code + "\" is not supported");
    res.set_header("Set-Cookie", std::string(kCurrencyCookie) + "=" + code + "; Path=/; Max-Age="
                                     + std::to_string(kCookieMaxAge));
    const std::string referer = req.get_header_value("Referer");
    redirect(res, page, referer.empty() ? "/" : referer);
}

void Storefront::Http::logout(const httplib::Request &req, httplib::Response &res)
{
    Page page;
    if (!enter(req, res, page, cost::kFrontendTiny))
        return;
    for (const auto &[name, value] : page.cookies)
        res.set_header("Set-Cookie", name + "=; Path=/; Max-Age=-1");
    m_carts.empty(page.session);
    redirect(res, page, "/");
}

void Storefront::Http::placeOrder(const httplib::Request &req, httplib::Response &res)
{
    Page page;
    if (!enter(req, res, page, cost::kFrontendPage))
        return;
    const std::string email = req.get_param_value("email");
    const std::string street = req.get_param_value("street_address");
    const std::string zip = req.get_param_value("zip_code");
    const std::string city = req.get_param_value("city");
    const std::string state = req.get_param_value("state");
    const std::string country = req.get_param_value("country");
    const std::string card = req.get_param_value("credit_card_number");
    long long zipNum = 0, month = 0, year = 0, cvv = 0;
    std::string invalid;
    if (email.empty() || email.find('@') == std::string::npos)
        invalid = "email";
    else if (street.empty() || street.size() > 512)
        invalid = "street_address";
    else if (zip.empty() || !parseInt(zip, 0, 99999999999LL, zipNum))
        invalid = "zip_code";
    else if (city.empty() || city.size() > 128)
        invalid = "city";
    else if (state.empty() || state.size() > 128)
        invalid = "state";
    else if (country.empty() || country.size() > 128)
        invalid = "country";
    else if (card.empty() || card.size() > 32)
        invalid = "credit_card_number";
    else if (!parseInt(req.get_param_value("credit_card_expiration_month"), 1, 12, month))
        invalid = "credit_card_expiration_month";
    else if (!parseInt(req.get_param_value("credit_card_expiration_year"), 1970, 9999, year))
        invalid = "credit_card_expiration_year";
    else if (!parseInt(req.get_param_value("credit_card_cvv"), 0, 9999, cvv))
        invalid = "credit_card_cvv";
    if (!invalid.empty())
        return error(res, page, 422, "invalid form input: field " + invalid + " is missing or malformed");

    // PlaceOrder to the Service this frontend pod's CHECKOUT_SERVICE_ADDR names (CheckoutRoute).
    const CheckoutRequest request{page.session, page.currency, email,
                                  Address{street, city, state, country, static_cast<std::int32_t>(zipNum)}, card,
                                  static_cast<int>(cvv), static_cast<int>(year), static_cast<int>(month)};
    std::string checkoutAddress;
    if (page.frontendPod)
        if (const auto env = page.frontendPod->env.find("CHECKOUT_SERVICE_ADDR"); env != page.frontendPod->env.end())
            checkoutAddress = env->second;
    auto placed = m_owner.m_checkout->placeOrder(page.trace, checkoutAddress, request);
    if (const auto *failure = std::get_if<RpcFailure>(&placed))
        return error(res, page, 500, "failed to complete the order: " + failure->text());
    const PlacedOrder &order = std::get<PlacedOrder>(placed);
    optional(page, "recommendationservice", "ListRecommendations", cost::kRecommendation);
    if (auto e = m_mesh.call(page.trace, "currencyservice", "GetSupportedCurrencies", cost::kSupportedCurrencies);
        !e.empty())
        return error(res, page, 500, "could not retrieve currencies: " + e);
    std::string body = "<h2>Your order is complete!</h2>\n<p>Order Confirmation ID: <span class=\"order-id\">"
                       + order.orderId + "</span></p>\n<p>Shipping Tracking ID: <span class=\"tracking-id\">"
                       + order.shippingTrackingId + "</span></p>\n<p>Total Paid: <span class=\"total\">"
                       + ShopData::render(order.total()) + "</span></p>\n";
    html(res, page, "Order Confirmation", body);
}

void Storefront::Http::routes()
{
    using namespace std::placeholders;
    server.Get("/", [this](const auto &q, auto &r) { home(q, r); });
    server.Get(R"(/product/([^/]*))", [this](const auto &q, auto &r) { product(q, r); });
    server.Get("/cart", [this](const auto &q, auto &r) { viewCart(q, r); });
    server.Post("/cart", [this](const auto &q, auto &r) { addToCart(q, r); });
    server.Post("/cart/empty", [this](const auto &q, auto &r) { emptyCart(q, r); });
    server.Post("/cart/checkout", [this](const auto &q, auto &r) { placeOrder(q, r); });
    server.Post("/setCurrency", [this](const auto &q, auto &r) { setCurrency(q, r); });
    server.Get("/logout", [this](const auto &q, auto &r) { logout(q, r); });
    const auto healthz = [this](const httplib::Request &q, httplib::Response &r) {
        Page page;
        if (enter(q, r, page, cost::kFrontendTiny)) {
            r.set_content("ok", "text/plain");
            ServiceMesh::finish(page.trace);
        }
    };
    const auto robots = [](const httplib::Request &, httplib::Response &r) {
        r.set_content("User-agent: *\nDisallow: /\n", "text/plain");
    };
    for (const char *path : {"/_healthz", "/robots.txt"}) {
        const bool isHealth = std::string(path) == "/_healthz";
        server.Get(path, isHealth ? httplib::Server::Handler(healthz) : httplib::Server::Handler(robots));
        server.Post(path, isHealth ? httplib::Server::Handler(healthz) : httplib::Server::Handler(robots));
    }
    server.set_error_handler([](const httplib::Request &, httplib::Response &r) {
        if (r.body.empty())
            r.set_content(r.status == 404 ? "404 page not found\n" : "error\n", "text/plain");
    });
}

// ---- Storefront ---------------------------------------------------------------------------------

Storefront::Storefront(Sandbox &sandbox, StorefrontOptions options)
    : m_sandbox(sandbox), m_options(std::move(options)), m_data(std::make_unique<ShopData>()),
      m_mesh(std::make_unique<ServiceMesh>(sandbox.store(), sandbox.simulator(), m_options.costScale))
{
    for (const auto &[svc, spec] : m_options.faults)
        m_mesh->setFault(svc, spec);
    m_checkout = std::make_unique<CheckoutRoute>(*m_data, *m_mesh, m_carts, m_options.orderlogAddress);
}

std::string Storefront::startCheckout()
{
    return m_checkout->start(m_options.checkoutListen);
}

std::string Storefront::checkoutAddress() const
{
    return m_checkout->standInAddress();
}

Storefront::~Storefront()
{
    stop();
}

std::string Storefront::addFault(StorefrontOptions &options, const std::string &text)
{
    std::string service;
    FaultSpec spec;
    std::string err = parseFault(text, service, spec);
    if (err.empty())
        options.faults[service] = spec;
    return err;
}

std::string Storefront::loopbackAddressFor(int apiPort)
{
    // One address per sandbox (by its API port), so parallel sandboxes can all serve on port 80.
    return "127." + std::to_string(100 + ((apiPort >> 8) & 0xff) % 150) + "." + std::to_string(apiPort & 0xff) + ".1";
}

void Storefront::log(const std::string &line) const
{
    if (m_options.log)
        m_options.log(line);
}

void Storefront::start()
{
    std::lock_guard lock(m_mutex);
    if (m_running)
        return;
    m_running = true;
    m_watcher = std::thread([this] { watch(); });
}

void Storefront::stop()
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_running)
            return;
        m_running = false;
    }
    m_wake.notify_all();
    if (m_watcher.joinable())
        m_watcher.join();
    stopListening();
    m_checkout->stop();
}

std::string Storefront::url() const
{
    std::lock_guard lock(m_mutex);
    return m_url;
}

void Storefront::watch()
{
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            if (m_wake.wait_for(lock, std::chrono::milliseconds(100), [this] { return !m_running; }))
                return;
        }
        try {
            m_mesh->refresh();
            const auto topo = m_mesh->topology();
            const std::string key = topo->frontendService.empty() ? std::string() : topo->ns + "/" + topo->frontendService;
            std::string served;
            {
                std::lock_guard lock(m_mutex);
                served = m_servedService;
            }
            if (key != served) {
                stopListening();
                if (!key.empty())
                    listen(*topo);
            }
        } catch (const std::exception &e) {
            log(std::string("storefront: ") + e.what());
        }
    }
}

void Storefront::listen(const Topology &topo)
{
    const std::string ip = m_options.listenIp.empty() ? loopbackAddressFor(m_sandbox.port()) : m_options.listenIp;
    auto http = std::make_unique<Http>(*this);
    const int threads = std::max(4, m_options.threads);
    http->server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
    http->server.set_keep_alive_max_count(100000);
    http->server.set_keep_alive_timeout(10);
    http->server.set_tcp_nodelay(true);
    http->routes();
    int port = topo.frontendPort;
    if (!http->server.bind_to_port(ip.c_str(), port)) {
        port = http->server.bind_to_any_port(ip.c_str());
        if (port <= 0) {
            log("storefront: cannot listen on " + ip + " (port " + std::to_string(topo.frontendPort) + " or any)");
            std::lock_guard lock(m_mutex);
            m_servedService = topo.ns + "/" + topo.frontendService; // do not retry every 100 ms
            return;
        }
        log("storefront: port " + std::to_string(topo.frontendPort) + " on " + ip + " is not available, using "
            + std::to_string(port));
    }
    m_sandbox.simulator().setLoadBalancerIngress(topo.ns, topo.frontendService, ip);
    Http *raw = http.get();
    http->thread = std::thread([raw] { raw->server.listen_after_bind(); });
    const std::string url = "http://" + ip + ":" + std::to_string(port);
    {
        std::lock_guard lock(m_mutex);
        m_http = std::move(http);
        m_url = url;
        m_servedService = topo.ns + "/" + topo.frontendService;
    }
    log("storefront for " + topo.ns + "/" + topo.frontendService + " listening on " + url);
}

void Storefront::stopListening()
{
    std::unique_ptr<Http> http;
    {
        std::lock_guard lock(m_mutex);
        http = std::move(m_http);
        m_url.clear();
        m_servedService.clear();
    }
    if (!http)
        return;
    http->server.stop();
    if (http->thread.joinable())
        http->thread.join();
}

} // namespace bc::sandbox::storefront
