#pragma once

// Command line of orderlog-server.

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace bc::orderlog {

struct ServerOptions
{
    std::string listen = "0.0.0.0"; // --listen ADDR
    int port = 50051; // --port N, or env PORT; 0 picks a free port
    std::string conninfo; // --db CONNINFO; empty: the PG* environment variables
    std::string checkoutUpstream; // --checkout-upstream HOST:PORT enables the tap
    int writers = 4; // --writers N (1..16)
    int maxBatch = 1024; // --max-batch N (1..10000)
    int parallelBatch = 16; // --parallel-batch N: queued calls that start a second concurrent commit
    int drainSeconds = 20; // --drain-seconds N: grace for in-flight calls on SIGTERM
    bool help = false;
};

// getenvPort: value of PORT (nullptr if unset). Returns the options or a message for stderr.
std::variant<ServerOptions, std::string> parseServerOptions(
    const std::vector<std::string> &args, const char *envPort);

extern const char *const kServerUsage;

} // namespace bc::orderlog
