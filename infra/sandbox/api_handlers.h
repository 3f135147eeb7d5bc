#pragma once

// The handler groups of the ApiServer, one file each; api_server.cpp routes a request to one of
// them. Every handler answers through `res` or throws ApiError (api_server.cpp sends it as a Status).

#include "infra/sandbox/api_context.h"

#include <string>
#include <vector>

namespace bc::sandbox {

// api_discovery.cpp: GET /version, /healthz (readyz, livez), /api, /apis, /api/v1,
// /apis/GROUP[/VERSION] and /openapi/...: what kubectl reads before it names a resource.
// Answers such a request and returns true; false for every other path.
bool serveDiscovery(ApiContext &ctx, const httplib::Request &req, httplib::Response &res,
                    const std::vector<std::string> &parts);

} // namespace bc::sandbox
