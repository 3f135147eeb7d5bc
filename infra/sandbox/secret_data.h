#pragma once

#include "infra/sandbox/json.h"
#include "infra/sandbox/resource_registry.h"

namespace bc::sandbox {

// A v1 Secret's stringData is write-only, as on a real API server: each key is merged into data
// (base64, overriding a key of the same name) and stringData itself is never stored or returned.
// Any other object is left alone.
void foldSecretStringData(const ResourceType &type, Json &obj);

} // namespace bc::sandbox
