#include "infra/sandbox/k8s_proto_json.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/protobuf_decoder.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>

#include <cctype>
#include <climits>
#include <cstdio>
#include <ctime>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace bc::sandbox {

std::string_view k8sDescriptorSet(); // generated: k8s_descriptors.cpp

namespace gp = google::protobuf;

namespace {

struct HintLine {
    const char *message;
    const char *tokens;
};
const HintLine kHints[] = {
#include "infra/sandbox/k8s_json_hints.inc"
};

struct FieldHint {
    bool keepZero = false;
    bool inlined = false;
    std::string jsonName;
};

constexpr std::string_view kIntOrString = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
constexpr std::string_view kQuantity = "k8s.io.apimachinery.pkg.api.resource.Quantity";
constexpr std::string_view kQuantityValue = "k8s.io.apimachinery.pkg.api.resource.QuantityValue";
constexpr std::string_view kTime = "k8s.io.apimachinery.pkg.apis.meta.v1.Time";
constexpr std::string_view kMicroTime = "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime";
constexpr std::string_view kDuration = "k8s.io.apimachinery.pkg.apis.meta.v1.Duration";
constexpr std::string_view kFieldsV1 = "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1";
constexpr std::string_view kRawExtension = "k8s.io.apimachinery.pkg.runtime.RawExtension";

std::string rfc3339(std::int64_t seconds, std::int32_t nanos, bool micro)
{
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0)
        throw ApiError::badRequest("malformed protobuf body: a time is out of range");
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string out = buf;
    if (micro) {
        std::snprintf(buf, sizeof buf, ".%06d", (nanos < 0 ? 0 : nanos) / 1000 % 1000000);
        out += buf;
    }
    return out + "Z";
}

// Go's time.Duration.String() for whole units: "1h2m3s", "1.5s", "250ms", "0s".
std::string goDuration(std::int64_t ns)
{
    if (ns == 0)
        return "0s";
    std::string sign = ns < 0 ? "-" : "";
    const unsigned long long u = ns < 0 ? 0ull - static_cast<unsigned long long>(ns) : static_cast<unsigned long long>(ns);
    std::ostringstream o;
    if (u < 1000000000ull) {
        if (u < 1000ull)
            o << u << "ns";
        else if (u < 1000000ull)
            o << static_cast<double>(u) / 1e3 << "µs";
        else
            o << static_cast<double>(u) / 1e6 << "ms";
        return sign + o.str();
    }
    const unsigned long long h = u / 3600000000000ull;
    const unsigned long long m = u / 60000000000ull % 60;
    const double s = static_cast<double>(u % 60000000000ull) / 1e9;
    if (h)
        o << h << 'h';
    if (h || m)
        o << m << 'm';
    o << s << 's';
    return sign + o.str();
}

bool isZero(const Json &v)
{
    return (v.is_string() && v.get_ref<const std::string &>().empty()) || (v.is_boolean() && !v.get<bool>())
        || (v.is_number_integer() && v.get<long long>() == 0) || (v.is_number_unsigned() && v.get<unsigned long long>() == 0)
        || (v.is_number_float() && v.get<double>() == 0.0);
}

} // namespace

struct K8sProtoJson::Data {
    gp::DescriptorPool pool;
    mutable gp::DynamicMessageFactory factory{&pool}; // GetPrototype is thread-safe
    std::unordered_map<const gp::FieldDescriptor *, FieldHint> hints;

    Data()
    {
        gp::FileDescriptorSet set;
        const std::string_view bytes = k8sDescriptorSet();
        if (!set.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
            throw std::logic_error("the embedded Kubernetes descriptor set does not parse");
        for (const auto &file : set.file())
            if (!pool.BuildFile(file))
                throw std::logic_error("the embedded Kubernetes descriptor " + file.name() + " does not build");
        for (const HintLine &line : kHints) {
            const gp::Descriptor *msg = pool.FindMessageTypeByName(line.message);
            if (!msg)
                continue;
            std::istringstream tokens(line.tokens);
            for (std::string t; tokens >> t;) {
                std::string field = t, json;
                bool keepZero = false, inlined = false;
                if (t[0] == '=')
                    keepZero = true, field = t.substr(1);
                else if (t[0] == '>')
                    inlined = true, field = t.substr(1);
                else if (const auto colon = t.find(':'); colon != std::string::npos)
                    field = t.substr(0, colon), json = t.substr(colon + 1);
                const gp::FieldDescriptor *f = msg->FindFieldByName(field);
                if (!f)
                    continue;
                FieldHint &h = hints[f];
                h.keepZero |= keepZero;
                h.inlined |= inlined;
                if (!json.empty() && json != "-")
                    h.jsonName = json;
            }
        }
    }

    const FieldHint *hint(const gp::FieldDescriptor *f) const
    {
        const auto it = hints.find(f);
        return it == hints.end() ? nullptr : &it->second;
    }

    Json scalar(const gp::Message &msg, const gp::FieldDescriptor *f, int index) const
    {
        const gp::Reflection *r = msg.GetReflection();
        const bool rep = index >= 0;
        using F = gp::FieldDescriptor;
        switch (f->cpp_type()) {
        case F::CPPTYPE_INT32:
            return rep ? r->GetRepeatedInt32(msg, f, index) : r->GetInt32(msg, f);
        case F::CPPTYPE_INT64:
            return rep ? r->GetRepeatedInt64(msg, f, index) : r->GetInt64(msg, f);
        case F::CPPTYPE_UINT32:
            return rep ? r->GetRepeatedUInt32(msg, f, index) : r->GetUInt32(msg, f);
        case F::CPPTYPE_UINT64:
            return rep ? r->GetRepeatedUInt64(msg, f, index) : r->GetUInt64(msg, f);
        case F::CPPTYPE_DOUBLE:
            return rep ? r->GetRepeatedDouble(msg, f, index) : r->GetDouble(msg, f);
        case F::CPPTYPE_FLOAT:
            return rep ? r->GetRepeatedFloat(msg, f, index) : r->GetFloat(msg, f);
        case F::CPPTYPE_BOOL:
            return rep ? r->GetRepeatedBool(msg, f, index) : r->GetBool(msg, f);
        case F::CPPTYPE_ENUM:
            return (rep ? r->GetRepeatedEnum(msg, f, index) : r->GetEnum(msg, f))->name();
        case F::CPPTYPE_STRING: {
            const std::string s = rep ? r->GetRepeatedString(msg, f, index) : r->GetString(msg, f);
            return f->type() == F::TYPE_BYTES ? Json(base64Encode(s)) : Json(s);
        }
        case F::CPPTYPE_MESSAGE:
            break;
        }
        return nullptr;
    }

    // The JSON of one embedded message; a discarded value means "leave the field out".
    Json message(const gp::Message &sub, int depth) const
    {
        const gp::Descriptor *d = sub.GetDescriptor();
        const gp::Reflection *r = sub.GetReflection();
        const std::string &type = d->full_name();
        const auto field = [&](int number) { return d->FindFieldByNumber(number); };
        if (type == kIntOrString) {
            if (r->GetInt64(sub, field(1)) == 1)
                return r->GetString(sub, field(3));
            return r->GetInt32(sub, field(2));
        }
        if (type == kQuantity || type == kQuantityValue)
            return r->GetString(sub, field(1));
        if (type == kTime || type == kMicroTime) {
            const std::int64_t s = r->GetInt64(sub, field(1));
            const std::int32_t n = r->GetInt32(sub, field(2));
            if (s == 0 && n == 0)
                return nullptr; // Go's zero metav1.Time: `creationTimestamp: null`, as kubectl prints it
            return rfc3339(s, n, type == kMicroTime);
        }
        if (type == kDuration)
            return goDuration(r->GetInt64(sub, field(1)));
        if (type == kFieldsV1 || type == kRawExtension) {
            const std::string raw = r->GetString(sub, field(1));
            if (raw.empty())
                return Json(Json::value_t::discarded);
            Json parsed = Json::parse(raw, nullptr, false);
            if (!parsed.is_discarded())
                return parsed;
            if (type == kRawExtension && raw.compare(0, 4, std::string("k8s\0", 4)) == 0 && depth < 8)
                return envelope(raw, depth + 1);
            throw ApiError::badRequest("malformed protobuf body: an embedded object (" + type + ") is neither JSON nor protobuf");
        }
        Json out = Json::object();
        fields(sub, out, depth);
        return out;
    }

    void fields(const gp::Message &msg, Json &out, int depth) const
    {
        const gp::Descriptor *d = msg.GetDescriptor();
        const gp::Reflection *r = msg.GetReflection();
        for (int i = 0; i < d->field_count(); ++i) {
            const gp::FieldDescriptor *f = d->field(i);
            const FieldHint *h = hint(f);
            const std::string &name = h && !h->jsonName.empty() ? h->jsonName : f->name();
            const bool isMessage = f->cpp_type() == gp::FieldDescriptor::CPPTYPE_MESSAGE;
            if (f->is_map()) {
                const int n = r->FieldSize(msg, f);
                if (n == 0)
                    continue;
                Json obj = Json::object();
                const gp::FieldDescriptor *keyField = f->message_type()->map_key();
                const gp::FieldDescriptor *valueField = f->message_type()->map_value();
                for (int j = 0; j < n; ++j) {
                    const gp::Message &entry = r->GetRepeatedMessage(msg, f, j);
                    const Json key = scalar(entry, keyField, -1);
                    Json value = valueField->cpp_type() == gp::FieldDescriptor::CPPTYPE_MESSAGE
                        ? message(entry.GetReflection()->GetMessage(entry, valueField), depth)
                        : scalar(entry, valueField, -1);
                    obj[key.is_string() ? key.get<std::string>() : key.dump()] = value.is_discarded() ? Json() : value;
                }
                out[name] = std::move(obj);
            } else if (f->is_repeated()) {
                const int n = r->FieldSize(msg, f);
                if (n == 0)
                    continue;
                Json arr = Json::array();
                for (int j = 0; j < n; ++j) {
                    Json v = isMessage ? message(r->GetRepeatedMessage(msg, f, j), depth) : scalar(msg, f, j);
                    arr.push_back(v.is_discarded() ? Json() : std::move(v));
                }
                out[name] = std::move(arr);
            } else if (!r->HasField(msg, f)) {
                continue;
            } else if (isMessage && h && h->inlined) {
                fields(r->GetMessage(msg, f), out, depth);
            } else if (isMessage) {
                Json v = message(r->GetMessage(msg, f), depth);
                if (!v.is_discarded())
                    out[name] = std::move(v);
            } else {
                Json v = scalar(msg, f, -1);
                if ((h && h->keepZero) || !isZero(v))
                    out[name] = std::move(v);
            }
        }
    }

    std::unique_ptr<gp::Message> parse(const gp::Descriptor *type, std::string_view bytes) const
    {
        std::unique_ptr<gp::Message> m(factory.GetPrototype(type)->New());
        if (bytes.size() > static_cast<std::size_t>(INT_MAX) || !m->ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
            throw ApiError::badRequest("malformed protobuf body: it does not parse as " + type->full_name());
        return m;
    }

    // "k8s\0" + runtime.Unknown{typeMeta{apiVersion, kind}, raw, contentEncoding, contentType}.
    Json envelope(std::string_view body, int depth) const
    {
        static constexpr std::string_view kMagic("k8s\0", 4);
        if (body.substr(0, 4) != kMagic)
            throw ApiError::badRequest("malformed protobuf body: missing the k8s envelope prefix");
        const gp::Descriptor *unknownType = pool.FindMessageTypeByName("k8s.io.apimachinery.pkg.runtime.Unknown");
        const auto unknown = parse(unknownType, body.substr(4));
        const gp::Reflection *r = unknown->GetReflection();
        const gp::Message &typeMeta = r->GetMessage(*unknown, unknownType->FindFieldByName("typeMeta"));
        const gp::Descriptor *tm = typeMeta.GetDescriptor();
        const std::string apiVersion = typeMeta.GetReflection()->GetString(typeMeta, tm->FindFieldByName("apiVersion"));
        const std::string kind = typeMeta.GetReflection()->GetString(typeMeta, tm->FindFieldByName("kind"));
        const std::string encoding = r->GetString(*unknown, unknownType->FindFieldByName("contentEncoding"));
        if (apiVersion.empty() || kind.empty())
            throw ApiError::badRequest("malformed protobuf body: the runtime.Unknown envelope names no apiVersion and kind");
        if (!encoding.empty())
            throw ApiError(415, "UnsupportedMediaType", "protobuf body with contentEncoding \"" + encoding
                                                            + "\": the sandbox reads only unencoded objects");
        const gp::Descriptor *type = pool.FindMessageTypeByName(messageName(apiVersion, kind));
        if (!type)
            throw ApiError(415, "UnsupportedMediaType",
                           "the sandbox has no protobuf schema for " + apiVersion + " " + kind
                               + " (it reads the built-in kinds of core/v1, apps/v1, batch/v1, autoscaling/v1 and v2, "
                                 "networking.k8s.io/v1 and policy/v1); send JSON instead (kubectl create -f / apply -f)");
        Json obj = {{"apiVersion", apiVersion}, {"kind", kind}};
        const auto msg = parse(type, r->GetString(*unknown, unknownType->FindFieldByName("raw")));
        fields(*msg, obj, depth);
        if (!obj.contains("metadata"))
            obj["metadata"] = Json::object();
        return obj;
    }

    static std::string messageName(const std::string &apiVersion, const std::string &kind)
    {
        const auto slash = apiVersion.find('/');
        const std::string group = slash == std::string::npos ? "" : apiVersion.substr(0, slash);
        const std::string version = slash == std::string::npos ? apiVersion : apiVersion.substr(slash + 1);
        static const std::unordered_map<std::string, std::string> packages = {
            {"", "core"}, {"apps", "apps"}, {"batch", "batch"}, {"autoscaling", "autoscaling"},
            {"networking.k8s.io", "networking"}, {"policy", "policy"}};
        const auto it = packages.find(group);
        if (it == packages.end() || kind.empty() || !std::isupper(static_cast<unsigned char>(kind[0])))
            return {};
        return "k8s.io.api." + it->second + "." + version + "." + kind;
    }
};

const K8sProtoJson &K8sProtoJson::instance()
{
    static const K8sProtoJson converter;
    return converter;
}

K8sProtoJson::K8sProtoJson() : m_d(new Data) {}

const gp::Descriptor *K8sProtoJson::find(const std::string &fullName) const
{
    return m_d->pool.FindMessageTypeByName(fullName);
}

Json K8sProtoJson::decode(const gp::Descriptor *type, std::string_view bytes) const
{
    Json out = Json::object();
    m_d->fields(*m_d->parse(type, bytes), out, 0);
    return out;
}

Json K8sProtoJson::toJson(const gp::Message &msg) const
{
    Json out = Json::object();
    m_d->fields(msg, out, 0);
    return out;
}

Json K8sProtoJson::envelope(std::string_view body) const
{
    return m_d->envelope(body, 0);
}

} // namespace bc::sandbox
