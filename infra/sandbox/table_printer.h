#pragma once

#include "infra/sandbox/json.h"
#include "infra/sandbox/resource_registry.h"

#include <vector>

namespace bc::sandbox {

// Server-side printing: renders objects as a meta.k8s.io/v1 Table with the same columns a real
// API server sends (pods: Name, Ready, Status, Restarts, Age + wide IP, Node, ...).
class TablePrinter {
public:
    static Json columns(const ResourceType &type);
    static Json row(const ResourceType &type, const Json &obj);
    static Json table(const ResourceType &type, const std::vector<const Json *> &objects,
                      const std::string &resourceVersion);

    static std::string age(const std::string &rfc3339);
    static long long parseTime(const std::string &rfc3339); // seconds since epoch, -1 if invalid
    static std::string podStatus(const Json &pod);
};

} // namespace bc::sandbox
