// The environments file (clusters.yaml): whatever loads writes back to YAML that loads the same.
#include "backend/cluster/profile_store.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto loaded = bc::ProfileStore::fromYaml(QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)));
    if (!loaded)
        return 0;
    const QByteArray written = bc::ProfileStore::toYaml(loaded.value());
    const auto again = bc::ProfileStore::fromYaml(written);
    if (!again || again.value() != loaded.value()) {
        std::fprintf(stderr, "profiles do not survive a save and load:\n%s\n", written.constData());
        std::abort();
    }
    return 0;
}
