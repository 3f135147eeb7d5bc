// Label and field selectors: whatever parses prints back to a selector that parses the same.
// Input: "labels:" or "fields:" and the selector text, as in a ?labelSelector= / ?fieldSelector= query.
#include "infra/sandbox/api_error.h"
#include "infra/sandbox/selector.h"

#include "tests/fuzz/fuzz_input.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace bc::sandbox;
    std::string_view in = bc::fuzz::bytes(data, size);
    const bool fields = in.rfind("fields:", 0) == 0;
    if (fields || in.rfind("labels:", 0) == 0)
        in.remove_prefix(7);
    const std::string text(in);
    try {
        const Selector s = fields ? Selector::parseFields(text) : Selector::parseLabels(text);
        const Json labels = {{"app", "frontend"}, {"tier", "web"}, {"version", "v2"}};
        const Json object = {{"metadata", {{"name", "frontend-1"}, {"namespace", "default"}, {"labels", labels}}},
                             {"status", {{"phase", "Running"}}}};
        const bool matched = fields ? s.matchesFields(object) : s.matchesLabels(labels);
        const std::string printed = s.toString();
        const Selector again = fields ? Selector::parseFields(printed) : Selector::parseLabels(printed);
        if (again.toString() != printed
            || (fields ? again.matchesFields(object) : again.matchesLabels(labels)) != matched) {
            std::fprintf(stderr, "selector '%s' printed as '%s' does not parse back the same\n", text.c_str(),
                         printed.c_str());
            std::abort();
        }
    } catch (const ApiError &e) {
        if (e.code() != 400)
            std::abort();
    }
    return 0;
}
