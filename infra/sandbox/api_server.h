#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace httplib {
struct Request;
struct Response;
} // namespace httplib

namespace bc::sandbox {

class ClusterSimulator;
class ObjectStore;
class ResourceRegistry;
struct RequestLimits;

// The Kubernetes API over HTTP (cpp-httplib): discovery, OpenAPI v3, CRUD + watch on every
// registered resource, patch (strategic, merge, JSON, server-side apply), Table output,
// pods/log, deployments/scale, metrics.k8s.io. Errors are Status objects.
class ApiServer {
public:
    // Every connection has a thread for as long as it lasts (watches, followed logs); up to this many.
    static constexpr std::size_t kMaxConnectionThreads = 1024;

    ApiServer(ObjectStore &store, ResourceRegistry &registry, ClusterSimulator &simulator);
    ~ApiServer();
    ApiServer(const ApiServer &) = delete;
    ApiServer &operator=(const ApiServer &) = delete;

    // Binds 127.0.0.1:port (0 = any free port). Returns the port or -1.
    int bind(const std::string &host, int port);
    void start(); // serves on a background thread
    void stop();
    void setRequestLogger(std::function<void(const std::string &line)> logger);
    // Before start(): head size and read deadlines per request (request_errors.h).
    void setRequestLimits(const RequestLimits &limits);
    // How long a list's continue token names a consistent snapshot (5 minutes; then 410 Expired).
    void setContinueTokenTtl(std::chrono::seconds ttl);
    // Answers one request in-process, as the listening server would (the fuzz harness drives this).
    void serve(const httplib::Request &request, httplib::Response &response);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace bc::sandbox
