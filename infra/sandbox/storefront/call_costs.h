#pragma once

// CPU seconds per call (before --cost-scale), shared by the frontend routes and the checkout
// stand-in; see README.md for how they were chosen.
namespace bc::sandbox::storefront::cost {

constexpr double kFrontendHome = 0.0032, kFrontendPage = 0.002, kFrontendPost = 0.001, kFrontendTiny = 0.0002;
constexpr double kSupportedCurrencies = 0.0004, kConvert = 0.00085;
constexpr double kGetProduct = 0.0004, kListProducts = 0.0006;
constexpr double kCart = 0.0008, kRedis = 0.0001;
constexpr double kShipping = 0.0004, kCheckout = 0.002, kPayment = 0.0006, kEmail = 0.001;
constexpr double kRecommendation = 0.002, kAd = 0.001, kOrderlog = 0.0005;

} // namespace bc::sandbox::storefront::cost
