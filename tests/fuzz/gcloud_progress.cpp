// gcloud's human progress lines on stderr, read as each operation the app runs. Input: gcloud's stderr.
#include "backend/cluster/gcloud_progress_parser.h"

#include <QStringList>


#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using Parser = bc::GcloudProgressParser;
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    for (const auto op : {Parser::Operation::Create, Parser::Operation::GetCredentials, Parser::Operation::Delete}) {
        Parser parser(op);
        double last = 0.0;
        for (const QString &line : text.split(u'\n')) {
            (void)parser.feed(line);
            if (parser.fraction() < 0.0 || parser.fraction() > 1.0 || parser.fraction() < last) {
                std::fprintf(stderr, "gcloud progress left 0..1 or went back: %f after %f\n", parser.fraction(), last);
                std::abort();
            }
            last = parser.fraction();
        }
    }
    return 0;
}
