// The Kubernetes protobuf envelope ("k8s\0" + runtime.Unknown) and the typed messages inside it.
#include "infra/sandbox/api_error.h"
#include "infra/sandbox/protobuf_decoder.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view body(reinterpret_cast<const char *>(data), size);
    try {
        const bc::sandbox::Json decoded = bc::sandbox::decodeKubernetesProtobuf(body);
        if (!decoded.is_object()) {
            std::fprintf(stderr, "decoded protobuf is not an object\n");
            std::abort();
        }
        (void)decoded.dump(-1, ' ', false, bc::sandbox::Json::error_handler_t::replace);
    } catch (const bc::sandbox::ApiError &e) {
        if (e.code() < 400 || e.code() >= 500) {
            std::fprintf(stderr, "protobuf error with code %d\n", e.code());
            std::abort();
        }
    }
    return 0;
}
