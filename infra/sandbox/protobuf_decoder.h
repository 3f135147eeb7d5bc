#pragma once

#include "infra/sandbox/json.h"

#include <string_view>

namespace bc::sandbox {

// Decodes the Kubernetes protobuf envelope ("k8s\0" + runtime.Unknown) that kubectl's typed
// generators send (`create deployment|service|job|secret|...`, `run`, `expose`) into the
// equivalent JSON object, for every built-in kind of the embedded k8s.io/api schemas
// (K8sProtoJson). A kind without a schema throws ApiError 415, a malformed body 400.
Json decodeKubernetesProtobuf(std::string_view body);

std::string base64Encode(std::string_view data);

} // namespace bc::sandbox
