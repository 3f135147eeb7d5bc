// What the checkout tap decodes from a placed order (the request and upstream's response).
// Input: two bytes of request length (little endian), the serialized PlaceOrderRequest, the response.
#include "orderlog/proto_convert.h"

#include "tests/fuzz/fuzz_input.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace bc::orderlog;
    if (size < 2)
        return 0;
    const size_t requestBytes = std::min<size_t>(data[0] | (size_t(data[1]) << 8), size - 2);
    ::hipstershop::PlaceOrderRequest request;
    ::hipstershop::PlaceOrderResponse response;
    if (!request.ParseFromArray(data + 2, int(requestBytes))
        || !response.ParseFromArray(data + 2 + requestBytes, int(size - 2 - requestBytes)))
        return 0;
    const Converted converted = placedOrderToRecord(request, response);
    if (const auto *record = std::get_if<OrderRecord>(&converted)) {
        if (!isValidUtf8(record->orderId) || !isValidUtf8(record->email) || record->items.size() > kMaxItems) {
            std::fprintf(stderr, "the tap accepted an order it must refuse\n");
            std::abort();
        }
    }
    return 0;
}
