// terraform apply|destroy -json lines: counts stay consistent whatever the lines say.
#include "backend/cluster/terraform_progress_parser.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bc::TerraformProgressParser parser;
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    for (const QString &line : text.split(u'\n')) {
        const auto update = parser.feed(line);
        if (update && (update->fraction() < 0.0 || update->done < 0 || update->total < 0)) {
            std::fprintf(stderr, "terraform progress went negative: %d/%d\n", update->done, update->total);
            std::abort();
        }
    }
    return 0;
}
