#include "backend/core/result.h"

namespace bc {

QString errorKindName(Error::Kind kind)
{
    switch (kind) {
    case Error::Kind::Invalid: return QStringLiteral("invalid");
    case Error::Kind::NotFound: return QStringLiteral("not found");
    case Error::Kind::Unavailable: return QStringLiteral("unavailable");
    case Error::Kind::Timeout: return QStringLiteral("timed out");
    case Error::Kind::Cancelled: return QStringLiteral("cancelled");
    case Error::Kind::Failed: return QStringLiteral("failed");
    }
    return QStringLiteral("failed");
}

} // namespace bc
