#pragma once

#include "backend/core/result.h"
#include "backend/process/command.h"
#include "backend/process/run_context.h"
#include "backend/sandbox/sandbox_controller.h"

#include <QObject>
#include <QPointer>

#include <chrono>
#include <functional>
#include <optional>

namespace bc {

// One part of a detached stack: its pid while it runs (0: not running) and where to reach it.
struct DetachedPart
{
    qint64 pid = 0;
    QString address; // cluster: http://127.0.0.1:PORT; orderlog and database: 127.0.0.1:PORT
    bool isRunning() const { return pid > 0; }
};

struct DetachedSandboxStatus
{
    DetachedPart cluster;
    DetachedPart orderlog;
    DetachedPart database;
    bool anyRunning() const { return cluster.isRunning() || orderlog.isRunning() || database.isRunning(); }
};

// The local sandbox as daemons that outlive the process that started them (`boutique-control sandbox
// start`): with SandboxOptions::withOrderLog the same parts, order and command lines as
// SandboxController (PostgreSQL, orderlog-server with --checkout-upstream, then boutique-sandbox with
// --postgres/--orderlog/--checkout-listen),
// each in a session of its own with a pid file and a log in the sandbox directory; else the cluster
// alone. A failure in any step stops the parts already started. The database password stays in its
// 0600 file and in orderlog-server's environment.
class DetachedSandbox : public QObject
{
    Q_OBJECT
public:
    explicit DetachedSandbox(RunContext *context, QObject *parent = nullptr);

    // What runs for options.directory(), read from the pid files, /proc, postmaster.pid and the logs.
    static DetachedSandboxStatus status(const SandboxOptions &options);
    static QString logFile(const SandboxOptions &options, const QString &part); // part: sandbox, orderlog, postgres

    void start(const SandboxOptions &options);
    void stop(const SandboxOptions &options); // cluster and orderlog-server, then PostgreSQL (fast shutdown)

Q_SIGNALS:
    void progress(const QString &step);
    void started(const bc::DetachedSandboxStatus &status);
    void failed(const bc::Error &error); // the parts it had started are stopped by then
    void stopped();

private:
    using Check = std::function<std::optional<Status>()>; // nothing yet: wait; else the outcome
    void poll(std::chrono::milliseconds limit, const Error &onTimeout, Check check, std::function<void(const Status &)> then);
    void runStep(const Command &command, const QString &what, std::function<void()> then);
    Result<qint64> launch(const Command &command, const QString &part);
    void startDatabase(int attempt);
    void startOrderlog();
    void startCluster();
    void fail(const Error &error);
    bool dryRun() const;

    QPointer<RunContext> m_context;
    SandboxOptions m_options;
    LocalDatabaseSetup m_database;
    quint16 m_databasePort = 0;
};

} // namespace bc
