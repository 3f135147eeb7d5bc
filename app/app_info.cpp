#include "app/app_info.h"

#include <QCoreApplication>

namespace bc {

QString productVersion()
{
    return QStringLiteral(BC_VERSION);
}

void setApplicationIdentity()
{
    QCoreApplication::setOrganizationName(QLatin1StringView(kOrganizationName));
    QCoreApplication::setApplicationName(QLatin1StringView(kExecutableName));
    QCoreApplication::setApplicationVersion(productVersion());
}

} // namespace bc
