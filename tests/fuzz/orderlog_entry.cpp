// The Orderlog's Entry messages as a client sends them: decode, validate, convert; a record that is
// accepted converts back to an Entry that gives the same record.
// Input: the idempotency-key metadata value, a NUL, the serialized Entry.
#include "orderlog/proto_convert.h"

#include "tests/fuzz/fuzz_input.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace bc::orderlog;
    const auto parts = bc::fuzz::splitNul(bc::fuzz::bytes(data, size), 2);
    const std::string &metadataKey = parts[0];
    const std::string &wire = parts[1];
    ::orderlog::Entry entry;
    if (!entry.ParseFromString(wire))
        return 0;
    const Converted converted = entryToRecord(entry, metadataKey);
    if (const auto *record = std::get_if<OrderRecord>(&converted)) {
        ::orderlog::StoredEntry stored;
        recordToProto(*record, &stored);
        ::orderlog::Entry back;
        recordToEntry(*record, &back);
        const Converted again = entryToRecord(back, std::string()); // the key is in the order id by now
        const auto *second = std::get_if<OrderRecord>(&again);
        if (const auto *why = std::get_if<std::string>(&again))
            std::fprintf(stderr, "the entry made from an accepted record is refused: %s\n", why->c_str());
        if (!second || second->content != record->content || second->orderId != record->orderId
            || second->items != record->items || second->totalUnits != record->totalUnits) {
            std::fprintf(stderr, "an accepted entry does not survive record -> entry -> record\n");
            std::abort();
        }
    }
    return 0;
}
