#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bc::sandbox::storefront {

// Money as the Online Boutique protos carry it: whole units and nanos of one currency.
struct Money {
    std::string currencyCode = "USD";
    std::int64_t units = 0;
    std::int32_t nanos = 0;
};

struct Product {
    std::string id, name, description, picture;
    Money priceUsd;
    std::vector<std::string> categories;
};

// The upstream catalog (products.json, compiled in) and currency table (EUR-based rates of the
// upstream currencyservice). Immutable after construction; shared by every request thread.
class ShopData {
public:
    ShopData(); // parses the bundled products.json; throws std::runtime_error if it is broken

    const std::vector<Product> &products() const { return m_products; }
    const Product *product(const std::string &id) const;

    // Codes the frontend offers (its whitelist intersected with the currency service's table).
    static const std::vector<std::string> &supportedCurrencies();
    static bool isSupportedCurrency(const std::string &code);
    static Money convert(const Money &from, const std::string &toCode);
    static Money multiply(const Money &m, int quantity);
    static Money add(const Money &a, const Money &b);
    static std::string render(const Money &m); // "$19.99", "€17.68", "¥2527"

private:
    std::vector<Product> m_products;
    std::map<std::string, std::size_t> m_byId;
};

const char *bundledProductsJson(); // generated from data/products.json

} // namespace bc::sandbox::storefront
