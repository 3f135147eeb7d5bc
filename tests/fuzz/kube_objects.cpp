// The app's readers of kubectl -o json: lists of pods, deployments, services, nodes, events, metrics.
// Input: the JSON kubectl prints; every reader gets it.
#include "backend/kube/kube_objects.h"

#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view in = bc::fuzz::bytes(data, size);
    const QByteArray json = QByteArray::fromRawData(in.data(), qsizetype(in.size()));
    (void)bc::parsePodList(json);
    (void)bc::parseDeploymentList(json);
    (void)bc::parseServiceList(json);
    (void)bc::parseNodeList(json);
    (void)bc::parseEventList(json);
    (void)bc::parsePodMetricsList(json);
    if (const auto object = bc::parseJsonObject(json)) {
        (void)bc::podFromJson(object.value());
        (void)bc::deploymentFromJson(object.value());
        (void)bc::serviceFromJson(object.value());
        (void)bc::nodeFromJson(object.value());
        (void)bc::eventFromJson(object.value());
        (void)bc::podMetricsFromJson(object.value());
    }
    return 0;
}
