#include "infra/sandbox/secret_data.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/protobuf_decoder.h"

namespace bc::sandbox {

void foldSecretStringData(const ResourceType &type, Json &obj)
{
    if (!type.group.empty() || type.resource != "secrets" || !obj.is_object())
        return;
    const auto it = obj.find("stringData");
    if (it == obj.end())
        return;
    if (!it->is_null()) {
        if (!it->is_object())
            throw ApiError::invalid("Secret is invalid: stringData: Invalid value: must be a map of strings");
        for (const auto &[key, value] : it->items()) {
            if (!value.is_string())
                throw ApiError::invalid("Secret is invalid: stringData[" + key + "]: Invalid value: must be a string");
            obj["data"][key] = base64Encode(value.get<std::string>());
        }
    }
    obj.erase("stringData");
}

} // namespace bc::sandbox
