#include "backend/sandbox/detached_sandbox.h"

#include "backend/process/command_runner.h"
#include "backend/sandbox/local_database.h"
#include "backend/sandbox/local_orderlog.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QTimer>

#include <csignal>
#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace bc {

namespace {

QString pidFile(const SandboxOptions &o, const QString &part)
{
    return o.directory() + u'/' + part + u".pid"_s;
}

QByteArray commandLineOf(qint64 pid)
{
    QFile cmdline(u"/proc/%1/cmdline"_s.arg(pid));
    return pid > 0 && cmdline.open(QIODevice::ReadOnly) ? cmdline.readAll() : QByteArray();
}

// The pid recorded for a part, if that process still runs and is what it should be.
qint64 runningPid(const SandboxOptions &o, const QString &part, const QByteArray &program)
{
    QFile f(pidFile(o, part));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const qint64 pid = f.readAll().trimmed().toLongLong();
    return commandLineOf(pid).contains(program) ? pid : 0;
}

bool isGone(qint64 pid)
{
    return pid <= 0 || commandLineOf(pid).isEmpty();
}

QStringList logLines(const QString &path)
{
    QFile log(path);
    return log.open(QIODevice::ReadOnly) ? QString::fromUtf8(log.readAll()).split(u'\n', Qt::SkipEmptyParts)
                                         : QStringList();
}

QString lastLine(const QString &path)
{
    const QStringList lines = logLines(path);
    return lines.isEmpty() ? u"(no output)"_s : lines.last().trimmed();
}

// postmaster.pid: pid on line 1, port on line 4; the server that holds the data directory.
std::pair<qint64, quint16> postmaster(const QString &dataDirectory)
{
    QFile f(dataDirectory + u"/postmaster.pid"_s);
    if (!f.open(QIODevice::ReadOnly))
        return {0, 0};
    const QList<QByteArray> lines = f.readAll().split('\n');
    const qint64 pid = lines.value(0).trimmed().toLongLong();
    if (!commandLineOf(pid).contains("postgres"))
        return {0, 0};
    return {pid, quint16(lines.value(3).trimmed().toUInt())};
}

} // namespace

DetachedSandbox::DetachedSandbox(RunContext *context, QObject *parent) : QObject(parent), m_context(context) {}

QString DetachedSandbox::logFile(const SandboxOptions &options, const QString &part)
{
    return options.directory() + u'/' + part + u".log"_s;
}

DetachedSandboxStatus DetachedSandbox::status(const SandboxOptions &options)
{
    DetachedSandboxStatus s;
    if ((s.cluster.pid = runningPid(options, u"sandbox"_s, "boutique-sandbox"))) {
        for (const QString &line : logLines(logFile(options, u"sandbox"_s)))
            if (const int port = SandboxController::parseListeningLine(line))
                s.cluster.address = u"http://127.0.0.1:%1"_s.arg(port);
    }
    if ((s.orderlog.pid = runningPid(options, u"orderlog"_s, "orderlog-server"))) {
        for (const QString &line : logLines(logFile(options, u"orderlog"_s)))
            if (const int port = LocalOrderlog::parseListeningLine(line))
                s.orderlog.address = u"127.0.0.1:%1"_s.arg(port);
    }
    const auto [pid, port] = postmaster(LocalDatabaseSetup(options.directory()).dataDirectory());
    s.database.pid = pid;
    if (pid)
        s.database.address = LocalDatabaseAccess{port, {}}.address();
    return s;
}

bool DetachedSandbox::dryRun() const
{
    return m_context && m_context->dryRun();
}

void DetachedSandbox::poll(std::chrono::milliseconds limit, const Error &onTimeout, Check check,
                           std::function<void(const Status &)> then)
{
    auto *timer = new QTimer(this);
    const QDeadlineTimer deadline(limit);
    connect(timer, &QTimer::timeout, this, [=] {
        std::optional<Status> outcome = check();
        if (!outcome && deadline.hasExpired())
            outcome = Status(onTimeout);
        if (!outcome)
            return;
        timer->stop();
        timer->deleteLater();
        then(*outcome);
    });
    timer->start(100);
}

void DetachedSandbox::runStep(const Command &command, const QString &what, std::function<void()> then)
{
    auto *runner = new CommandRunner(m_context, this);
    connect(runner, &CommandRunner::finished, this, [this, runner, what, then](const CommandResult &r) {
        runner->deleteLater();
        if (!r.succeeded())
            return fail(Error{Error::Kind::Failed, u"%1: %2"_s.arg(what, r.toError().message), r.stderrTail});
        then();
    });
    runner->start(command);
}

Result<qint64> DetachedSandbox::launch(const Command &command, const QString &part)
{
    if (!dryRun())
        QFile::remove(logFile(m_options, part));
    const auto pid = CommandRunner::startDetached(command, logFile(m_options, part), m_context);
    if (pid && !dryRun()) {
        QFile f(pidFile(m_options, part));
        if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            f.write(QByteArray::number(pid.value()) + '\n');
    }
    return pid;
}

void DetachedSandbox::start(const SandboxOptions &options)
{
    m_options = options;
    if (SandboxController::locateBinary().isEmpty())
        return fail(Error{Error::Kind::Unavailable,
                          u"boutique-sandbox was not found beside boutique-control or on PATH; build it (./boutique build)"_s});
    if (options.withOrderLog) {
        if (LocalOrderlog::locateBinary().isEmpty())
            return fail(Error{Error::Kind::Unavailable,
                              u"orderlog-server was not found beside boutique-control or on PATH; build it (./boutique build)"_s});
        if (const Status tools = LocalDatabaseSetup::checkTools(); !tools)
            return fail(tools.error());
    }
    if (!dryRun())
        QDir().mkpath(options.directory());
    if (!options.withOrderLog)
        return startCluster();
    m_database = LocalDatabaseSetup(options.directory());
    if (!dryRun())
        if (const Status prepared = m_database.prepare(); !prepared)
            return fail(prepared.error());
    if (m_database.isInitialized())
        return startDatabase(1);
    Q_EMIT progress(tr("Creating the order database (initdb)…"));
    runStep(m_database.initdb(), tr("initdb could not create the order database"), [this] { startDatabase(1); });
}

void DetachedSandbox::startDatabase(int attempt)
{
    if (!dryRun())
        if (const Status written = m_database.writeAccessRules(); !written)
            return fail(written.error());
    Q_EMIT progress(tr("Starting PostgreSQL…"));
    m_databasePort = LocalDatabaseSetup::freeLoopbackPort();
    const auto launcher = launch(m_database.server(m_databasePort), u"postgres"_s);
    if (!launcher)
        return fail(launcher.error());
    const auto setUpRole = [this] {
        Q_EMIT progress(tr("Preparing database orderlog…"));
        runStep(m_database.setUpRole(m_databasePort), tr("Could not prepare database orderlog"), [this] { startOrderlog(); });
    };
    if (dryRun())
        return setUpRole();
    const QString log = logFile(m_options, u"postgres"_s);
    poll(
        30s, Error{Error::Kind::Timeout, u"PostgreSQL did not accept connections within 30 s: %1"_s.arg(lastLine(log))},
        [log, pid = launcher.value()]() -> std::optional<Status> {
            for (const QString &line : logLines(log))
                if (LocalDatabaseSetup::isReadyLine(line))
                    return ok();
            if (isGone(pid))
                return Status(Error{Error::Kind::Failed, u"The sandbox's PostgreSQL did not start: %1"_s.arg(lastLine(log)),
                                    logLines(log).join(u'\n')});
            return std::nullopt;
        },
        [this, attempt, log, setUpRole](const Status &ready) {
            if (ready)
                return setUpRole();
            if (attempt < 3 && LocalDatabaseSetup::isBindFailure(ready.error().detail))
                return startDatabase(attempt + 1); // the port was taken between picking and binding
            fail(ready.error());
        });
}

void DetachedSandbox::startOrderlog()
{
    Q_EMIT progress(tr("Starting orderlog-server…"));
    // Its checkout tap forwards to the checkoutservice stand-in the cluster serves here once it starts.
    if (m_options.checkoutAddress.isEmpty())
        m_options.checkoutAddress = u"127.0.0.1:%1"_s.arg(LocalDatabaseSetup::freeLoopbackPort());
    const auto pid = launch(LocalOrderlog::commandFor(LocalOrderlog::locateBinary(), m_database.access(m_databasePort),
                                                      m_options.checkoutAddress),
                            u"orderlog"_s);
    if (!pid)
        return fail(pid.error());
    m_options.postgresAddress = m_database.access(m_databasePort).address();
    if (dryRun()) {
        m_options.orderlogAddress = u"127.0.0.1:<orderlog port>"_s;
        return startCluster();
    }
    const QString log = logFile(m_options, u"orderlog"_s);
    auto address = std::make_shared<QString>();
    poll(
        15s, Error{Error::Kind::Timeout, u"orderlog-server did not listen within 15 s: %1"_s.arg(lastLine(log))},
        [log, address, pid = pid.value()]() -> std::optional<Status> {
            for (const QString &line : logLines(log))
                if (const int port = LocalOrderlog::parseListeningLine(line)) {
                    *address = u"127.0.0.1:%1"_s.arg(port);
                    return ok();
                }
            if (isGone(pid))
                return Status(Error{Error::Kind::Failed, u"orderlog-server stopped: %1"_s.arg(lastLine(log))});
            return std::nullopt;
        },
        [this, address](const Status &ready) {
            if (!ready)
                return fail(ready.error());
            m_options.orderlogAddress = *address;
            startCluster();
        });
}

void DetachedSandbox::startCluster()
{
    Q_EMIT progress(tr("Starting the simulated cluster…"));
    if (!dryRun())
        QFile::remove(m_options.kubeconfigPath()); // its appearance means "listening"; never read a stale one
    const auto pid = launch(Command{SandboxController::locateBinary(), SandboxController::arguments(m_options)},
                            u"sandbox"_s);
    if (!pid)
        return fail(pid.error());
    if (dryRun()) {
        Q_EMIT started({});
        return;
    }
    const QString log = logFile(m_options, u"sandbox"_s);
    poll(
        30s, Error{Error::Kind::Timeout, u"the sandbox did not listen within 30 s: %1"_s.arg(lastLine(log))},
        [log, pid = pid.value()]() -> std::optional<Status> {
            for (const QString &line : logLines(log))
                if (SandboxController::parseListeningLine(line))
                    return ok();
            if (isGone(pid))
                return Status(Error{Error::Kind::Failed, u"the sandbox did not start: %1"_s.arg(lastLine(log))});
            return std::nullopt;
        },
        [this](const Status &ready) {
            if (!ready)
                return fail(ready.error());
            Q_EMIT started(status(m_options));
        });
}

void DetachedSandbox::fail(const Error &error)
{
    if (dryRun()) {
        Q_EMIT failed(error);
        return;
    }
    auto *cleanup = new DetachedSandbox(m_context, this);
    connect(cleanup, &DetachedSandbox::stopped, this, [this, cleanup, error] {
        cleanup->deleteLater();
        Q_EMIT failed(error);
    });
    cleanup->stop(m_options);
}

void DetachedSandbox::stop(const SandboxOptions &options)
{
    m_options = options;
    const DetachedSandboxStatus running = status(options);
    const qint64 launcher = runningPid(options, u"postgres"_s, "postgres"); // runuser as root, else postmaster
    if (running.cluster.pid)
        ::kill(pid_t(running.cluster.pid), SIGTERM);
    if (running.orderlog.pid)
        ::kill(pid_t(running.orderlog.pid), SIGTERM);
    const auto removePidFiles = [options] {
        for (const QString &part : {u"sandbox"_s, u"orderlog"_s, u"postgres"_s})
            QFile::remove(pidFile(options, part));
    };
    const auto stopDatabase = [this, running, launcher, removePidFiles](const Status &) {
        if (!isGone(running.cluster.pid))
            ::kill(pid_t(running.cluster.pid), SIGKILL);
        if (!isGone(running.orderlog.pid))
            ::kill(pid_t(running.orderlog.pid), SIGKILL);
        // Fast shutdown: sessions are closed, committed data is flushed by a checkpoint.
        if (running.database.pid)
            ::kill(pid_t(running.database.pid), SIGINT);
        else if (launcher)
            ::kill(pid_t(launcher), SIGINT);
        poll(
            20s, Error{Error::Kind::Timeout, u"PostgreSQL did not shut down"_s},
            [running, launcher]() -> std::optional<Status> {
                if (isGone(running.database.pid) && isGone(launcher))
                    return ok();
                return std::nullopt;
            },
            [this, running, launcher, removePidFiles](const Status &) {
                for (const qint64 pid : {running.database.pid, launcher})
                    if (!isGone(pid))
                        ::kill(pid_t(pid), SIGKILL);
                removePidFiles();
                Q_EMIT stopped();
            });
    };
    poll(
        5s, Error{Error::Kind::Timeout, u"not stopped"_s},
        [running]() -> std::optional<Status> {
            if (isGone(running.cluster.pid) && isGone(running.orderlog.pid))
                return ok();
            return std::nullopt;
        },
        stopDatabase);
}

} // namespace bc
