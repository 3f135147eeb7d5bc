#include "infra/sandbox/api_server.h"

#include "infra/sandbox/api_context.h"
#include "infra/sandbox/api_error.h"
#include "infra/sandbox/elastic_task_queue.h"
#include "infra/sandbox/api_handlers.h"
#include "infra/sandbox/exec_service.h"
#include "infra/sandbox/list_paging.h"
#include "infra/sandbox/openapi_service.h"
#include "infra/sandbox/port_forward_service.h"
#include "infra/sandbox/request_errors.h"
#include "infra/sandbox/upgrading_http_server.h"

#include <httplib.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <functional>
#include <thread>

namespace bc::sandbox {

struct ApiServer::Impl {
    ObjectStore &store;
    ResourceRegistry &registry;
    ClusterSimulator &sim;
    PortForwardService portForward{store};
    ExecService exec{store, &sim};
    OpenApiService openApi{store, registry};
    ListPager pager;
    ApiContext ctx{store, registry, sim, pager, openApi, 0, {}};
    UpgradingHttpServer server{portForward, exec};
    std::thread thread;
    std::function<void(const std::string &)> logger;

    Impl(ObjectStore &s, ResourceRegistry &r, ClusterSimulator &c) : store(s), registry(r), sim(c) {}

    void handle(const httplib::Request &req, httplib::Response &res)
    {
        // No gzip: httplib's compressor buffers chunked streams (watch events would never flush)
        // and compressing big lists on loopback costs more than it saves. The Request object is
        // httplib's own non-const instance, so dropping the header here is well defined.
        const_cast<httplib::Request &>(req).headers.erase("Accept-Encoding");
        try {
            dispatch(req, res);
        } catch (const ApiError &e) {
            sendError(res, e);
        } catch (const nlohmann::json::exception &e) {
            sendError(res, ApiError::badRequest(std::string("invalid object: ") + e.what()));
        } catch (const YAML::Exception &e) {
            sendError(res, ApiError::badRequest(std::string("yaml parse error: ") + e.what()));
        } catch (const std::exception &e) {
            sendError(res, ApiError(500, "InternalError", std::string("Internal error occurred: ") + e.what()));
        }
        if (logger)
            logger(req.method + " " + req.path + (req.params.empty() ? "" : "?…") + " -> " + std::to_string(res.status));
    }

    // ---------------- routing ----------------
    void dispatch(const httplib::Request &req, httplib::Response &res)
    {
        const auto parts = splitPath(req.path);
        if (serveDiscovery(ctx, req, res, parts))
            return;
        const ApiRoute route = parseRoute(registry, parts);
        if (req.method == "GET")
            return routeGet(req, res, route);
        if (route.type.readOnly)
            throw ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        if (req.method == "POST")
            return serveCreate(ctx, req, res, route);
        if (req.method == "PUT")
            return serveReplace(ctx, req, res, route);
        if (req.method == "PATCH")
            return servePatch(ctx, req, res, route);
        if (req.method == "DELETE")
            return serveDelete(ctx, req, res, route);
        throw ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    }

    // ---------------- GET: get, list, watch, log, scale, metrics ----------------
    void routeGet(const httplib::Request &req, httplib::Response &res, const ApiRoute &r)
    {
        if (r.type.group == "metrics.k8s.io")
            return serveMetrics(ctx, req, res, r);
        if (!r.name.empty() && r.sub == "log")
            return serveLog(ctx, req, res, r);
        if (!r.name.empty() && (r.sub == "portforward" || r.sub == "exec" || r.sub == "attach")) // upgrades never get here
            throw ApiError(400, "BadRequest", "Upgrade request required");
        if (!r.name.empty())
            return serveObject(ctx, req, res, r);
        if (boolParam(req, "watch"))
            return serveWatch(ctx, req, res, r);
        serveList(ctx, req, res, r);
    }
};

ApiServer::ApiServer(ObjectStore &store, ResourceRegistry &registry, ClusterSimulator &simulator)
    : d(std::make_unique<Impl>(store, registry, simulator))
{
    d->server.new_task_queue = [] { return new ElasticTaskQueue(kMaxConnectionThreads); };
    d->server.set_tcp_nodelay(true); // else Nagle + delayed ACKs add 40 ms to every request
    d->server.set_keep_alive_max_count(1000);
    d->server.set_keep_alive_timeout(30);
    d->server.set_payload_max_length(64 * 1024 * 1024);
    d->server.set_error_handler(fillEmptyErrorBody); // httplib's own 400/413/414 answers get a Status
    const auto h = [this](const httplib::Request &req, httplib::Response &res) { d->handle(req, res); };
    d->server.Get(".*", h);
    d->server.Post(".*", h);
    d->server.Put(".*", h);
    d->server.Patch(".*", h);
    d->server.Delete(".*", h);
}

ApiServer::~ApiServer()
{
    stop();
}

int ApiServer::bind(const std::string &host, int port)
{
    if (port == 0)
        d->ctx.port = d->server.bind_to_any_port(host);
    else
        d->ctx.port = d->server.bind_to_port(host, port) ? port : -1;
    d->exec.setApiPort(d->ctx.port);
    return d->ctx.port;
}

void ApiServer::start()
{
    d->thread = std::thread([this] { d->server.listen_after_bind(); });
}

void ApiServer::stop()
{
    if (d->server.is_running() || d->thread.joinable()) {
        d->store.shutdown();
        d->portForward.stopAll();
        d->exec.stopAll();
        d->server.stop();
    }
    if (d->thread.joinable())
        d->thread.join();
}

void ApiServer::serve(const httplib::Request &request, httplib::Response &response)
{
    d->handle(request, response);
}

void ApiServer::setRequestLimits(const RequestLimits &limits)
{
    d->server.setRequestLimits(limits);
}

void ApiServer::setContinueTokenTtl(std::chrono::seconds ttl)
{
    d->pager.setTtl(ttl);
}

void ApiServer::setRequestLogger(std::function<void(const std::string &)> logger)
{
    d->logger = logger;
    d->exec.setLogger(logger);
    d->portForward.setLogger(std::move(logger));
}

} // namespace bc::sandbox
