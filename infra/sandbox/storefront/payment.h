#pragma once

#include <string>

namespace bc::sandbox::storefront {

// The checks of the upstream paymentservice's charge(): a valid card number (Luhn, known
// length), VISA or MasterCard only, not expired. `error` is the gRPC status message it returns.
struct CardCheck {
    bool ok = false;
    std::string error;
    std::string lastFour;
};

CardCheck checkCard(const std::string &number, int expirationMonth, int expirationYear);
std::string cardType(const std::string &digits); // "visa", "mastercard", "american-express", ..., ""
bool luhnValid(const std::string &digits);

} // namespace bc::sandbox::storefront
