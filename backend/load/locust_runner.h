#pragma once

#include "backend/core/result.h"
#include "backend/process/command.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <chrono>
#include <memory>
#include <vector>

namespace bc {

class CommandRunner;
class RunContext;

struct LocustRunnerConfig
{
    QString program = QStringLiteral("/usr/bin/locust"); // Debian's; a /usr/bin/python3 script
    QStringList locustfiles;    // empty: LocustRunner::defaultLocustfiles() (version fix + Boutique shopper)
    int workers = 2;            // 0: the master alone runs no users, so at least 1 for a real run
    QString host;               // -H: default target (POST /swarm may override it)
    QString workingDirectory;   // where Locust runs; empty: the app's
    QString csvPrefix;          // --csv on the master when not empty (Locust's own CSV files)
    bool headless = false;      // --headless with users/spawnRate/runTime: no web API at all
    int users = 0;              // headless only
    double spawnRate = 1;       // headless only
    std::chrono::seconds runTime{0}; // headless only; 0: until stopped
    quint16 webPort = 0;        // 0: a free loopback port
    quint16 masterPort = 0;     // 0: a free loopback port
    QHash<QString, QString> environment; // e.g. BC_WAIT_TIME for tests and benchmarks
    std::chrono::milliseconds readyTimeout{30000};
};

// A local Locust master plus N worker processes, each through its own CommandRunner (own process
// group: stop and app exit leave no locust behind). Everything listens on 127.0.0.1 only, rebalancing
// is always on (a dead worker's users move to the survivors at once). The master's log is watched for
// the web UI, the number of connected workers and the Debian "pre 2.0" version rejection.
class LocustRunner : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, Starting, Ready, Stopping, Failed };
    Q_ENUM(State)

    explicit LocustRunner(RunContext *context, QObject *parent = nullptr);
    ~LocustRunner() override;

    // Validates and starts; ready() or failed() follows. In dry-run the command lines are announced only.
    Status start(const LocustRunnerConfig &config);
    void stop(); // all processes; stopped() when the last one is gone
    bool restartWorker(int index);

    State state() const { return m_state; }
    QUrl webUrl() const; // http://127.0.0.1:<port>; empty in headless mode
    quint16 masterPort() const { return m_masterPort; }
    quint16 webPort() const { return m_webPort; }
    int workersConnected() const { return m_workersConnected; }
    int workerProcessesRunning() const;
    QList<qint64> processIds() const; // master first; 0 for processes not running
    Command masterCommand() const;
    Command workerCommand() const;
    const QStringList &masterLogTail() const { return m_masterTail; }

    // infra/locust/version_fix.py and locustfile.py: from $BC_LOCUST_DIR, next to the installed app
    // (../share/boutique-control/infra/locust), or the nearest infra/locust above the executable (builds).
    static QStringList defaultLocustfiles();
    static quint16 freeLoopbackPort();

Q_SIGNALS:
    void ready();
    void workersConnectedChanged(int connected);
    void workerExited(int index, const bc::CommandResult &result); // died on its own (not by stop())
    // The master's log says it marked a worker missing (3 missed heartbeats, ~5 s): faster than its
    // web API, which caches /stats/requests for 2 s on top.
    void workerMarkedMissing(const QString &workerId);
    void failed(const bc::Error &error);
    void stopped();
    void logLine(const QString &source, const QString &line); // "master" / "worker1", ...

private:
    void startWorker(int index);
    void onMasterLine(const QString &line);
    void onProcessFinished();
    void fail(const Error &error);
    void checkReady();
    void probeWebPort();
    void becomeReady();
    CommandRunner *makeRunner(const QString &source);

    RunContext *m_context;
    LocustRunnerConfig m_config;
    State m_state = State::Idle;
    quint16 m_webPort = 0;
    quint16 m_masterPort = 0;
    bool m_webUp = false;
    bool m_probing = false;
    int m_workersConnected = 0;
    CommandRunner *m_master = nullptr;
    std::vector<CommandRunner *> m_workers;
    QStringList m_masterTail;
    QTimer m_readyTimer;
};

} // namespace bc
