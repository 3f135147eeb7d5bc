#pragma once

#include "infra/sandbox/storefront/cart_store.h"
#include "infra/sandbox/storefront/service_mesh.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace bc::sandbox {
class Sandbox;
}

namespace bc::sandbox::storefront {

class ShopData;
class CheckoutRoute;

struct StorefrontOptions {
    std::string orderlogAddress;            // host:port of the real orderlog-server behind Service orderlog
    std::string checkoutListen = "127.0.0.1:0"; // where the checkoutservice stand-in serves gRPC
    std::map<std::string, FaultSpec> faults; // by Service name
    double costScale = 1.0;                 // 0 = no CPU charged and no queueing (pure HTTP throughput)
    int threads = 512;                      // HTTP worker threads (each keep-alive connection holds one)
    std::string listenIp;                   // "" = a loopback address derived from the API port
    std::function<void(const std::string &)> log; // progress lines ("storefront listening on ...")
};

// The simulated Online Boutique frontend (see README.md): once the frontend LoadBalancer Service
// exists it listens on that Service's loopback ingress address and port, reports the address as the
// Service's ingress, and serves the upstream frontend's routes. Every request is handled by a ready
// frontend pod and calls the backend services through ServiceMesh, which charges their pods' CPU in
// the ClusterSimulator and turns CPU limits into queueing latency. Checkout goes over gRPC to the
// Service the frontend pod's CHECKOUT_SERVICE_ADDR names (see CheckoutRoute).
class Storefront {
public:
    Storefront(Sandbox &sandbox, StorefrontOptions options);
    ~Storefront();
    Storefront(const Storefront &) = delete;
    Storefront &operator=(const Storefront &) = delete;

    // Serves the checkoutservice stand-in (StorefrontOptions::checkoutListen). "" or why it cannot.
    std::string startCheckout();
    std::string checkoutAddress() const; // 127.0.0.1:PORT of the stand-in once started
    void start(); // watches the cluster in a background thread
    void stop();
    std::string url() const; // "http://127.x.y.1:80" while serving, else ""

    // Parses "--fault" values and other option text; returns "" or an error message.
    static std::string addFault(StorefrontOptions &options, const std::string &text);
    static std::string loopbackAddressFor(int apiPort);

private:
    class Http;
    void watch();
    void listen(const Topology &topo);
    void stopListening();
    void log(const std::string &line) const;

    Sandbox &m_sandbox;
    StorefrontOptions m_options;
    std::unique_ptr<ShopData> m_data;
    std::unique_ptr<ServiceMesh> m_mesh;
    CartStore m_carts;
    std::unique_ptr<CheckoutRoute> m_checkout;
    std::unique_ptr<Http> m_http;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_running = false;
    std::thread m_watcher;
    std::string m_url;
    std::string m_servedService; // ns/name the listener belongs to
};

} // namespace bc::sandbox::storefront
