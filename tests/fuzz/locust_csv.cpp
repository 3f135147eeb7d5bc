// CSV as Locust writes it: our reader, and the merge of the master's own history file with our
// samples. Every row read writes back (quoteField) to a row that reads the same.
// Input: a CSV file, e.g. Locust's PREFIX_stats_history.csv.
#include "backend/load/load_history.h"
#include "backend/load/locust_csv.h"
#include "backend/load/locust_stats.h"
#include "tests/fuzz/fuzz_input.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view in = bc::fuzz::bytes(data, size);
    const QByteArray csv(in.data(), qsizetype(in.size()));
    for (const QStringList &fields : bc::parseCsvRows(csv)) {
        if (fields.isEmpty() || (fields.size() == 1 && fields.first().isEmpty()))
            continue;
        QByteArray row;
        for (qsizetype i = 0; i < fields.size(); ++i)
            row += (i ? "," : "") + bc::locust_csv::quoteField(fields[i]);
        const QList<QStringList> back = bc::parseCsvRows(row + "\r\n");
        if (back.size() != 1 || back.first() != fields) {
            std::fprintf(stderr, "a row does not read back after quoting: %s\n", row.constData());
            std::abort();
        }
    }
    bc::LoadSample sample;
    sample.timestampMs = 1'700'000'000'000;
    sample.elapsedS = 12;
    sample.userCount = 5;
    (void)bc::locust_csv::mergedHistory(csv, {sample});
    return 0;
}
