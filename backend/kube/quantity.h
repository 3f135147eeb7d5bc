#pragma once

#include <QString>

#include <optional>

namespace bc {

// Kubernetes resource quantities ("250m", "0.5", "2500000n"; "64Mi", "1Gi", "128974848", "1e3").
std::optional<double> parseCpuMillicores(const QString &quantity);
std::optional<double> parseMemoryBytes(const QString &quantity);
QString formatMillicores(double millicores); // "250m", "1.5"
QString formatBytes(double bytes);           // "64Mi", "1.2Gi"

} // namespace bc
