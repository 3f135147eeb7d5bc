#pragma once

#include <QString>

namespace bc {
inline constexpr auto kProductName = "Boutique Control";
inline constexpr auto kExecutableName = "boutique-control";
inline constexpr auto kOrganizationName = "BoutiqueControl";
QString productVersion();
void setApplicationIdentity(); // organization, application name and version on the QCoreApplication
} // namespace bc
