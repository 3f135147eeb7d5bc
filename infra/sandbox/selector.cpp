#include "infra/sandbox/selector.h"

#include "infra/sandbox/api_error.h"

#include <algorithm>
#include <cctype>

namespace bc::sandbox {

namespace {
std::string trim(std::string s)
{
    const auto b = s.find_first_not_of(" \t");
    const auto e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// Splits on commas that are not inside parentheses.
std::vector<std::string> splitTop(const std::string &text)
{
    std::vector<std::string> out;
    int depth = 0;
    std::string cur;
    for (char c : text) {
        if (c == '(')
            ++depth;
        if (c == ')')
            --depth;
        if (c == ',' && depth == 0) {
            out.push_back(trim(cur));
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!trim(cur).empty())
        out.push_back(trim(cur));
    return out;
}

// apimachinery's qualified name part and label value: at most 63 of [A-Za-z0-9-_.], alphanumeric at
// both ends (a value may also be empty).
bool validLabelName(const std::string &s, bool emptyOk)
{
    if (s.empty())
        return emptyOk;
    if (s.size() > 63 || !std::isalnum(static_cast<unsigned char>(s.front()))
        || !std::isalnum(static_cast<unsigned char>(s.back())))
        return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    });
}

// A DNS-1123 subdomain: the optional prefix of a label key ("app.kubernetes.io/name").
bool validDnsSubdomain(const std::string &s)
{
    if (s.empty() || s.size() > 253 || !std::isalnum(static_cast<unsigned char>(s.front()))
        || !std::isalnum(static_cast<unsigned char>(s.back())))
        return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    });
}

const char *const kLabelRule = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                               "with an alphanumeric character (at most 63 characters)";

void validateRequirement(const std::string &part, const std::string &key, const std::vector<std::string> &values)
{
    const auto slash = key.find('/');
    const std::string name = slash == std::string::npos ? key : key.substr(slash + 1);
    if ((slash != std::string::npos && !validDnsSubdomain(key.substr(0, slash))) || !validLabelName(name, false))
        throw ApiError::badRequest("unable to parse requirement: \"" + part + "\": invalid label key \"" + key
                                   + "\": name part " + kLabelRule);
    for (const auto &v : values)
        if (!validLabelName(v, true))
            throw ApiError::badRequest("unable to parse requirement: \"" + part + "\": invalid label value \"" + v
                                       + "\": a valid label value " + kLabelRule);
}

std::string valueString(const Json &v)
{
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_boolean())
        return v.get<bool>() ? "true" : "false";
    if (v.is_null())
        return {};
    return v.dump();
}
} // namespace

Selector Selector::parseLabels(const std::string &text)
{
    Selector s;
    for (const auto &part : splitTop(text)) {
        if (part.empty())
            continue;
        Requirement r;
        const auto sp = part.find(' ');
        if (part.find("!=") != std::string::npos) {
            const auto p = part.find("!=");
            r = {trim(part.substr(0, p)), Op::NotEquals, {trim(part.substr(p + 2))}};
        } else if (part.find("==") != std::string::npos) {
            const auto p = part.find("==");
            r = {trim(part.substr(0, p)), Op::Equals, {trim(part.substr(p + 2))}};
        } else if (part.find('=') != std::string::npos) {
            const auto p = part.find('=');
            r = {trim(part.substr(0, p)), Op::Equals, {trim(part.substr(p + 1))}};
        } else if (sp != std::string::npos) {
            const std::string key = trim(part.substr(0, sp));
            std::string rest = trim(part.substr(sp + 1));
            Op op;
            if (rest.rfind("notin", 0) == 0) {
                op = Op::NotIn;
                rest = trim(rest.substr(5));
            } else if (rest.rfind("in", 0) == 0) {
                op = Op::In;
                rest = trim(rest.substr(2));
            } else {
                throw ApiError::badRequest("unable to parse requirement: \"" + part + "\"");
            }
            if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')')
                throw ApiError::badRequest("unable to parse requirement: found '" + rest + "', expected: '('");
            r = {key, op, {}};
            std::string inner = rest.substr(1, rest.size() - 2);
            size_t pos = 0;
            while (pos <= inner.size()) {
                const auto c = inner.find(',', pos);
                r.values.push_back(trim(inner.substr(pos, c == std::string::npos ? std::string::npos : c - pos)));
                if (c == std::string::npos)
                    break;
                pos = c + 1;
            }
        } else if (part[0] == '!') {
            r = {trim(part.substr(1)), Op::NotExists, {}};
        } else {
            r = {part, Op::Exists, {}};
        }
        if (r.key.empty())
            throw ApiError::badRequest("unable to parse requirement: \"" + part + "\": key is empty");
        validateRequirement(part, r.key, r.values);
        s.m_reqs.push_back(std::move(r));
    }
    return s;
}

namespace {
// Field selector terms split on commas that no backslash escapes.
std::vector<std::string> splitFieldTerms(const std::string &text)
{
    std::vector<std::string> out(1);
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
            out.back() += text.substr(i, 2);
            ++i;
        } else if (text[i] == ',') {
            out.emplace_back();
        } else {
            out.back() += text[i];
        }
    }
    return out;
}

// apimachinery's fields.UnescapeValue: \\, \, and \= stand for themselves; any other escape, or a bare
// '=' or ',', is an error.
std::string unescapeFieldValue(const std::string &part, const std::string &value)
{
    std::string out;
    for (size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (c == '\\') {
            if (i + 1 >= value.size() || (value[i + 1] != '\\' && value[i + 1] != ',' && value[i + 1] != '='))
                throw ApiError::badRequest("invalid field selector: \"" + part + "\": invalid escape sequence");
            out += value[++i];
        } else if (c == '=' || c == ',') {
            throw ApiError::badRequest("invalid field selector: \"" + part + "\": unescaped " + std::string(1, c)
                                       + " in the value");
        } else {
            out += c;
        }
    }
    return out;
}

std::string escapeFieldValue(const std::string &value)
{
    std::string out;
    for (const char c : value) {
        if (c == '\\' || c == ',' || c == '=')
            out += '\\';
        out += c;
    }
    return out;
}

bool validFieldPath(const std::string &key)
{
    return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '/';
    });
}
} // namespace

Selector Selector::parseFields(const std::string &text)
{
    Selector s;
    for (const auto &raw : splitFieldTerms(text)) {
        const std::string part = trim(raw);
        if (part.empty())
            continue;
        // The first operator from the left, as apimachinery's splitTerm finds it.
        size_t at = std::string::npos;
        Op op = Op::Equals;
        size_t opLength = 0;
        for (size_t i = 0; i < part.size() && at == std::string::npos; ++i) {
            if (part.compare(i, 2, "!=") == 0)
                at = i, op = Op::NotEquals, opLength = 2;
            else if (part.compare(i, 2, "==") == 0)
                at = i, op = Op::Equals, opLength = 2;
            else if (part[i] == '=')
                at = i, op = Op::Equals, opLength = 1;
        }
        if (at == std::string::npos)
            throw ApiError::badRequest("invalid field selector: \"" + part + "\": expected key=value");
        const std::string key = trim(part.substr(0, at));
        if (!validFieldPath(key))
            throw ApiError::badRequest("invalid field selector: \"" + part + "\": \"" + key + "\" is not a field path");
        s.m_reqs.push_back({key, op, {unescapeFieldValue(part, trim(part.substr(at + opLength)))}});
    }
    s.m_fields = true;
    return s;
}

Selector Selector::fromMap(const Json &map)
{
    Selector s;
    if (map.is_object())
        for (auto it = map.begin(); it != map.end(); ++it)
            s.m_reqs.push_back({it.key(), Op::Equals, {valueString(it.value())}});
    return s;
}

Selector Selector::fromLabelSelector(const Json &selector)
{
    Selector s;
    if (!selector.is_object())
        return s;
    if (const auto ml = selector.find("matchLabels"); ml != selector.end())
        s = fromMap(*ml);
    if (const auto me = selector.find("matchExpressions"); me != selector.end() && me->is_array()) {
        for (const auto &e : *me) {
            Requirement r{str(e, "key"), Op::Exists, {}};
            const std::string op = str(e, "operator");
            r.op = op == "In"           ? Op::In
                   : op == "NotIn"      ? Op::NotIn
                   : op == "DoesNotExist" ? Op::NotExists
                                          : Op::Exists;
            if (e.contains("values") && e["values"].is_array())
                for (const auto &v : e["values"])
                    r.values.push_back(valueString(v));
            s.m_reqs.push_back(std::move(r));
        }
    }
    return s;
}

bool Selector::matchesLabels(const Json &labels) const
{
    for (const auto &r : m_reqs) {
        const bool has = labels.is_object() && labels.contains(r.key);
        const std::string v = has ? valueString(labels[r.key]) : std::string();
        switch (r.op) {
        case Op::Equals:
            if (!has || v != r.values[0])
                return false;
            break;
        case Op::NotEquals:
            if (has && v == r.values[0])
                return false;
            break;
        case Op::In:
            if (!has || std::find(r.values.begin(), r.values.end(), v) == r.values.end())
                return false;
            break;
        case Op::NotIn:
            if (has && std::find(r.values.begin(), r.values.end(), v) != r.values.end())
                return false;
            break;
        case Op::Exists:
            if (!has)
                return false;
            break;
        case Op::NotExists:
            if (has)
                return false;
            break;
        }
    }
    return true;
}

bool Selector::matchesFields(const Json &object) const
{
    for (const auto &r : m_reqs) {
        const Json *v = at(object, r.key);
        const std::string s = v ? valueString(*v) : std::string();
        if (r.op == Op::Equals && s != r.values[0])
            return false;
        if (r.op == Op::NotEquals && s == r.values[0])
            return false;
    }
    return true;
}

bool Selector::onlyNameNamespace() const
{
    return std::all_of(m_reqs.begin(), m_reqs.end(), [](const Requirement &r) {
        return r.key == "metadata.name" || r.key == "metadata.namespace";
    });
}

bool Selector::matchesNameNamespace(const std::string &name, const std::string &ns) const
{
    for (const auto &r : m_reqs) {
        const std::string &s = r.key == "metadata.name" ? name : ns;
        if (r.key != "metadata.name" && r.key != "metadata.namespace")
            continue;
        if (r.op == Op::Equals && s != r.values[0])
            return false;
        if (r.op == Op::NotEquals && s == r.values[0])
            return false;
    }
    return true;
}

std::string Selector::toString() const
{
    std::string out;
    for (const auto &r : m_reqs) {
        if (!out.empty())
            out += ',';
        const std::string value = r.values.empty() ? std::string()
                                  : m_fields         ? escapeFieldValue(r.values[0])
                                                     : r.values[0];
        if (r.op == Op::Equals)
            out += r.key + "=" + value;
        else if (r.op == Op::NotEquals)
            out += r.key + "!=" + value;
        else if (r.op == Op::Exists)
            out += r.key;
        else if (r.op == Op::NotExists)
            out += "!" + r.key;
        else {
            out += r.key + (r.op == Op::In ? " in (" : " notin (");
            for (size_t i = 0; i < r.values.size(); ++i)
                out += (i ? "," : "") + r.values[i];
            out += ")";
        }
    }
    return out;
}

} // namespace bc::sandbox
