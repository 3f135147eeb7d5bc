// Locust 2.12's /stats/requests JSON, and the CSV that fills the 95th percentile.
// Input: the JSON body, a NUL, the /stats/requests/csv body.
#include "backend/load/locust_stats.h"

#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto parts = bc::fuzz::splitNul(bc::fuzz::bytes(data, size), 2);
    const std::string &json = parts[0];
    const std::string &csv = parts[1];
    auto parsed = bc::parseStatsRequests(QByteArray(json.data(), qsizetype(json.size())));
    if (parsed) {
        bc::StatsSnapshot &snapshot = parsed.value();
        (void)bc::applyPercentileCsv(snapshot, QByteArray(csv.data(), qsizetype(csv.size())));
        (void)snapshot.missingWorkers();
    }
    return 0;
}
