// boutique-sandbox: a simulated Kubernetes cluster that the real kubectl drives (see README.md).
#include "infra/sandbox/loadgen_container.h"
#include "infra/sandbox/port_forward_service.h"
#include "infra/sandbox/sandbox.h"
#include "infra/sandbox/storefront/storefront.h"

#include <sys/prctl.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <memory>
#include <string>

namespace {

void usage(std::ostream &out)
{
    out << "usage: boutique-sandbox [options]\n"
           "  --port N               listen on 127.0.0.1:N (0 = pick a free port, printed)\n"
           "  --kubeconfig FILE      write a kubeconfig for the sandbox once it listens\n"
           "  --state FILE           keep the cluster state in FILE across restarts (default: fresh)\n"
           "  --nodes N              node pool size (default 3)\n"
           "  --machine-type T       e2-standard-2 (default), e2-standard-4, e2-medium, ...\n"
           "  --node-cpu CORES       override the node CPU capacity\n"
           "  --node-memory GIB      override the node memory capacity\n"
           "  --max-pods N           pods per node (default 110)\n"
           "  --pod-start-delay S    simulated seconds from scheduling to Running (default 2)\n"
           "  --lb-delay S           simulated seconds a LoadBalancer stays pending (default 3)\n"
           "  --time-scale X         real seconds per simulated second (default 1; 0.1 = 10x faster)\n"
           "  --max-events N         Event objects kept (default 2000)\n"
           "  --with-crds            pre-install the CNPG and Istio CustomResourceDefinitions\n"
           "  --postgres HOST:PORT   real PostgreSQL (loopback) that port 5432 of CNPG instance pods forwards to\n"
           "  --exit-with-parent     stop (and save state) when the process that started it dies\n"
           "  --verbose              log every request to stderr\n"
           "  --no-storefront        do not serve the simulated Online Boutique on the frontend LoadBalancer\n"
           "  --no-loadgen           do not run Locust for loadgenerator pods (no traffic of their own)\n"
           "  --orderlog HOST:PORT   real orderlog-server behind Service orderlog (its checkout tap, when the\n"
           "                         frontend's CHECKOUT_SERVICE_ADDR is orderlog:50051)\n"
           "  --checkout-listen HOST:PORT  loopback address of the checkoutservice stand-in (gRPC; default\n"
           "                         127.0.0.1:0 = a free port, printed); give it to orderlog-server --checkout-upstream\n"
           "  --fault SVC:latency=MS,error=RATE   slow down / fail calls to a Service (repeatable;\n"
           "                         SVC@v2: only the calls its v2 pods serve)\n"
           "  --cost-scale X         CPU charged per call (default 1; 0 = no CPU model, pure HTTP throughput)\n";
}

bool machine(const std::string &type, double &cpu, double &memGiB)
{
    struct M {
        const char *name;
        double cpu, mem;
    };
    static const M table[] = {{"e2-micro", 2, 1},        {"e2-small", 2, 2},        {"e2-medium", 2, 4},
                              {"e2-standard-2", 2, 8},   {"e2-standard-4", 4, 16},  {"e2-standard-8", 8, 32},
                              {"e2-standard-16", 16, 64}, {"n2-standard-2", 2, 8}, {"n2-standard-4", 4, 16}};
    for (const auto &m : table)
        if (type == m.name) {
            cpu = m.cpu;
            memGiB = m.mem;
            return true;
        }
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    bc::sandbox::SandboxOptions opts;
    bool verbose = false;
    bool withStorefront = true;
    bool withLoadgen = true;
    bc::sandbox::storefront::StorefrontOptions shop;
    double nodeCpu = -1, nodeMem = -1;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&](const char *what) -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "boutique-sandbox: " << a << " needs " << what << "\n";
                std::exit(2);
            }
            return argv[++i];
        };
        auto number = [&](const char *what, double min, double max) {
            const std::string v = value(what);
            char *end = nullptr;
            const double d = std::strtod(v.c_str(), &end);
            if (v.empty() || *end || d < min || d > max) {
                std::cerr << "boutique-sandbox: " << a << " expects " << what << " between " << min << " and " << max
                          << ", got \"" << v << "\"\n";
                std::exit(2);
            }
            return d;
        };
        if (a == "--port")
            opts.port = static_cast<int>(number("a port", 0, 65535));
        else if (a == "--kubeconfig")
            opts.kubeconfigPath = value("a file");
        else if (a == "--state")
            opts.statePath = value("a file");
        else if (a == "--nodes")
            opts.simulator.nodeCount = static_cast<int>(number("a node count", 0, 5000));
        else if (a == "--machine-type") {
            opts.simulator.machineType = value("a machine type");
            double c = 0, m = 0;
            if (!machine(opts.simulator.machineType, c, m)) {
                std::cerr << "boutique-sandbox: unknown machine type \"" << opts.simulator.machineType
                          << "\" (use --node-cpu/--node-memory for others)\n";
                return 2;
            }
            opts.simulator.nodeCpu = c;
            opts.simulator.nodeMemory = m * 1024 * 1024 * 1024;
        } else if (a == "--node-cpu")
            nodeCpu = number("cores", 0.1, 512);
        else if (a == "--node-memory")
            nodeMem = number("GiB", 0.25, 4096);
        else if (a == "--max-pods")
            opts.simulator.maxPodsPerNode = static_cast<int>(number("a pod count", 1, 100000));
        else if (a == "--pod-start-delay")
            opts.simulator.podStartDelay = number("seconds", 0, 3600);
        else if (a == "--lb-delay")
            opts.simulator.loadBalancerDelay = number("seconds", 0, 3600);
        else if (a == "--time-scale")
            opts.simulator.timeScale = number("a factor", 0, 100);
        else if (a == "--max-events")
            opts.simulator.maxEvents = static_cast<std::size_t>(number("a count", 0, 1e7));
        else if (a == "--with-crds")
            opts.withCrds = true;
        else if (a == "--postgres") {
            opts.postgresAddress = value("HOST:PORT");
            if (const auto t = bc::sandbox::parseLoopbackAddress(opts.postgresAddress); !t.error.empty()) {
                std::cerr << "boutique-sandbox: --postgres: " << t.error << "\n";
                return 2;
            }
        } else if (a == "--verbose")
            verbose = true;
        else if (a == "--exit-with-parent")
            prctl(PR_SET_PDEATHSIG, SIGTERM); // delivered to the blocked set below, handled by sigtimedwait
        else if (a == "--no-storefront" || a == "--storefront")
            withStorefront = a == "--storefront";
        else if (a == "--no-loadgen")
            withLoadgen = false;
        else if (a == "--orderlog")
            shop.orderlogAddress = value("HOST:PORT");
        else if (a == "--checkout-listen")
            shop.checkoutListen = value("HOST:PORT");
        else if (a == "--cost-scale")
            shop.costScale = number("a factor", 0, 1000);
        else if (a == "--fault") {
            if (const std::string err = bc::sandbox::storefront::Storefront::addFault(shop, value("SVC:latency=MS,error=RATE")); !err.empty()) {
                std::cerr << "boutique-sandbox: --fault: " << err << "\n";
                return 2;
            }
        } else if (a == "--help" || a == "-h") {
            usage(std::cout);
            return 0;
        } else {
            std::cerr << "boutique-sandbox: unknown option \"" << a << "\"\n";
            usage(std::cerr);
            return 2;
        }
    }
    if (nodeCpu > 0)
        opts.simulator.nodeCpu = nodeCpu;
    if (nodeMem > 0)
        opts.simulator.nodeMemory = nodeMem * 1024 * 1024 * 1024;

    // Signals are taken synchronously by the main thread; every other thread inherits the mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    bc::sandbox::Sandbox sandbox(opts);
    if (verbose)
        sandbox.setRequestLogger([](const std::string &line) { std::fprintf(stderr, "%s\n", line.c_str()); });
    int port = 0;
    try {
        port = sandbox.start();
    } catch (const std::exception &e) {
        std::cerr << "boutique-sandbox: " << e.what() << "\n";
        return 1;
    }
    shop.log = [](const std::string &line) { std::printf("%s\n", line.c_str()); std::fflush(stdout); };
    std::unique_ptr<bc::sandbox::storefront::Storefront> storefront;
    if (withStorefront) {
        // Before "listening": a client that sees the sandbox ready can place orders.
        storefront = std::make_unique<bc::sandbox::storefront::Storefront>(sandbox, shop);
        if (const std::string e = storefront->startCheckout(); !e.empty()) {
            std::cerr << "boutique-sandbox: --checkout-listen: " << e << "\n";
            storefront.reset();
            sandbox.stop();
            return 1;
        }
        if (!storefront->checkoutAddress().empty())
            std::cout << "checkoutservice stand-in serving gRPC at " << storefront->checkoutAddress() << std::endl;
    }
    std::cout << "boutique-sandbox listening on http://" << opts.host << ":" << port;
    if (!opts.kubeconfigPath.empty())
        std::cout << " (kubeconfig " << opts.kubeconfigPath << ")";
    std::cout << std::endl;
    if (storefront)
        storefront->start();
    std::unique_ptr<bc::sandbox::LoadgenController> loadgen;
    if (storefront && withLoadgen) {
        loadgen = std::make_unique<bc::sandbox::LoadgenController>(sandbox.store(), sandbox.simulator(),
                                                                   [&storefront] { return storefront->url(); });
        loadgen->start();
    }

    for (;;) {
        const timespec wait{5, 0};
        const int sig = sigtimedwait(&signals, nullptr, &wait);
        if (sig > 0)
            break;
        try {
            sandbox.saveState();
        } catch (const std::exception &e) {
            std::cerr << "boutique-sandbox: " << e.what() << "\n";
        }
    }
    loadgen.reset();
    storefront.reset();
    sandbox.stop();
    return 0;
}
