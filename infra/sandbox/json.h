#pragma once

// The sandbox keeps objects as ordered JSON (insertion order, like the API server prints them).
// A read of a missing member through a const operator[] is undefined behaviour in release
// builds of nlohmann-json; here it throws, and the HTTP layer and controllers catch it.
namespace bc::sandbox {
[[noreturn]] void jsonAssertFailed(); // throws std::out_of_range (object_store.cpp)
}
#ifndef JSON_ASSERT
#define JSON_ASSERT(x)                                                                                                 \
    do {                                                                                                               \
        if (!(x))                                                                                                      \
            ::bc::sandbox::jsonAssertFailed();                                                                         \
    } while (false)
#endif
#include <nlohmann/json.hpp>

#include <string>

namespace bc::sandbox {

using Json = nlohmann::ordered_json;

// A string member or "" when missing or not a string.
inline std::string str(const Json &j, const char *key)
{
    if (!j.is_object())
        return {};
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Walks a dotted path ("metadata.name"); returns nullptr when any step is missing.
inline const Json *at(const Json &j, std::string_view dotted)
{
    const Json *cur = &j;
    while (!dotted.empty()) {
        const auto dot = dotted.find('.');
        const std::string part(dotted.substr(0, dot));
        if (!cur->is_object())
            return nullptr;
        const auto it = cur->find(part);
        if (it == cur->end())
            return nullptr;
        cur = &*it;
        dotted = dot == std::string_view::npos ? std::string_view() : dotted.substr(dot + 1);
    }
    return cur;
}

} // namespace bc::sandbox
