// Server-side apply. Input: the live object, NUL, the manager's previous configuration, NUL, the new one.
#include "infra/sandbox/api_error.h"
#include "infra/sandbox/patch.h"

#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using bc::sandbox::Json;
    const auto parts = bc::fuzz::splitNul(bc::fuzz::bytes(data, size), 3);
    const Json live = Json::parse(parts[0], nullptr, false);
    const Json previous = Json::parse(parts[1], nullptr, false);
    const Json applied = Json::parse(parts[2], nullptr, false);
    if (live.is_discarded() || previous.is_discarded() || applied.is_discarded())
        return 0;
    try {
        (void)bc::sandbox::serverSideApply(live, previous, applied);
    } catch (const bc::sandbox::ApiError &) {
    } catch (const nlohmann::json::exception &) {
    }
    return 0;
}
