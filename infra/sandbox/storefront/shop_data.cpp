#include "infra/sandbox/storefront/shop_data.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace bc::sandbox::storefront {

namespace {

// Rates per 1 EUR, from the upstream currencyservice's currency_conversion.json.
const std::map<std::string, double> &rates()
{
    static const std::map<std::string, double> table = {
        {"EUR", 1.0},     {"USD", 1.1305},  {"JPY", 126.40},  {"BGN", 1.9558},   {"CZK", 25.592},
        {"DKK", 7.4609},  {"GBP", 0.85970}, {"HUF", 315.51},  {"PLN", 4.2996},   {"RON", 4.7463},
        {"SEK", 10.5375}, {"CHF", 1.1360},  {"ISK", 136.80},  {"NOK", 9.8040},   {"HRK", 7.4210},
        {"RUB", 74.4208}, {"TRY", 6.1247},  {"AUD", 1.6072},  {"BRL", 4.2682},   {"CAD", 1.5128},
        {"CNY", 7.5857},  {"HKD", 8.8743},  {"IDR", 15999.40}, {"ILS", 4.0875},  {"INR", 79.4320},
        {"KRW", 1275.05}, {"MXN", 21.7999}, {"MYR", 4.6289},  {"NZD", 1.6679},   {"PHP", 59.083},
        {"SGD", 1.5349},  {"THB", 36.012},  {"ZAR", 16.0583}};
    return table;
}

constexpr long long kNanos = 1000000000LL;

Money fromTotalNanos(const std::string &code, long double total)
{
    const long long n = static_cast<long long>(std::llround(total));
    Money m;
    m.currencyCode = code;
    m.units = n / kNanos;
    m.nanos = static_cast<std::int32_t>(n % kNanos);
    return m;
}

long double totalNanos(const Money &m)
{
    return static_cast<long double>(m.units) * kNanos + m.nanos;
}

} // namespace

ShopData::ShopData()
{
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(bundledProductsJson());
    } catch (const nlohmann::json::exception &e) {
        throw std::runtime_error(std::string("bundled products.json is not valid JSON: ") + e.what());
    }
    for (const auto &p : doc.value("products", nlohmann::json::array())) {
        Product prod;
        prod.id = p.value("id", "");
        prod.name = p.value("name", "");
        prod.description = p.value("description", "");
        prod.picture = p.value("picture", "");
        const auto price = p.value("priceUsd", nlohmann::json::object());
        prod.priceUsd.currencyCode = price.value("currencyCode", "USD");
        prod.priceUsd.units = price.value("units", 0LL);
        prod.priceUsd.nanos = price.value("nanos", 0);
        for (const auto &c : p.value("categories", nlohmann::json::array()))
            prod.categories.push_back(c.get<std::string>());
        if (prod.id.empty())
            throw std::runtime_error("bundled products.json has a product without id");
        m_byId[prod.id] = m_products.size();
        m_products.push_back(std::move(prod));
    }
    if (m_products.empty())
        throw std::runtime_error("bundled products.json has no products");
}

const Product *ShopData::product(const std::string &id) const
{
    const auto it = m_byId.find(id);
    return it == m_byId.end() ? nullptr : &m_products[it->second];
}

const std::vector<std::string> &ShopData::supportedCurrencies()
{
    // The frontend's whitelist (HEAD); v0.8.1's load generator uses EUR, USD, JPY, CAD.
    static const std::vector<std::string> codes = {"USD", "EUR", "CAD", "JPY", "GBP", "TRY"};
    return codes;
}

bool ShopData::isSupportedCurrency(const std::string &code)
{
    const auto &c = supportedCurrencies();
    return std::find(c.begin(), c.end(), code) != c.end();
}

Money ShopData::convert(const Money &from, const std::string &toCode)
{
    const auto &r = rates();
    const auto src = r.find(from.currencyCode);
    const auto dst = r.find(toCode);
    if (src == r.end() || dst == r.end())
        throw std::invalid_argument("unsupported currency " + (src == r.end() ? from.currencyCode : toCode));
    return fromTotalNanos(toCode, totalNanos(from) / src->second * dst->second);
}

Money ShopData::multiply(const Money &m, int quantity)
{
    return fromTotalNanos(m.currencyCode, totalNanos(m) * quantity);
}

Money ShopData::add(const Money &a, const Money &b)
{
    return fromTotalNanos(a.currencyCode, totalNanos(a) + totalNanos(b));
}

std::string ShopData::render(const Money &m)
{
    static const std::map<std::string, std::string> symbols = {
        {"USD", "$"}, {"CAD", "$"}, {"JPY", "\xC2\xA5"}, {"EUR", "\xE2\x82\xAC"}, {"TRY", "\xE2\x82\xBA"}, {"GBP", "\xC2\xA3"}};
    const auto s = symbols.find(m.currencyCode);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%lld.%02d", static_cast<long long>(m.units), m.nanos / 10000000);
    return (s == symbols.end() ? m.currencyCode + " " : s->second) + buf;
}

} // namespace bc::sandbox::storefront
