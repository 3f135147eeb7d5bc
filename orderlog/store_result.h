#pragma once

// A tiny Result for the Qt-free order log code (backend/core/result.h is Qt-based).

#include <string>
#include <utility>
#include <variant>

namespace bc::orderlog {

struct StoreError
{
    enum class Kind {
        Invalid, // the database rejected the data (constraint, bad value): do not retry
        Unavailable, // no connection, or it broke mid-transaction: retry later
        Failed, // anything else
    };
    Kind kind = Kind::Failed;
    std::string message; // one sentence; never contains a password
};

template <typename T> class [[nodiscard]] StoreResult
{
public:
    StoreResult(T value)
        : m_v(std::move(value))
    { }
    StoreResult(StoreError error)
        : m_v(std::move(error))
    { }
    explicit operator bool() const { return std::holds_alternative<T>(m_v); }
    const T &value() const { return std::get<T>(m_v); }
    T &value() { return std::get<T>(m_v); }
    const StoreError &error() const { return std::get<StoreError>(m_v); }

private:
    std::variant<T, StoreError> m_v;
};

using StoreStatus = StoreResult<std::monostate>;

} // namespace bc::orderlog
