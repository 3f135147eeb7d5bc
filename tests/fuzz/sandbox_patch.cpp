// Strategic merge, RFC 7386 merge and RFC 6902 JSON patch. Input: the object, a NUL, the patch.
#include "infra/sandbox/api_error.h"
#include "infra/sandbox/patch.h"

#include "tests/fuzz/fuzz_input.h"

#include <optional>

namespace {
using bc::sandbox::Json;
std::optional<Json> parse(const std::string &text)
{
    Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded())
        return std::nullopt;
    return j;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto parts = bc::fuzz::splitNul(bc::fuzz::bytes(data, size), 2);
    const auto original = parse(parts[0]);
    const auto patch = parse(parts[1]);
    if (!original || !patch)
        return 0;
    try {
        (void)bc::sandbox::strategicMerge(*original, *patch);
    } catch (const bc::sandbox::ApiError &) {
    } catch (const nlohmann::json::exception &) {
    }
    try {
        (void)bc::sandbox::mergePatch(*original, *patch);
    } catch (const bc::sandbox::ApiError &) {
    } catch (const nlohmann::json::exception &) {
    }
    try {
        (void)bc::sandbox::jsonPatch(*original, *patch);
    } catch (const bc::sandbox::ApiError &) {
    } catch (const nlohmann::json::exception &) {
    }
    return 0;
}
