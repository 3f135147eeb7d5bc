// orderlog-server: stores orders in PostgreSQL table `logs` (see orderlog/proto/orderlog.proto).

#include "orderlog/checkout_tap.h"
#include "orderlog/logger_service.h"
#include "orderlog/order_store.h"
#include "orderlog/order_writer.h"
#include "orderlog/runtime_tuning.h"
#include "orderlog/server_options.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <pthread.h>

namespace {

constexpr const char *kLoggerServiceName = "orderlog.Logger";
constexpr int kMaxReceiveBytes = 1024 * 1024; // beyond this gRPC itself answers RESOURCE_EXHAUSTED

std::mutex g_logMutex;

void logLine(const std::string &line)
{
    std::lock_guard lock(g_logMutex);
    std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    std::fprintf(stderr, "%s orderlog-server: %s\n", stamp, line.c_str());
}

} // namespace

int main(int argc, char **argv)
{
    using namespace bc::orderlog;
    tuneRuntime();
    const auto parsed
        = parseServerOptions(std::vector<std::string>(argv + 1, argv + argc), std::getenv("PORT"));
    if (const auto *error = std::get_if<std::string>(&parsed)) {
        std::fprintf(stderr, "orderlog-server: %s\n%s", error->c_str(), kServerUsage);
        return 2;
    }
    const ServerOptions options = std::get<ServerOptions>(parsed);
    if (options.help) {
        std::fputs(kServerUsage, stdout);
        return 0;
    }

    // SIGTERM/SIGINT are taken by sigwait() below; block them before any thread exists.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    logLine("database: "
        + (options.conninfo.empty() ? std::string("from PG* environment")
                                    : redactConninfo(options.conninfo)));
    if (redactConninfo(options.conninfo) != options.conninfo)
        logLine("warning: --db carries a password, which any local user can read in the process list;"
                " use PGPASSWORD or a .pgpass file");

    std::unique_ptr<grpc::Server> server;
    std::mutex healthMutex;
    grpc::HealthCheckServiceInterface *health = nullptr;
    bool dbUp = false;

    OrderWriter writer(OrderWriter::Options {
        .conninfo = options.conninfo,
        .threads = options.writers,
        .maxBatch = options.maxBatch,
        .parallelBatch = options.parallelBatch,
        .reconnectInterval = std::chrono::milliseconds(500),
        .onConnectivity =
            [&](bool up) {
                std::lock_guard lock(healthMutex);
                dbUp = up;
                logLine(up ? "PostgreSQL reachable" : "PostgreSQL unreachable; writes get UNAVAILABLE");
                if (health)
                    health->SetServingStatus(kLoggerServiceName, up);
            },
        .log = logLine,
    });

    {
        // Create or upgrade the schema before serving, so a ready server has its tables. If the
        // database is down we serve anyway (writes get UNAVAILABLE) and the writers keep trying.
        OrderStore probe(options.conninfo);
        const StoreStatus opened = probe.open();
        dbUp = bool(opened);
        logLine(opened ? "schema at version " + std::to_string(OrderStore::kSchemaVersion)
                       : opened.error().message + "; will keep trying");
    }

    LoggerService logger(writer);
    std::unique_ptr<CheckoutTap> tap;
    if (!options.checkoutUpstream.empty())
        tap = std::make_unique<CheckoutTap>(writer, options.checkoutUpstream, logLine);

    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    // gRPC binds with SO_REUSEPORT: on port 0 Linux may then hand it a port that another reuseport
    // socket (the sandbox's HTTP server) already serves, and connections are split between the two.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.AddChannelArgument(GRPC_ARG_ENABLE_CHANNELZ, 0); // per-call counters nobody reads
    int port = 0;
    const std::string address
        = (options.listen.find(':') != std::string::npos && options.listen.front() != '['
                  ? "[" + options.listen + "]"
                  : options.listen)
        + ":" + std::to_string(options.port);
    builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port);
    builder.SetMaxReceiveMessageSize(kMaxReceiveBytes);
    builder.RegisterService(&logger);
    if (tap)
        builder.RegisterService(tap.get());
    server = builder.BuildAndStart();
    if (!server || port == 0) {
        logLine("cannot listen on " + address);
        return 1;
    }
    {
        std::lock_guard lock(healthMutex);
        health = server->GetHealthCheckService();
        health->SetServingStatus("", true);
        health->SetServingStatus(kLoggerServiceName, dbUp);
    }
    writer.start();
    std::printf("listening on %s:%d\n", options.listen.c_str(), port);
    std::fflush(stdout);
    logLine("listening on " + options.listen + ":" + std::to_string(port)
        + (tap ? ", checkout tap -> " + options.checkoutUpstream : std::string()));

    int signal = 0;
    sigwait(&stopSignals, &signal);
    logLine(std::string("got ") + (signal == SIGTERM ? "SIGTERM" : "SIGINT") + ", draining in-flight calls");
    {
        std::lock_guard lock(healthMutex);
        health->Shutdown(); // probes see NOT_SERVING while we drain
    }
    // Stops accepting calls; in-flight ones finish (the writer keeps committing and finishing them).
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(options.drainSeconds));
    server->Wait();
    writer.stop();
    {
        std::lock_guard lock(healthMutex);
        health = nullptr;
    }
    server.reset();
    logLine("stopped");
    return 0;
}
