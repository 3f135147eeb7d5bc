// Resource quantities, as the sandbox and the app each read them.
#include "backend/kube/quantity.h"
#include "infra/sandbox/quantity.h"

#include <QString>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    const double sandboxValue = bc::sandbox::parseQuantity(text);
    (void)bc::sandbox::formatMillicores(std::isfinite(sandboxValue) && std::fabs(sandboxValue) < 1e12 ? sandboxValue : 0);
    const QString q = QString::fromUtf8(text);
    if (const auto cpu = bc::parseCpuMillicores(q)) {
        const QString printed = bc::formatMillicores(*cpu);
        if (std::isfinite(*cpu) && *cpu >= 0 && *cpu < 1e12 && !bc::parseCpuMillicores(printed)) {
            std::fprintf(stderr, "formatted CPU '%s' does not parse\n", printed.toUtf8().constData());
            std::abort();
        }
    }
    if (const auto bytes = bc::parseMemoryBytes(q)) {
        const QString printed = bc::formatBytes(*bytes);
        if (std::isfinite(*bytes) && *bytes >= 0 && *bytes < 1e18 && !bc::parseMemoryBytes(printed)) {
            std::fprintf(stderr, "formatted memory '%s' does not parse\n", printed.toUtf8().constData());
            std::abort();
        }
    }
    return 0;
}
