#include "infra/sandbox/sandbox.h"

#include "infra/sandbox/api_error.h"
#include "infra/sandbox/api_server.h"
#include "infra/sandbox/cnpg_controller.h"
#include "infra/sandbox/crd_support.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/resource_registry.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bc::sandbox {

namespace {
constexpr const char *kCrdKey = "customresourcedefinitions.apiextensions.k8s.io";

void writeFileAtomically(const std::string &path, const std::string &text)
{
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw std::runtime_error("cannot write " + tmp);
        out << text;
        if (!out.flush())
            throw std::runtime_error("cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        throw std::runtime_error("cannot rename " + tmp + " to " + path);
}
} // namespace

Sandbox::Sandbox(SandboxOptions options)
    : m_options(std::move(options)), m_store(std::make_unique<ObjectStore>()),
      m_registry(std::make_unique<ResourceRegistry>()),
      m_simulator(std::make_unique<ClusterSimulator>(*m_store, *m_registry, m_options.simulator)),
      m_api(std::make_unique<ApiServer>(*m_store, *m_registry, *m_simulator)),
      m_cnpg(std::make_unique<CnpgController>(*m_store, *m_registry, *m_simulator, m_options.postgresAddress))
{
}

Sandbox::~Sandbox()
{
    stop();
}

void Sandbox::setRequestLogger(std::function<void(const std::string &)> logger)
{
    m_api->setRequestLogger(std::move(logger));
}

std::string Sandbox::kubeconfigText(const std::string &host, int port)
{
    std::ostringstream out;
    out << "apiVersion: v1\n"
        << "kind: Config\n"
        << "clusters:\n"
        << "- name: boutique-sandbox\n"
        << "  cluster:\n"
        << "    server: http://" << host << ":" << port << "\n"
        << "contexts:\n"
        << "- name: boutique-sandbox\n"
        << "  context:\n"
        << "    cluster: boutique-sandbox\n"
        << "    user: boutique-sandbox\n"
        << "    namespace: default\n"
        << "current-context: boutique-sandbox\n"
        << "preferences: {}\n"
        << "users:\n"
        << "- name: boutique-sandbox\n"
        << "  user: {}\n";
    return out.str();
}

void Sandbox::loadState()
{
    if (m_options.statePath.empty())
        return;
    std::ifstream in(m_options.statePath, std::ios::binary);
    if (!in)
        return; // first run: start fresh, save later
    std::stringstream buf;
    buf << in.rdbuf();
    Json state;
    try {
        state = Json::parse(buf.str());
    } catch (const nlohmann::json::exception &e) {
        throw std::runtime_error("state file " + m_options.statePath + " is not valid JSON: " + e.what());
    }
    m_store->importState(state);
    for (const auto &crd : m_store->list(kCrdKey)) {
        try {
            activateCrd(*m_store, *m_registry, crd->obj);
        } catch (const ApiError &) {
        }
    }
}

void Sandbox::saveState() const
{
    if (m_options.statePath.empty())
        return;
    writeFileAtomically(m_options.statePath, m_store->exportState().dump());
}

void Sandbox::writeKubeconfig() const
{
    if (m_options.kubeconfigPath.empty())
        return;
    writeFileAtomically(m_options.kubeconfigPath, kubeconfigText(m_options.host, m_port));
}

int Sandbox::start()
{
    loadState();
    m_simulator->bootstrap();
    if (m_options.withCrds) {
        for (const Json &crd : bundledCrds()) {
            const std::string name = str(crd["metadata"], "name");
            if (!m_store->get(kCrdKey, "", name))
                activateCrd(*m_store, *m_registry, m_store->create(kCrdKey, crd)->obj);
        }
    }
    m_port = m_api->bind(m_options.host, m_options.port);
    if (m_port <= 0)
        throw std::runtime_error("cannot listen on " + m_options.host + ":" + std::to_string(m_options.port));
    m_api->start();
    m_simulator->start();
    m_cnpg->start();
    writeKubeconfig();
    return m_port;
}

void Sandbox::stop()
{
    if (m_port < 0)
        return;
    m_cnpg->stop();
    m_simulator->stop();
    m_api->stop();
    try {
        saveState();
    } catch (const std::exception &) {
    }
    m_port = -1;
}

} // namespace bc::sandbox
