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

// api_reads.cpp: GET of one stored object (or its scale), of a list (paged, streamed from the
// stored texts), and of the metrics.k8s.io resources the simulator serves.
void serveObject(ApiContext &ctx, const httplib::Request &req, httplib::Response &res, const ApiRoute &r);
void serveList(ApiContext &ctx, const httplib::Request &req, httplib::Response &res, const ApiRoute &r);
void serveMetrics(ApiContext &ctx, const httplib::Request &req, httplib::Response &res, const ApiRoute &r);

// api_writes.cpp: POST (create), PUT (replace, status, scale) and DELETE (one object or a collection).
void serveCreate(ApiContext &ctx, const httplib::Request &req, httplib::Response &res, const ApiRoute &r);
void serveReplace(ApiContext &ctx, const httplib::Request &req, httplib::Response &res, const ApiRoute &r);
void serveDelete(ApiContext &ctx, const httplib::Request &req, httplib::Response &res, const ApiRoute &r);

// api_patch.cpp: PATCH as strategic merge, JSON merge, JSON patch or server-side apply
// (application/apply-patch+yaml), on an object, its status or its scale.
void servePatch(ApiContext &ctx, const httplib::Request &req, httplib::Response &res, const ApiRoute &r);

// api_watch.cpp: GET ...?watch=1: the initial events (or none, from a resourceVersion), then the
// store's events as a chunked stream of JSON lines (Table rows on request), bookmarks, the timeout.
void serveWatch(ApiContext &ctx, const httplib::Request &req, httplib::Response &res, const ApiRoute &r);

// api_logs.cpp: GET pods/NAME/log: a container's output, tailLines, and follow=true as a chunked
// stream until the container ends.
void serveLog(ApiContext &ctx, const httplib::Request &req, httplib::Response &res, const ApiRoute &r);

} // namespace bc::sandbox
