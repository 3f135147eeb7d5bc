#pragma once

// Test-side gRPC client helpers: async (callback) Log calls and a completion latch.

#include "orderlog/proto/orderlog.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

namespace bc::test {

inline std::shared_ptr<grpc::Channel> channelTo(const std::string &address)
{
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
    return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

// Counts down completions; wait() blocks on the condition with a deadline, no sleeps.
class Latch
{
public:
    explicit Latch(int count)
        : m_count(count)
    { }
    void countDown()
    {
        std::lock_guard lock(m_mutex);
        if (--m_count == 0)
            m_done.notify_all();
    }
    bool wait(std::chrono::milliseconds timeout)
    {
        std::unique_lock lock(m_mutex);
        return m_done.wait_for(lock, timeout, [this] { return m_count <= 0; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_done;
    int m_count;
};

inline orderlog::Entry orderEntry(const std::string &orderId)
{
    orderlog::Entry e;
    auto *o = e.mutable_order();
    o->set_order_id(orderId);
    o->set_user_id("user-1");
    o->set_email("someone@example.com");
    o->mutable_total()->set_currency_code("USD");
    o->mutable_total()->set_units(42);
    o->mutable_total()->set_nanos(990000000);
    auto *item = o->add_items();
    item->set_product_id("OLJCESPC7Z");
    item->set_quantity(2);
    o->set_shipping_tracking_id("TRACK-1");
    o->mutable_shipping_address()->set_city("Mountain View");
    o->mutable_shipping_address()->set_country("United States");
    return e;
}

// One blocking Log with a deadline.
inline grpc::Status logOnce(orderlog::Logger::Stub &stub, const orderlog::Entry &entry,
    orderlog::Reply *reply, std::chrono::milliseconds timeout = std::chrono::seconds(10))
{
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + timeout);
    return stub.Log(&ctx, entry, reply);
}

} // namespace bc::test
