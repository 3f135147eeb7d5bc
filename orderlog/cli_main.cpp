// orderlog-cli: send an entry, list entries, or generate load against orderlog-server.

#include "orderlog/proto/orderlog.grpc.pb.h"
#include "orderlog/runtime_tuning.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

constexpr const char *kUsage
    = "usage: orderlog-cli [--server HOST:PORT] COMMAND [options]\n"
      "  --server HOST:PORT   orderlog-server address (default: env ORDERLOG_ADDR, else 127.0.0.1:50051)\n"
      "commands:\n"
      "  log   [--content TEXT] [--order-id ID] [--user ID] [--email ADDR] [--total 12.34 --currency USD]\n"
      "        [--item PRODUCT:QTY]... [--tracking ID] [--city CITY] [--country COUNTRY]\n"
      "        [--placed-at TIME] [--request-id KEY]\n"
      "  list  [--since TIME] [--until TIME] [--page-size N] [--page-token TOKEN] [--all]\n"
      "  load  --count N --concurrency C [--threads T] [--channels K] [--prefix ID_PREFIX] [--content-only]\n"
      "        sends N orders keeping C calls in flight; prints entries/s and latency percentiles\n"
      "TIME is Unix seconds or YYYY-MM-DDTHH:MM:SSZ.\n";

using Clock = std::chrono::steady_clock;

struct Args
{
    std::vector<std::string> positional;
    std::multimap<std::string, std::string> options;
    std::vector<std::string> flags;

    std::optional<std::string> get(const std::string &key) const
    {
        const auto it = options.find(key);
        if (it == options.end())
            return std::nullopt;
        return it->second;
    }
    bool flag(const std::string &key) const
    {
        return std::find(flags.begin(), flags.end(), key) != flags.end();
    }
};

[[noreturn]] void fail(const std::string &message, int code = 2)
{
    std::fprintf(stderr, "orderlog-cli: %s\n", message.c_str());
    std::exit(code);
}

Args parseArgs(int argc, char **argv)
{
    static const std::vector<std::string> kFlags = {"--all", "--content-only", "--help", "-h"};
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.rfind("-", 0) != 0) {
            a.positional.push_back(arg);
            continue;
        }
        if (std::find(kFlags.begin(), kFlags.end(), arg) != kFlags.end()) {
            a.flags.push_back(arg);
            continue;
        }
        const auto eq = arg.find('=');
        if (eq != std::string::npos) {
            a.options.emplace(arg.substr(0, eq), arg.substr(eq + 1));
        } else if (i + 1 < argc) {
            a.options.emplace(arg, argv[++i]);
        } else {
            fail(arg + " needs a value");
        }
    }
    return a;
}

long long toNumber(const std::string &name, const std::string &text, long long lo, long long hi)
{
    long long v = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size() || v < lo || v > hi)
        fail(name + " needs a number " + std::to_string(lo) + ".." + std::to_string(hi) + ", got \"" + text
            + "\"");
    return v;
}

google::protobuf::Timestamp toTimestamp(const std::string &name, const std::string &text)
{
    google::protobuf::Timestamp ts;
    if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c));
        })) {
        ts.set_seconds(toNumber(name, text, 0, 253402300799));
        return ts;
    }
    std::tm tm {};
    const char *end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!end || *end)
        fail(name + " must be Unix seconds or YYYY-MM-DDTHH:MM:SSZ, got \"" + text + "\"");
    ts.set_seconds(timegm(&tm));
    return ts;
}

std::string formatTime(const google::protobuf::Timestamp &ts)
{
    const std::time_t t = ts.seconds();
    std::tm tm {};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%06dZ", ts.nanos() / 1000);
    return std::string(buf) + frac;
}

void setMoney(orderlog::Money *money, const std::string &amount, const std::string &currency)
{
    const auto dot = amount.find('.');
    const std::string whole = amount.substr(0, dot);
    std::string fraction = dot == std::string::npos ? std::string() : amount.substr(dot + 1);
    if (fraction.size() > 9)
        fail("--total has more than 9 decimals");
    money->set_units(toNumber("--total", whole, 0, 1000000000000LL));
    fraction.resize(9, '0');
    money->set_nanos(static_cast<std::int32_t>(toNumber("--total", fraction, 0, 999999999)));
    money->set_currency_code(currency);
}

// load: a channel for `load`, whose calls set no deadline and compress nothing.
std::shared_ptr<grpc::Channel> makeChannel(const std::string &server, bool ownConnection, bool load)
{
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
    if (ownConnection)
        args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0); // nothing here retries; saves the retry filter's copies
    args.SetInt(GRPC_ARG_ENABLE_CHANNELZ, 0); // per-call counters nobody reads
    if (load)
        args.SetInt(GRPC_ARG_MINIMAL_STACK, 1); // no compression or deadline filters
    return grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), args);
}

int reportError(const grpc::Status &s)
{
    std::fprintf(
        stderr, "orderlog-cli: call failed: %d %s\n", int(s.error_code()), s.error_message().c_str());
    return 1;
}

int cmdLog(orderlog::Logger::Stub &stub, const Args &a)
{
    orderlog::Entry entry;
    if (auto v = a.get("--content"))
        entry.set_content(*v);
    if (auto v = a.get("--request-id"))
        entry.set_request_id(*v);
    orderlog::Order order;
    bool hasOrder = false;
    const auto text = [&](const char *key, std::string *field) {
        if (auto v = a.get(key)) {
            *field = *v;
            hasOrder = true;
        }
    };
    std::string orderId, user, email, tracking;
    text("--order-id", &orderId);
    text("--user", &user);
    text("--email", &email);
    text("--tracking", &tracking);
    order.set_order_id(orderId);
    order.set_user_id(user);
    order.set_email(email);
    order.set_shipping_tracking_id(tracking);
    if (auto v = a.get("--total")) {
        setMoney(order.mutable_total(), *v, a.get("--currency").value_or("USD"));
        hasOrder = true;
    }
    const auto range = a.options.equal_range("--item");
    for (auto it = range.first; it != range.second; ++it) {
        const auto colon = it->second.rfind(':');
        auto *item = order.add_items();
        item->set_product_id(it->second.substr(0, colon));
        item->set_quantity(colon == std::string::npos
                ? 1
                : static_cast<std::int32_t>(toNumber("--item", it->second.substr(colon + 1), 1, 100000)));
        hasOrder = true;
    }
    if (auto v = a.get("--city")) {
        order.mutable_shipping_address()->set_city(*v);
        hasOrder = true;
    }
    if (auto v = a.get("--country")) {
        order.mutable_shipping_address()->set_country(*v);
        hasOrder = true;
    }
    if (auto v = a.get("--placed-at"))
        *order.mutable_placed_at() = toTimestamp("--placed-at", *v);
    if (hasOrder)
        *entry.mutable_order() = order;
    if (!hasOrder && entry.content().empty())
        fail("log needs --content or order fields (see --help)");
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    orderlog::Reply reply;
    const grpc::Status s = stub.Log(&ctx, entry, &reply);
    if (!s.ok())
        return reportError(s);
    std::printf("ok%s%s\n", reply.order_id().empty() ? "" : (" order_id=" + reply.order_id()).c_str(),
        reply.duplicate() ? " (duplicate: already stored)" : "");
    return 0;
}

int cmdList(orderlog::Logger::Stub &stub, const Args &a)
{
    orderlog::ListRequest req;
    if (auto v = a.get("--since"))
        *req.mutable_since() = toTimestamp("--since", *v);
    if (auto v = a.get("--until"))
        *req.mutable_until() = toTimestamp("--until", *v);
    if (auto v = a.get("--page-size"))
        req.set_page_size(static_cast<std::int32_t>(toNumber("--page-size", *v, 1, 1000)));
    if (auto v = a.get("--page-token"))
        req.set_page_token(*v);
    const bool all = a.flag("--all");
    std::printf("%-8s %-27s %-38s %-24s %-16s %s\n", "ID", "PLACED (UTC)", "ORDER", "EMAIL", "TOTAL",
        "ITEMS / CONTENT");
    for (;;) {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        orderlog::ListReply page;
        const grpc::Status s = stub.List(&ctx, req, &page);
        if (!s.ok())
            return reportError(s);
        for (const auto &e : page.entries()) {
            const auto &o = e.order();
            char total[64] = "";
            if (o.has_total())
                std::snprintf(total, sizeof total, "%lld.%02d %s", static_cast<long long>(o.total().units()),
                    o.total().nanos() / 10000000, o.total().currency_code().c_str());
            std::string items;
            for (const auto &item : o.items())
                items
                    += (items.empty() ? "" : ",") + item.product_id() + "x" + std::to_string(item.quantity());
            if (!e.content().empty())
                items += (items.empty() ? "" : " ") + e.content();
            std::printf("%-8lld %-27s %-38s %-24s %-16s %s\n", static_cast<long long>(e.id()),
                formatTime(o.placed_at()).c_str(), o.order_id().c_str(), o.email().c_str(), total,
                items.c_str());
        }
        if (page.next_page_token().empty())
            break;
        if (!all) {
            std::printf("next page: --page-token %s\n", page.next_page_token().c_str());
            break;
        }
        req.set_page_token(page.next_page_token());
    }
    return 0;
}

// Keeps `concurrency` Log calls in flight until `count` have completed. Completion-queue client
// (what gRPC's own QPS benchmarks use): each thread polls its own queue and starts the next call
// from there, so the client costs as little CPU as possible and the server is what gets measured.
class LoadRun
{
public:
    LoadRun(std::vector<std::unique_ptr<orderlog::Logger::Stub>> stubs, long count, std::string prefix,
        bool contentOnly)
        : m_stubs(std::move(stubs))
        , m_count(count)
        , m_prefix(std::move(prefix))
        , m_contentOnly(contentOnly)
    {
        if (!m_contentOnly) {
            auto *o = m_template.mutable_order();
            o->set_user_id("load-user");
            o->set_email("load@example.com");
            o->mutable_total()->set_currency_code("USD");
            o->mutable_total()->set_units(19);
            o->mutable_total()->set_nanos(990000000);
            auto *item = o->add_items();
            item->set_product_id("OLJCESPC7Z");
            item->set_quantity(1);
        }
    }

    void run(int concurrency, int threads)
    {
        threads = std::max(1, std::min(threads, concurrency));
        std::vector<Worker> workers(static_cast<std::size_t>(threads));
        m_start = Clock::now();
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t) {
            const int inFlight = concurrency / threads + (t < concurrency % threads ? 1 : 0);
            pool.emplace_back(
                [this, &w = workers[static_cast<std::size_t>(t)], t, inFlight] { work(w, t, inFlight); });
        }
        for (auto &th : pool)
            th.join();
        m_elapsed = Clock::now() - m_start;
        for (auto &w : workers) {
            m_latencies.insert(m_latencies.end(), w.latencies.begin(), w.latencies.end());
            m_ok += w.ok;
            m_failed += w.failed;
            if (m_firstError.empty())
                m_firstError = w.firstError;
        }
    }

    int report() const
    {
        const double seconds = std::chrono::duration<double>(m_elapsed).count();
        std::vector<double> sorted = m_latencies;
        std::sort(sorted.begin(), sorted.end());
        const auto pct = [&](double p) {
            if (sorted.empty())
                return 0.0;
            const auto idx
                = std::min(sorted.size() - 1, static_cast<std::size_t>(p / 100.0 * double(sorted.size())));
            return sorted[idx];
        };
        std::printf("sent %ld entries in %.3f s, %ld ok, %ld failed\n", m_count, seconds, m_ok, m_failed);
        std::printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", pct(50), pct(90), pct(99),
            sorted.empty() ? 0.0 : sorted.back());
        if (!m_firstError.empty())
            std::printf("first error: %s\n", m_firstError.c_str());
        std::printf("entries/s: %.1f\n", seconds > 0 ? double(m_ok) / seconds : 0.0);
        return m_failed == 0 ? 0 : 1;
    }

private:
    struct Call
    {
        grpc::ClientContext ctx;
        orderlog::Entry entry;
        orderlog::Reply reply;
        grpc::Status status;
        Clock::time_point started;
        std::unique_ptr<grpc::ClientAsyncResponseReader<orderlog::Reply>> reader;
    };
    struct Worker
    {
        std::vector<double> latencies;
        long ok = 0;
        long failed = 0;
        std::string firstError;
    };

    // Starts the next call on `cq`; false when all calls have been started.
    bool startNext(grpc::CompletionQueue &cq, int thread)
    {
        const long i = m_next.fetch_add(1);
        if (i >= m_count)
            return false;
        auto *call = new Call;
        std::string id = m_prefix;
        id += '-';
        id += std::to_string(i);
        call->entry = m_template;
        if (m_contentOnly)
            call->entry.set_content("order " + id);
        else
            call->entry.mutable_order()->set_order_id(std::move(id));
        // No per-call deadline: it costs a timer on both ends of every call. work() gives up
        // instead when no call at all completes for kStallLimit.
        call->started = Clock::now();
        auto &stub = *m_stubs[static_cast<std::size_t>(thread) % m_stubs.size()];
        call->reader = stub.AsyncLog(&call->ctx, call->entry, &cq);
        call->reader->Finish(&call->reply, &call->status, call);
        return true;
    }

    void work(Worker &w, int thread, int inFlight)
    {
        grpc::CompletionQueue cq;
        int pending = 0;
        for (int k = 0; k < inFlight && startNext(cq, thread); ++k)
            ++pending;
        void *tag = nullptr;
        bool ok = false;
        while (pending > 0) {
            const auto next = cq.AsyncNext(&tag, &ok, std::chrono::system_clock::now() + kStallLimit);
            if (next == grpc::CompletionQueue::TIMEOUT)
                fail("no reply from the server for " + std::to_string(kStallLimit.count()) + " s; "
                        + std::to_string(pending) + " calls of this thread still open",
                    1);
            if (next != grpc::CompletionQueue::GOT_EVENT)
                break;
            auto *call = static_cast<Call *>(tag);
            w.latencies.push_back(
                std::chrono::duration<double, std::milli>(Clock::now() - call->started).count());
            if (ok && call->status.ok()) {
                ++w.ok;
            } else {
                ++w.failed;
                if (w.firstError.empty())
                    w.firstError
                        = std::to_string(int(call->status.error_code())) + " " + call->status.error_message();
            }
            delete call;
            --pending;
            if (startNext(cq, thread))
                ++pending;
        }
        cq.Shutdown();
        while (cq.Next(&tag, &ok)) { }
    }

    static constexpr std::chrono::seconds kStallLimit {60};

    std::vector<std::unique_ptr<orderlog::Logger::Stub>> m_stubs;
    orderlog::Entry m_template; // what every load order has in common; startNext() adds the id
    const long m_count;
    const std::string m_prefix;
    const bool m_contentOnly;
    std::atomic<long> m_next {0};
    long m_ok = 0;
    long m_failed = 0;
    std::vector<double> m_latencies;
    std::string m_firstError;
    Clock::time_point m_start;
    Clock::duration m_elapsed {};
};

int cmdLoad(const std::string &server, const Args &a)
{
    const long count = static_cast<long>(toNumber("--count", a.get("--count").value_or(""), 1, 100000000));
    const int concurrency
        = static_cast<int>(toNumber("--concurrency", a.get("--concurrency").value_or("1"), 1, 10000));
    const int channels = static_cast<int>(toNumber("--channels", a.get("--channels").value_or("1"), 1, 64));
    const std::string prefix
        = a.get("--prefix")
              .value_or("load-" + std::to_string(::getpid()) + "-" + std::to_string(std::time(nullptr)));
    std::vector<std::unique_ptr<orderlog::Logger::Stub>> stubs;
    for (int i = 0; i < channels; ++i) {
        auto channel = makeChannel(server, channels > 1, true);
        if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10)))
            fail("cannot connect to " + server, 1);
        stubs.push_back(orderlog::Logger::NewStub(channel));
    }
    const int threads = static_cast<int>(toNumber("--threads", a.get("--threads").value_or("2"), 1, 64));
    LoadRun run(std::move(stubs), count, prefix, a.flag("--content-only"));
    run.run(concurrency, threads);
    return run.report();
}

} // namespace

int main(int argc, char **argv)
{
    bc::orderlog::tuneRuntime();
    const Args a = parseArgs(argc, argv);
    if (a.flag("--help") || a.flag("-h") || a.positional.empty()) {
        std::fputs(kUsage, a.positional.empty() && !a.flag("--help") && !a.flag("-h") ? stderr : stdout);
        return a.positional.empty() && !a.flag("--help") && !a.flag("-h") ? 2 : 0;
    }
    const char *envAddr = std::getenv("ORDERLOG_ADDR");
    const std::string server = a.get("--server").value_or(envAddr && *envAddr ? envAddr : "127.0.0.1:50051");
    const std::string &command = a.positional.front();
    if (command == "load")
        return cmdLoad(server, a);
    auto stub = orderlog::Logger::NewStub(makeChannel(server, false, false));
    if (command == "log")
        return cmdLog(*stub, a);
    if (command == "list")
        return cmdList(*stub, a);
    fail("unknown command \"" + command + "\" (log, list, load)");
}
