#pragma once

#include "infra/sandbox/json.h"

#include <string>
#include <string_view>

namespace google::protobuf {
class Message;
class Descriptor;
} // namespace google::protobuf

namespace bc::sandbox {

// The messages of k8s.io/api and k8s.io/apimachinery (v0.32.4 generated.proto, embedded as a
// FileDescriptorSet at build time) and their conversion to the JSON the API server would hold.
// protobuf's own parser reads the wire format; this class only walks the parsed message by its
// descriptor and applies the Kubernetes JSON mapping, which differs from proto3's JSON mapping:
//   - IntOrString becomes a number or a string, Quantity a string, Time/MicroTime RFC 3339 (null when zero),
//     Duration Go's "1h2m3s", RawExtension and FieldsV1 the JSON they carry;
//   - bytes are base64 (Secret.data, ConfigMap.binaryData);
//   - field names are the json tags; embedded structs tagged `json:",inline"` are merged;
//   - zero scalars are left out unless Go's JSON keeps them (a pointer, or no omitempty), since
//     gogo-protobuf writes every non-pointer scalar on the wire (k8s_json_hints.inc).
class K8sProtoJson {
public:
    static const K8sProtoJson &instance();

    // The message type `package.Name`, or null when the embedded set does not hold it.
    const google::protobuf::Descriptor *find(const std::string &fullName) const;

    // Parses `bytes` as the given type and converts it; throws ApiError 400 when it does not parse.
    Json decode(const google::protobuf::Descriptor *type, std::string_view bytes) const;

    Json toJson(const google::protobuf::Message &msg) const;

    // A whole request body: "k8s\0" + runtime.Unknown{typeMeta, raw}, as the object's JSON with
    // apiVersion and kind. 400 when it does not parse, 415 for a kind without a schema here.
    Json envelope(std::string_view body) const;

private:
    K8sProtoJson();
    struct Data;
    const Data *m_d;
};

} // namespace bc::sandbox
