#include "orderlog/server_options.h"

#include <charconv>

namespace bc::orderlog {

const char *const kServerUsage
    = "usage: orderlog-server [--listen ADDR] [--port N] [--db CONNINFO] [--checkout-upstream HOST:PORT]\n"
      "                       [--writers N] [--max-batch N] [--parallel-batch N] [--drain-seconds N]\n"
      "  --listen ADDR      address to listen on (default 0.0.0.0)\n"
      "  --port N           port (default: env PORT, else 50051; 0 picks a free one and prints it)\n"
      "  --db CONNINFO      libpq connection string; default: the PG* environment variables.\n"
      "                     Put the password in PGPASSWORD or ~/.pgpass, not on the command line.\n"
      "  --checkout-upstream HOST:PORT\n"
      "                     also serve hipstershop.CheckoutService/PlaceOrder, forwarding to HOST:PORT\n"
      "                     and logging each placed order\n"
      "  --writers N        database connections writing in parallel (default 4)\n"
      "  --max-batch N      most orders committed in one transaction (default 1024)\n"
      "  --parallel-batch N while a writer commits, another starts only once N orders wait (default 16)\n"
      "  --drain-seconds N  on SIGTERM, how long in-flight calls may take to finish (default 20)\n";

namespace {

std::optional<int> toInt(const std::string &s, int lo, int hi)
{
    int v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v < lo || v > hi)
        return std::nullopt;
    return v;
}

} // namespace

std::variant<ServerOptions, std::string> parseServerOptions(
    const std::vector<std::string> &args, const char *envPort)
{
    ServerOptions o;
    if (envPort && *envPort) {
        const auto p = toInt(envPort, 0, 65535);
        if (!p)
            return std::string("PORT must be a number 0..65535, got \"") + envPort + "\"";
        o.port = *p;
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        std::string name = a;
        std::optional<std::string> value;
        if (const auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
            name = a.substr(0, eq);
            value = a.substr(eq + 1);
        }
        const auto next = [&]() -> std::optional<std::string> {
            if (value)
                return value;
            if (i + 1 < args.size())
                return args[++i];
            return std::nullopt;
        };
        const auto intArg = [&](int lo, int hi, int &out) -> std::string {
            const auto v = next();
            const auto n = v ? toInt(*v, lo, hi) : std::nullopt;
            if (!n)
                return name + " needs a number " + std::to_string(lo) + ".." + std::to_string(hi);
            out = *n;
            return {};
        };
        std::string error;
        if (name == "--help" || name == "-h") {
            o.help = true;
        } else if (name == "--port") {
            error = intArg(0, 65535, o.port);
        } else if (name == "--writers") {
            error = intArg(1, 16, o.writers);
        } else if (name == "--max-batch") {
            error = intArg(1, 10000, o.maxBatch);
        } else if (name == "--parallel-batch") {
            error = intArg(1, 10000, o.parallelBatch);
        } else if (name == "--drain-seconds") {
            error = intArg(0, 3600, o.drainSeconds);
        } else if (name == "--listen" || name == "--db" || name == "--checkout-upstream") {
            const auto v = next();
            if (!v || v->empty())
                error = name + " needs a value";
            else if (name == "--listen")
                o.listen = *v;
            else if (name == "--db")
                o.conninfo = *v;
            else
                o.checkoutUpstream = *v;
        } else {
            error = "unknown argument \"" + a + "\"";
        }
        if (!error.empty())
            return error;
    }
    return o;
}

} // namespace bc::orderlog
