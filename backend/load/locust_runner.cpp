#include "backend/load/locust_runner.h"

#include "backend/core/logging.h"
#include "backend/process/command_runner.h"
#include "backend/process/run_context.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QHostAddress>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace bc {

namespace {
constexpr qsizetype kTailLines = 200;
constexpr int kMaxWorkers = 64;
} // namespace

LocustRunner::LocustRunner(RunContext *context, QObject *parent) : QObject(parent), m_context(context)
{
    m_readyTimer.setSingleShot(true);
    connect(&m_readyTimer, &QTimer::timeout, this, [this] {
        if (m_state != State::Starting)
            return;
        fail(Error{Error::Kind::Timeout,
                   u"Locust did not get ready in %1 s (%2 of %3 workers connected)."_s
                       .arg(m_config.readyTimeout.count() / 1000)
                       .arg(m_workersConnected)
                       .arg(m_config.workers),
                   m_masterTail.mid(std::max<qsizetype>(0, m_masterTail.size() - 20)).join(u'\n')});
    });
}

LocustRunner::~LocustRunner()
{
    // The CommandRunners are children: their destructors stop each process group synchronously.
    m_state = State::Stopping;
}

QStringList LocustRunner::defaultLocustfiles()
{
    QStringList dirs;
    const QString env = qEnvironmentVariable("BC_LOCUST_DIR");
    if (!env.isEmpty())
        dirs << env;
    const QString appDir = QCoreApplication::applicationDirPath();
    if (!appDir.isEmpty()) {
        dirs << QDir(appDir).absoluteFilePath(u"../share/boutique-control/infra/locust"_s);
        QDir up(appDir);
        for (int i = 0; i < 6; ++i) {
            dirs << up.absoluteFilePath(u"infra/locust"_s);
            if (!up.cdUp())
                break;
        }
    }
    for (const QString &d : dirs) {
        const QDir dir(d);
        if (QFileInfo::exists(dir.absoluteFilePath(u"locustfile.py"_s)) &&
            QFileInfo::exists(dir.absoluteFilePath(u"version_fix.py"_s)))
            return {QDir::cleanPath(dir.absoluteFilePath(u"version_fix.py"_s)),
                    QDir::cleanPath(dir.absoluteFilePath(u"locustfile.py"_s))};
    }
    return {};
}

quint16 LocustRunner::freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

QUrl LocustRunner::webUrl() const
{
    if (m_config.headless || m_webPort == 0)
        return {};
    return QUrl(u"http://127.0.0.1:%1"_s.arg(m_webPort));
}

Command LocustRunner::masterCommand() const
{
    QStringList args{u"-f"_s, m_config.locustfiles.join(u','), u"--master"_s, u"--master-bind-host"_s, u"127.0.0.1"_s,
                     u"--master-bind-port"_s, QString::number(m_masterPort), u"--enable-rebalancing"_s};
    if (m_config.headless) {
        args << u"--headless"_s << u"-u"_s << QString::number(m_config.users) << u"-r"_s
             << QString::number(m_config.spawnRate) << u"--expect-workers"_s << QString::number(m_config.workers)
             << u"--expect-workers-max-wait"_s << QString::number(m_config.readyTimeout.count() / 1000)
             << u"--exit-code-on-error"_s << u"0"_s; // request failures are results, not a crashed master
        if (m_config.runTime.count() > 0)
            args << u"-t"_s << u"%1s"_s.arg(m_config.runTime.count());
    } else {
        args << u"--web-host"_s << u"127.0.0.1"_s << u"--web-port"_s << QString::number(m_webPort);
    }
    if (!m_config.host.isEmpty())
        args << u"-H"_s << m_config.host;
    if (!m_config.csvPrefix.isEmpty())
        args << u"--csv"_s << m_config.csvPrefix;
    Command c{m_config.program, args};
    c.workingDirectory = m_config.workingDirectory;
    c.environment = m_config.environment;
    c.environment.insert(u"PYTHONUNBUFFERED"_s, u"1"_s);
    c.timeout = std::chrono::milliseconds(0); // runs until stopped; a load test has no natural deadline
    return c;
}

Command LocustRunner::workerCommand() const
{
    Command c{m_config.program,
              {u"-f"_s, m_config.locustfiles.join(u','), u"--worker"_s, u"--master-host"_s, u"127.0.0.1"_s,
               u"--master-port"_s, QString::number(m_masterPort), u"--enable-rebalancing"_s}};
    c.workingDirectory = m_config.workingDirectory;
    c.environment = m_config.environment;
    c.environment.insert(u"PYTHONUNBUFFERED"_s, u"1"_s);
    c.timeout = std::chrono::milliseconds(0);
    return c;
}

CommandRunner *LocustRunner::makeRunner(const QString &source)
{
    auto *runner = new CommandRunner(m_context, this);
    runner->setKillGrace(std::chrono::milliseconds(3000));
    connect(runner, &CommandRunner::stderrLine, this, [this, source](const QString &line) {
        Q_EMIT logLine(source, line);
        if (source == u"master")
            onMasterLine(line);
    });
    connect(runner, &CommandRunner::stdoutLine, this,
            [this, source](const QString &line) { Q_EMIT logLine(source, line); });
    return runner;
}

Status LocustRunner::start(const LocustRunnerConfig &config)
{
    if (m_state == State::Starting || m_state == State::Ready || m_state == State::Stopping)
        return Error{Error::Kind::Invalid, u"Locust is already running; stop it first."_s};
    m_config = config;
    if (m_config.locustfiles.isEmpty())
        m_config.locustfiles = defaultLocustfiles();
    if (m_config.locustfiles.isEmpty())
        return Error{Error::Kind::NotFound,
                     u"The Boutique locustfile was not found (set BC_LOCUST_DIR to the infra/locust folder)."_s};
    for (const QString &f : std::as_const(m_config.locustfiles)) {
        if (!QFileInfo::exists(f))
            return Error{Error::Kind::NotFound, u"The locustfile %1 does not exist."_s.arg(f)};
    }
    if (m_config.workers < 1 || m_config.workers > kMaxWorkers)
        return Error{Error::Kind::Invalid, u"The number of workers must be between 1 and %1."_s.arg(kMaxWorkers)};
    if (m_config.headless && m_config.users < 1)
        return Error{Error::Kind::Invalid, u"A headless run needs at least one user."_s};
    const bool dry = m_context && m_context->dryRun();
    if (!dry && CommandRunner::resolveProgram(m_config.program, m_context).isEmpty())
        return Error{Error::Kind::Unavailable,
                     u"Locust was not found at %1 (install the Debian package python3-locust)."_s.arg(m_config.program)};

    m_webPort = m_config.webPort ? m_config.webPort : (dry ? quint16(8089) : freeLoopbackPort());
    m_masterPort = m_config.masterPort ? m_config.masterPort : (dry ? quint16(5557) : freeLoopbackPort());
    while (!dry && m_masterPort == m_webPort)
        m_masterPort = freeLoopbackPort();
    if (m_webPort == 0 || m_masterPort == 0)
        return Error{Error::Kind::Unavailable, u"No free loopback port for Locust."_s};

    // Drop runners of an earlier run.
    if (m_master)
        m_master->deleteLater();
    for (CommandRunner *w : m_workers)
        w->deleteLater();
    m_workers.clear();
    m_masterTail.clear();
    m_webUp = m_config.headless;
    m_probing = false;
    m_workersConnected = 0;
    m_state = State::Starting;

    m_master = makeRunner(u"master"_s);
    connect(m_master, &CommandRunner::finished, this, [this](const CommandResult &r) {
        if (r.dryRun)
            return;
        if (m_state == State::Starting || m_state == State::Ready) {
            if (m_config.headless && r.succeeded() && m_state == State::Ready) {
                stop(); // a headless run that reached its -t ends normally
                return;
            }
            const Error e = r.toError();
            fail(Error{Error::Kind::Failed, u"The Locust master exited: %1"_s.arg(e.message),
                       m_masterTail.mid(std::max<qsizetype>(0, m_masterTail.size() - 20)).join(u'\n')});
        }
        onProcessFinished();
    });
    m_master->start(masterCommand());
    for (int i = 0; i < m_config.workers; ++i) {
        m_workers.push_back(nullptr);
        startWorker(i);
    }
    if (dry) {
        m_state = State::Idle;
        QTimer::singleShot(0, this, [this] { Q_EMIT stopped(); });
        return ok();
    }
    m_readyTimer.start(m_config.readyTimeout);
    return ok();
}

void LocustRunner::startWorker(int index)
{
    CommandRunner *&slot = m_workers[size_t(index)];
    if (slot)
        slot->deleteLater();
    slot = makeRunner(u"worker%1"_s.arg(index + 1));
    CommandRunner *runner = slot;
    connect(runner, &CommandRunner::finished, this, [this, index, runner](const CommandResult &r) {
        if (r.dryRun)
            return;
        // A headless master tells its workers to quit when -t is reached: a clean exit then is normal.
        const bool quitByMaster = m_config.headless && r.succeeded();
        if ((m_state == State::Starting || m_state == State::Ready) && !quitByMaster) {
            qCWarning(lcLocust) << "worker" << index + 1 << "exited:" << r.outcomeText();
            if (m_workers[size_t(index)] == runner)
                Q_EMIT workerExited(index, r);
        }
        onProcessFinished();
    });
    runner->start(workerCommand());
}

bool LocustRunner::restartWorker(int index)
{
    if (index < 0 || index >= int(m_workers.size()) || (m_state != State::Ready && m_state != State::Starting))
        return false;
    if (m_workers[size_t(index)] && m_workers[size_t(index)]->isRunning())
        return false;
    startWorker(index);
    return true;
}

void LocustRunner::onMasterLine(const QString &line)
{
    m_masterTail.append(line);
    if (m_masterTail.size() > kTailLines)
        m_masterTail.removeFirst();
    if (line.contains(u"pre 2.0"_s)) {
        fail(Error{Error::Kind::Failed,
                   u"The Locust master rejected its workers as pre-2.0: Debian's Locust has an empty version "
                   "string; load infra/locust/version_fix.py with the locustfile."_s,
                   line});
        return;
    }
    if (line.contains(u"Starting web interface at"_s))
        m_webUp = true;
    static const QRegularExpression connected(u"(\\d+) workers connected"_s);
    if (const QRegularExpressionMatch m = connected.match(line); m.hasMatch()) {
        m_workersConnected = m.captured(1).toInt();
        Q_EMIT workersConnectedChanged(m_workersConnected);
    }
    static const QRegularExpression missing(u"Worker (\\S+) failed to send heartbeat, setting state to missing"_s);
    if (const QRegularExpressionMatch m = missing.match(line); m.hasMatch()) {
        m_workersConnected = std::max(0, m_workersConnected - 1);
        Q_EMIT workersConnectedChanged(m_workersConnected);
        Q_EMIT workerMarkedMissing(m.captured(1));
    }
    checkReady();
}

void LocustRunner::checkReady()
{
    if (m_state != State::Starting || !m_webUp)
        return;
    // Headless masters log "k of N connected" while waiting; they start by themselves once all are in.
    if (m_workersConnected < m_config.workers)
        return;
    if (m_config.headless) {
        becomeReady();
        return;
    }
    // The master logs "Starting web interface" a moment before its server accepts: probe the port.
    if (m_probing)
        return;
    m_probing = true;
    probeWebPort();
}

void LocustRunner::probeWebPort()
{
    auto *socket = new QTcpSocket(this);
    connect(socket, &QTcpSocket::connected, this, [this, socket] {
        socket->deleteLater();
        m_probing = false;
        becomeReady();
    });
    connect(socket, &QTcpSocket::errorOccurred, this, [this, socket] {
        socket->deleteLater();
        if (m_state == State::Starting)
            QTimer::singleShot(100, this, &LocustRunner::probeWebPort);
        else
            m_probing = false;
    });
    socket->connectToHost(QHostAddress::LocalHost, m_webPort);
}

void LocustRunner::becomeReady()
{
    if (m_state != State::Starting)
        return;
    m_readyTimer.stop();
    m_state = State::Ready;
    qCInfo(lcLocust) << "locust ready at" << webUrl() << "with" << m_workersConnected << "workers";
    Q_EMIT ready();
}

int LocustRunner::workerProcessesRunning() const
{
    int n = 0;
    for (const CommandRunner *w : m_workers)
        n += (w && w->isRunning()) ? 1 : 0;
    return n;
}

QList<qint64> LocustRunner::processIds() const
{
    QList<qint64> out{m_master && m_master->isRunning() ? m_master->processId() : 0};
    for (const CommandRunner *w : m_workers)
        out.append(w && w->isRunning() ? w->processId() : 0);
    return out;
}

void LocustRunner::fail(const Error &error)
{
    if (m_state == State::Failed || m_state == State::Stopping || m_state == State::Idle)
        return;
    qCWarning(lcLocust) << error.message;
    m_readyTimer.stop();
    m_state = State::Failed;
    Q_EMIT failed(error);
    // Failed still owns processes: stop them all; stopped() follows.
    m_state = State::Stopping;
    stop();
}

void LocustRunner::stop()
{
    m_readyTimer.stop();
    if (m_state == State::Idle)
        return;
    m_state = State::Stopping;
    bool any = false;
    if (m_master && m_master->isRunning()) {
        m_master->cancel();
        any = true;
    }
    for (CommandRunner *w : m_workers) {
        if (w && w->isRunning()) {
            w->cancel();
            any = true;
        }
    }
    if (!any)
        onProcessFinished();
}

void LocustRunner::onProcessFinished()
{
    if (m_state != State::Stopping)
        return;
    if ((m_master && m_master->isRunning()) || workerProcessesRunning() > 0)
        return;
    m_state = State::Idle;
    Q_EMIT stopped();
}

} // namespace bc
