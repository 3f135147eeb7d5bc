#pragma once

#include "infra/sandbox/json.h"

#include <cmath>
#include <cstdint>
#include <string>

namespace bc::sandbox {

// Kubernetes resource quantities: "250m", "0.5", "2" (cores) and "64Mi", "1Gi", "128M", "1e3" (bytes).
inline double parseQuantity(const std::string &q)
{
    if (q.empty())
        return 0;
    size_t pos = 0;
    double v = 0;
    try {
        v = std::stod(q, &pos);
    } catch (...) {
        return 0;
    }
    const std::string suffix = q.substr(pos);
    static const struct {
        const char *s;
        double f;
    } units[] = {{"Ki", 1024.0}, {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0},
                 {"n", 1e-9},    {"u", 1e-6},       {"m", 1e-3},          {"k", 1e3},
                 {"M", 1e6},     {"G", 1e9},        {"T", 1e12}};
    for (const auto &u : units)
        if (suffix == u.s)
            return v * u.f;
    return v;
}

inline double quantityOf(const Json &j)
{
    if (j.is_number())
        return j.get<double>();
    if (j.is_string())
        return parseQuantity(j.get<std::string>());
    return 0;
}

inline std::string formatMillicores(double cores)
{
    return std::to_string(static_cast<long long>(std::llround(cores * 1000))) + "m";
}

inline std::string formatKi(double bytes)
{
    return std::to_string(static_cast<long long>(std::llround(bytes / 1024))) + "Ki";
}

} // namespace bc::sandbox
