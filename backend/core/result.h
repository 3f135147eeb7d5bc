#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace bc {

// A failure a user can act on. `message` is one sentence; `detail` is the redacted tail of stderr,
// an SQLSTATE or similar, for the details pane and the log.
struct Error
{
    enum class Kind { Invalid, NotFound, Unavailable, Timeout, Cancelled, Failed };
    Kind kind = Kind::Failed;
    QString message;
    QString detail = {};
};

QString errorKindName(Error::Kind kind);

// C++20 has no std::expected; this is the small one the project uses for every fallible call.
template <typename T>
class [[nodiscard]] Result
{
public:
    Result() : m_v(Error{Error::Kind::Failed, {}}) {} // QFuture and queued signals need a default
    Result(T value) : m_v(std::move(value)) {}
    Result(Error error) : m_v(std::move(error)) {}
    explicit operator bool() const { return std::holds_alternative<T>(m_v); }
    const T &value() const { return std::get<T>(m_v); }
    T &value() { return std::get<T>(m_v); }
    const Error &error() const { return std::get<Error>(m_v); }

private:
    std::variant<T, Error> m_v;
};

using Status = Result<std::monostate>;
inline Status ok() { return Status(std::monostate{}); }

} // namespace bc
