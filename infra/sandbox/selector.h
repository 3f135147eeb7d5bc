#pragma once

#include "infra/sandbox/json.h"

#include <string>
#include <vector>

namespace bc::sandbox {

// A parsed label selector (`app=x,tier!=db,env in (a,b),!legacy,release`) or field selector
// (`metadata.name=x,status.phase!=Running`; any dotted path of the object).
class Selector {
public:
    enum class Op { Equals, NotEquals, In, NotIn, Exists, NotExists };
    struct Requirement {
        std::string key;
        Op op;
        std::vector<std::string> values;
    };

    // Throws ApiError(400) on a malformed selector.
    static Selector parseLabels(const std::string &text);
    static Selector parseFields(const std::string &text);
    // matchLabels/matchExpressions object (spec.selector of a deployment) or a plain map (service).
    static Selector fromLabelSelector(const Json &selector);
    static Selector fromMap(const Json &map);

    bool empty() const { return m_reqs.empty(); }
    bool matchesLabels(const Json &labels) const;
    bool matchesFields(const Json &object) const;
    // Only metadata.name / metadata.namespace requirements (usable without the object).
    bool matchesNameNamespace(const std::string &name, const std::string &ns) const;
    bool onlyNameNamespace() const;
    std::string toString() const;

private:
    std::vector<Requirement> m_reqs;
    bool m_fields = false; // a field selector: values print escaped
};

} // namespace bc::sandbox
