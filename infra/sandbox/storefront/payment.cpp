#include "infra/sandbox/storefront/payment.h"

#include <cctype>
#include <ctime>

namespace bc::sandbox::storefront {

namespace {

std::string digitsOnly(const std::string &number, bool &clean)
{
    std::string d;
    clean = true;
    for (char c : number) {
        if (std::isdigit(static_cast<unsigned char>(c)))
            d += c;
        else if (c != '-' && c != ' ') // card-validator strips dashes and spaces only
            clean = false;
    }
    return d;
}

int prefix(const std::string &d, std::size_t n)
{
    return d.size() < n ? -1 : std::stoi(d.substr(0, n));
}

} // namespace

bool luhnValid(const std::string &digits)
{
    if (digits.empty())
        return false;
    int sum = 0;
    bool doubleIt = false;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        int v = *it - '0';
        if (doubleIt) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
        doubleIt = !doubleIt;
    }
    return sum % 10 == 0;
}

std::string cardType(const std::string &d)
{
    const std::size_t n = d.size();
    if (!d.empty() && d[0] == '4' && (n == 16 || n == 18 || n == 19 || n == 13))
        return "visa";
    const int p2 = prefix(d, 2), p4 = prefix(d, 4);
    if (n == 16 && ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)))
        return "mastercard";
    if (n == 15 && (p2 == 34 || p2 == 37))
        return "american-express";
    if (n >= 16 && (p4 == 6011 || p2 == 65))
        return "discover";
    if (n >= 16 && p4 >= 3528 && p4 <= 3589)
        return "jcb";
    if (n == 14 && (p2 == 36 || p2 == 38))
        return "diners-club";
    return {};
}

CardCheck checkCard(const std::string &number, int month, int year)
{
    CardCheck r;
    bool clean = true;
    const std::string d = digitsOnly(number, clean);
    r.lastFour = d.size() >= 4 ? d.substr(d.size() - 4) : d;
    const std::string type = clean ? cardType(d) : std::string();
    if (!clean || type.empty() || !luhnValid(d)) {
        r.error = "Credit card info is invalid";
        return r;
    }
    if (type != "visa" && type != "mastercard") {
        r.error = "Sorry, we cannot process " + type + " credit cards. Only VISA or MasterCard is accepted.";
        return r;
    }
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    const int currentYear = tm.tm_year + 1900, currentMonth = tm.tm_mon + 1;
    if (currentYear * 12 + currentMonth > year * 12 + month) {
        r.error = "Your credit card (ending " + r.lastFour + ") expired on " + std::to_string(month) + "/"
                  + std::to_string(year);
        return r;
    }
    r.ok = true;
    return r;
}

} // namespace bc::sandbox::storefront
