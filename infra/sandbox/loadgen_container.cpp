#include "infra/sandbox/loadgen_container.h"

#include "infra/sandbox/cluster_simulator.h"
#include "infra/sandbox/container_runtime.h"
#include "infra/sandbox/exec_environment.h"
#include "infra/sandbox/object_store.h"
#include "infra/sandbox/pty_process.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace bc::sandbox {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kReconcileEvery = std::chrono::seconds(1);
constexpr std::size_t kMaxLine = 16 * 1024;

std::string envValue(const Json &container, const std::string &name, const std::string &fallback)
{
    if (const Json *vars = at(container, "env"); vars && vars->is_array())
        for (const auto &v : *vars)
            if (str(v, "name") == name && v.contains("value"))
                return str(v, "value");
    return fallback;
}

// utime + stime of a process, in seconds.
double cpuSecondsOf(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')'); // the command name may hold spaces
    if (close == std::string::npos)
        return 0;
    std::istringstream fields(text.substr(close + 2));
    std::string f;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i) {
        if (i == 14)
            utime = std::strtod(f.c_str(), nullptr);
        else if (i == 15)
            stime = std::strtod(f.c_str(), nullptr);
    }
    static const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    return (utime + stime) / ticks;
}

std::string makeRunRoot()
{
    const char *tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/boutique-sandbox-loadgen.XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    return ::mkdtemp(buf.data()) ? std::string(buf.data()) : std::string();
}

} // namespace

struct LoadgenController::Runner {
    std::string ns, pod, uid, container;
    Json podObj;
    std::unique_ptr<ChildProcess> child;
    int out = -1;
    std::string partial;
    double cpuSeen = 0;
    int failures = 0;
    Clock::time_point nextStart{};
    bool seen = false;

    ~Runner()
    {
        if (out >= 0)
            ::close(out);
    }
};

LoadgenController::LoadgenController(ObjectStore &store, ClusterSimulator &simulator, FrontendUrl frontendUrl,
                                     LoadgenOptions options)
    : m_store(store), m_simulator(simulator), m_frontendUrl(std::move(frontendUrl)), m_options(std::move(options))
{
}

LoadgenController::~LoadgenController()
{
    stop();
}

bool LoadgenController::isLoadgenImage(const std::string &image)
{
    std::string path = image.substr(0, image.find('@'));
    const auto slash = path.rfind('/');
    const auto colon = path.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash))
        path.resize(colon);
    const std::string name = slash == std::string::npos ? path : path.substr(path.rfind('/') + 1);
    return name == "loadgenerator";
}

std::string LoadgenController::findLocustfile(const std::string &locustDir)
{
    std::vector<fs::path> dirs;
    if (!locustDir.empty())
        dirs.emplace_back(locustDir);
    if (const char *env = std::getenv("BC_LOCUST_DIR"); env && *env)
        dirs.emplace_back(env);
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        dirs.push_back(exe.parent_path() / "../share/boutique-control/infra/locust");
        for (fs::path up = exe.parent_path(); !up.empty() && up != up.root_path(); up = up.parent_path())
            dirs.push_back(up / "infra/locust");
    }
    for (const auto &d : dirs)
        if (fs::is_regular_file(d / "locustfile.py", ec))
            return fs::weakly_canonical(d / "locustfile.py", ec).string();
    return {};
}

void LoadgenController::start()
{
    std::lock_guard lock(m_mutex);
    if (m_running)
        return;
    m_locustfile = findLocustfile(m_options.locustDir);
    m_runRoot = makeRunRoot();
    m_running = true;
    m_thread = std::thread([this] { loop(); });
}

void LoadgenController::stop()
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_running && !m_thread.joinable())
            return;
        m_running = false;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    if (!m_runRoot.empty()) {
        std::error_code ec;
        fs::remove_all(m_runRoot, ec);
        m_runRoot.clear();
    }
}

std::size_t LoadgenController::running() const
{
    std::lock_guard lock(m_mutex);
    return m_count;
}

void LoadgenController::loop()
{
    // Every process is started from this thread: PR_SET_PDEATHSIG follows the thread that forked.
    auto next = Clock::now();
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            if (!m_running)
                break;
        }
        if (Clock::now() >= next) {
            reconcile();
            next = Clock::now() + kReconcileEvery;
        }
        pump(200);
    }
    m_runners.clear(); // stops each Locust's process group
    std::lock_guard lock(m_mutex);
    m_count = 0;
}

void LoadgenController::reconcile()
{
    for (auto &[uid, runner] : m_runners)
        runner->seen = false;
    for (const auto &snap : m_store.list("pods")) {
        const Json &pod = snap->obj;
        if (str(pod["status"], "phase") != "Running" || at(pod, "metadata.deletionTimestamp"))
            continue;
        const Json *containers = at(pod, "spec.containers");
        if (!containers || !containers->is_array())
            continue;
        for (const auto &c : *containers) {
            if (!isLoadgenImage(str(c, "image")))
                continue;
            const std::string uid = str(pod["metadata"], "uid");
            auto &runner = m_runners[uid];
            if (!runner) {
                runner = std::make_unique<Runner>();
                runner->ns = str(pod["metadata"], "namespace");
                runner->pod = str(pod["metadata"], "name");
                runner->uid = uid;
                runner->container = str(c, "name");
            }
            runner->podObj = pod;
            runner->seen = true;
            break;
        }
    }
    std::size_t count = 0;
    for (auto it = m_runners.begin(); it != m_runners.end();) {
        Runner &r = *it->second;
        if (!r.seen) {
            it = m_runners.erase(it); // the pod stopped or went: its Locust goes with it
            continue;
        }
        if (!r.child && Clock::now() >= r.nextStart)
            startRunner(r);
        if (r.child) {
            ++count;
            const double cpu = cpuSecondsOf(r.child->pid());
            if (cpu > r.cpuSeen) {
                m_simulator.addCpuWork(r.ns, r.pod, cpu - r.cpuSeen);
                r.cpuSeen = cpu;
            }
        }
        ++it;
    }
    std::lock_guard lock(m_mutex);
    m_count = count;
}

void LoadgenController::startRunner(Runner &r)
{
    const std::string url = m_frontendUrl ? m_frontendUrl() : std::string();
    if (url.empty())
        return; // like the image's frontend-check init container: wait for the frontend
    if (m_locustfile.empty()) {
        if (r.failures++ == 0)
            m_simulator.appendLog(r.ns, r.pod, r.container,
                                  "boutique-sandbox: the upstream locustfile (infra/locust/locustfile.py) was not "
                                  "found; set BC_LOCUST_DIR");
        r.nextStart = Clock::now() + std::chrono::seconds(static_cast<long>(backOffSeconds(r.failures)));
        return;
    }
    const Json *containers = at(r.podObj, "spec.containers");
    Json container = Json::object();
    if (containers && containers->is_array())
        for (const auto &c : *containers)
            if (str(c, "name") == r.container)
                container = c;
    ChildSpec spec;
    spec.argv = {m_options.locustProgram, "-f", m_locustfile, "--headless",
                 "-u", envValue(container, "USERS", "10"), "-r", envValue(container, "RATE", "1"),
                 "--host", url};
    spec.env = ExecEnvironment::podEnvironment(m_store, r.podObj, r.container, 0);
    const fs::path dir = fs::path(m_runRoot) / r.ns / r.pod;
    std::error_code ec;
    fs::create_directories(dir, ec);
    spec.workingDir = dir.string();
    spec.env.push_back("HOME=" + spec.workingDir);
    spec.env.push_back("PYTHONUNBUFFERED=1"); // every statistics table reaches the log as it is printed
    spec.mergeStderr = true;                  // the image runs `locust ... 2>&1`
    spec.niceness = m_options.niceness;
    std::string error;
    r.child = ChildProcess::start(spec, error);
    if (!r.child) {
        ++r.failures;
        m_simulator.appendLog(r.ns, r.pod, r.container, "boutique-sandbox: cannot start Locust: " + error);
        r.nextStart = Clock::now() + std::chrono::seconds(static_cast<long>(backOffSeconds(r.failures)));
        return;
    }
    ::close(r.child->takeStdin()); // Locust reads no input (and no terminal: no key handling)
    r.out = r.child->takeStdout();
    ::fcntl(r.out, F_SETFL, ::fcntl(r.out, F_GETFL) | O_NONBLOCK);
    r.cpuSeen = 0;
}

void LoadgenController::pump(int timeoutMs)
{
    std::vector<pollfd> fds;
    std::vector<Runner *> owners;
    for (auto &[uid, r] : m_runners)
        if (r->out >= 0) {
            fds.push_back({r->out, POLLIN, 0});
            owners.push_back(r.get());
        }
    if (fds.empty()) {
        std::unique_lock lock(m_mutex);
        m_wake.wait_for(lock, std::chrono::milliseconds(timeoutMs), [this] { return !m_running; });
        return;
    }
    if (::poll(fds.data(), fds.size(), timeoutMs) <= 0)
        return;
    for (std::size_t i = 0; i < fds.size(); ++i) {
        if (!fds[i].revents)
            continue;
        Runner &r = *owners[i];
        char buf[16 * 1024];
        const ssize_t n = ::read(r.out, buf, sizeof(buf));
        if (n > 0) {
            r.partial.append(buf, static_cast<std::size_t>(n));
            std::size_t eol;
            while ((eol = r.partial.find('\n')) != std::string::npos || r.partial.size() > kMaxLine) {
                const std::size_t len = eol == std::string::npos ? kMaxLine : eol;
                std::string line = r.partial.substr(0, len);
                if (!line.empty() && line.back() == '\r')
                    line.pop_back();
                m_simulator.appendLog(r.ns, r.pod, r.container, line);
                r.partial.erase(0, eol == std::string::npos ? len : len + 1);
            }
        } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            // Locust ended: restarted after the back-off, as the kubelet restarts a container.
            if (!r.partial.empty())
                m_simulator.appendLog(r.ns, r.pod, r.container, r.partial);
            r.partial.clear();
            ::close(r.out);
            r.out = -1;
            r.child.reset();
            ++r.failures;
            r.nextStart = Clock::now() + std::chrono::seconds(static_cast<long>(backOffSeconds(r.failures)));
        }
    }
}

} // namespace bc::sandbox
