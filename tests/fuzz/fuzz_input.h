#pragma once

// Small helpers so that every harness reads a plain, human-made input format (a real capture can be
// dropped into a corpus as it is).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bc::fuzz {

inline std::string_view bytes(const uint8_t *data, size_t size)
{
    return {reinterpret_cast<const char *>(data), size};
}

// Parts separated by NUL bytes; the last part takes the rest (it may hold NULs of its own).
inline std::vector<std::string> splitNul(std::string_view in, size_t parts)
{
    std::vector<std::string> out;
    while (out.size() + 1 < parts) {
        const auto nul = in.find('\0');
        if (nul == std::string_view::npos)
            break;
        out.emplace_back(in.substr(0, nul));
        in.remove_prefix(nul + 1);
    }
    out.emplace_back(in);
    out.resize(parts);
    return out;
}

// A deterministic stream of small numbers from the input itself (chunk sizes and the like).
class Dice {
public:
    explicit Dice(std::string_view seed)
    {
        for (unsigned char c : seed)
            m_state = m_state * 1099511628211ULL ^ c;
    }
    unsigned next(unsigned bound)
    {
        m_state = m_state * 6364136223846793005ULL + 1442695040888963407ULL;
        return bound == 0 ? 0 : unsigned(m_state >> 33) % bound;
    }

private:
    uint64_t m_state = 14695981039346656037ULL;
};

} // namespace bc::fuzz
