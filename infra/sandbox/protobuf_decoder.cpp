#include "infra/sandbox/protobuf_decoder.h"

#include "infra/sandbox/api_error.h"

#include <cstdint>
#include <functional>

namespace bc::sandbox {

namespace {

// A minimal reader of the protobuf wire format (varint, fixed, length-delimited).
class WireReader {
public:
    explicit WireReader(std::string_view data) : m_data(data) {}
    bool atEnd() const { return m_pos >= m_data.size(); }

    std::uint64_t varint()
    {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (atEnd())
                throw ApiError::badRequest("malformed protobuf body: truncated varint");
            const auto b = static_cast<unsigned char>(m_data[m_pos++]);
            v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80))
                return v;
        }
        throw ApiError::badRequest("malformed protobuf body: varint too long");
    }

    // Calls fn(field, wireType, bytes-or-empty, varint) for each field.
    void forEach(const std::function<void(int, int, std::string_view, std::uint64_t)> &fn)
    {
        while (!atEnd()) {
            const std::uint64_t tag = varint();
            const int field = static_cast<int>(tag >> 3);
            const int wt = static_cast<int>(tag & 7);
            switch (wt) {
            case 0:
                fn(field, wt, {}, varint());
                break;
            case 1:
                skip(8);
                break;
            case 5:
                skip(4);
                break;
            case 2: {
                const std::uint64_t len = varint();
                if (len > m_data.size() - m_pos)
                    throw ApiError::badRequest("malformed protobuf body: length past the end");
                const std::string_view bytes = m_data.substr(m_pos, len);
                m_pos += len;
                fn(field, wt, bytes, 0);
                break;
            }
            default:
                throw ApiError::badRequest("malformed protobuf body: unsupported wire type");
            }
        }
    }

private:
    void skip(std::size_t n)
    {
        if (n > m_data.size() - m_pos)
            throw ApiError::badRequest("malformed protobuf body: truncated fixed field");
        m_pos += n;
    }
    std::string_view m_data;
    std::size_t m_pos = 0;
};

std::pair<std::string, std::string> mapEntry(std::string_view entry)
{
    std::pair<std::string, std::string> kv;
    WireReader(entry).forEach([&](int f, int wt, std::string_view b, std::uint64_t) {
        if (wt != 2)
            return;
        if (f == 1)
            kv.first = std::string(b);
        else if (f == 2)
            kv.second = std::string(b);
    });
    return kv;
}

Json objectMeta(std::string_view data)
{
    Json md = Json::object();
    WireReader(data).forEach([&](int f, int wt, std::string_view b, std::uint64_t) {
        if (wt != 2)
            return;
        switch (f) {
        case 1:
            md["name"] = std::string(b);
            break;
        case 2:
            md["generateName"] = std::string(b);
            break;
        case 3:
            md["namespace"] = std::string(b);
            break;
        case 11: {
            const auto [k, v] = mapEntry(b);
            md["labels"][k] = v;
            break;
        }
        case 12: {
            const auto [k, v] = mapEntry(b);
            md["annotations"][k] = v;
            break;
        }
        default:
            break;
        }
    });
    return md;
}

} // namespace

std::string base64Encode(std::string_view data)
{
    static const char *tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        const std::uint32_t n = (std::uint8_t(data[i]) << 16) | (std::uint8_t(data[i + 1]) << 8) | std::uint8_t(data[i + 2]);
        out += tbl[(n >> 18) & 63];
        out += tbl[(n >> 12) & 63];
        out += tbl[(n >> 6) & 63];
        out += tbl[n & 63];
    }
    if (i + 1 == data.size()) {
        const std::uint32_t n = std::uint8_t(data[i]) << 16;
        out += tbl[(n >> 18) & 63];
        out += tbl[(n >> 12) & 63];
        out += "==";
    } else if (i + 2 == data.size()) {
        const std::uint32_t n = (std::uint8_t(data[i]) << 16) | (std::uint8_t(data[i + 1]) << 8);
        out += tbl[(n >> 18) & 63];
        out += tbl[(n >> 12) & 63];
        out += tbl[(n >> 6) & 63];
        out += '=';
    }
    return out;
}

Json decodeKubernetesProtobuf(std::string_view body)
{
    static constexpr std::string_view kMagic("k8s\0", 4);
    if (body.substr(0, 4) != kMagic)
        throw ApiError::badRequest("malformed protobuf body: missing the k8s envelope prefix");
    std::string apiVersion, kind;
    std::string_view raw;
    WireReader(body.substr(4)).forEach([&](int f, int wt, std::string_view b, std::uint64_t) {
        if (wt != 2)
            return;
        if (f == 1) {
            WireReader(b).forEach([&](int tf, int twt, std::string_view tb, std::uint64_t) {
                if (twt == 2 && tf == 1)
                    apiVersion = std::string(tb);
                if (twt == 2 && tf == 2)
                    kind = std::string(tb);
            });
        } else if (f == 2) {
            raw = b;
        }
    });
    Json obj = {{"apiVersion", apiVersion}, {"kind", kind}, {"metadata", Json::object()}};
    if (apiVersion != "v1" || (kind != "Namespace" && kind != "ConfigMap" && kind != "Secret"))
        throw ApiError(415, "UnsupportedMediaType",
                       "the sandbox decodes protobuf only for v1 Namespace, ConfigMap and Secret (got " + apiVersion
                           + " " + kind + "); send JSON instead (kubectl create -f / apply -f)");
    WireReader(raw).forEach([&](int f, int wt, std::string_view b, std::uint64_t v) {
        if (f == 1 && wt == 2) {
            obj["metadata"] = objectMeta(b);
            return;
        }
        if (kind == "Namespace" && f == 2 && wt == 2) {
            WireReader(b).forEach([&](int sf, int swt, std::string_view sb, std::uint64_t) {
                if (sf == 1 && swt == 2)
                    obj["spec"]["finalizers"].push_back(std::string(sb));
            });
        } else if (kind == "ConfigMap") {
            if (f == 2 && wt == 2) {
                const auto [k, val] = mapEntry(b);
                obj["data"][k] = val;
            } else if (f == 3 && wt == 2) {
                const auto [k, val] = mapEntry(b);
                obj["binaryData"][k] = base64Encode(val);
            } else if (f == 4 && wt == 0) {
                obj["immutable"] = v != 0;
            }
        } else if (kind == "Secret") {
            if (f == 2 && wt == 2) {
                const auto [k, val] = mapEntry(b);
                obj["data"][k] = base64Encode(val);
            } else if (f == 3 && wt == 2) {
                obj["type"] = std::string(b);
            } else if (f == 4 && wt == 2) {
                const auto [k, val] = mapEntry(b);
                obj["stringData"][k] = val;
            } else if (f == 5 && wt == 0) {
                obj["immutable"] = v != 0;
            }
        }
    });
    return obj;
}

} // namespace bc::sandbox
