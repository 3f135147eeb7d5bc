#pragma once

#include "infra/sandbox/json.h"

#include <string_view>

namespace bc::sandbox {

// Decodes the Kubernetes protobuf envelope ("k8s\0" + runtime.Unknown) that kubectl's typed
// generators send (`create namespace`, `create configmap`, `create secret generic`) into the
// equivalent JSON object. Only Namespace, ConfigMap and Secret are understood; anything else,
// or a malformed body, throws ApiError (415 / 400).
Json decodeKubernetesProtobuf(std::string_view body);

std::string base64Encode(std::string_view data);

} // namespace bc::sandbox
