#pragma once

#include "infra/sandbox/json.h"

#include <stdexcept>
#include <string>

namespace bc::sandbox {

// An error that becomes a Kubernetes `Status` object (kind Status, status Failure) on the wire.
// Store and simulator calls throw it; the HTTP layer catches it at the boundary.
class ApiError : public std::runtime_error {
public:
    ApiError(int code, std::string reason, const std::string &message, Json details = Json::object())
        : std::runtime_error(message), m_code(code), m_reason(std::move(reason)),
          m_details(std::move(details))
    {
    }
    int code() const { return m_code; }
    const std::string &reason() const { return m_reason; }
    Json status() const
    {
        Json s = {{"kind", "Status"},     {"apiVersion", "v1"},  {"metadata", Json::object()},
                  {"status", "Failure"},  {"message", what()},   {"reason", m_reason},
                  {"details", m_details}, {"code", m_code}};
        if (!m_listMeta.empty())
            s["metadata"] = m_listMeta;
        return s;
    }
    // ListMeta of the Status (410 Expired for a continue token carries a new token).
    void setListMeta(Json listMeta) { m_listMeta = std::move(listMeta); }

    static ApiError notFound(const std::string &qualifiedResource, const std::string &name,
                             const std::string &group, const std::string &resource)
    {
        return ApiError(404, "NotFound", qualifiedResource + " \"" + name + "\" not found",
                        {{"name", name}, {"group", group}, {"kind", resource}});
    }
    static ApiError badRequest(const std::string &message) { return ApiError(400, "BadRequest", message); }
    static ApiError invalid(const std::string &message) { return ApiError(422, "Invalid", message); }

private:
    int m_code;
    std::string m_reason;
    Json m_details;
    Json m_listMeta = Json::object();
};

} // namespace bc::sandbox
