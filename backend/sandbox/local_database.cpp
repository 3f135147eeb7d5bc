#include "backend/sandbox/local_database.h"

#include "backend/process/command_runner.h"

#include <QTimer>

#include <signal.h>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace bc {

QString LocalDatabaseAccess::address() const
{
    return u"127.0.0.1:%1"_s.arg(port);
}

QString LocalDatabaseAccess::conninfo() const
{
    return u"host=127.0.0.1 port=%1 dbname=orderlog user=orderlog connect_timeout=5"_s.arg(port);
}

LocalDatabase::LocalDatabase(RunContext *context, QObject *parent) : QObject(parent), m_context(context) {}

LocalDatabase::~LocalDatabase()
{
    // Closing the app: ask for a fast shutdown; the runner's destructor then waits for it (kill grace).
    if (m_server && m_server->isRunning())
        ::kill(-pid_t(m_server->processId()), SIGINT);
}

QString LocalDatabase::dataDirectory() const
{
    return m_setup.dataDirectory();
}

qint64 LocalDatabase::serverPid() const
{
    return m_server ? m_server->processId() : 0;
}

void LocalDatabase::fail(const Error &error)
{
    m_ready = false;
    if (m_step) {
        m_step->disconnect(this);
        m_step->deleteLater();
        m_step = nullptr;
    }
    if (m_server && m_server->isRunning()) {
        m_stopping = true;
        m_server->cancel();
    }
    Q_EMIT failed(error);
}

void LocalDatabase::start(const QString &sandboxDirectory)
{
    if (m_server || m_step)
        return;
    m_ready = false;
    m_stopping = false;
    if (const Status tools = LocalDatabaseSetup::checkTools(); !tools)
        return fail(tools.error());
    m_setup = LocalDatabaseSetup(sandboxDirectory);
    if (const Status prepared = m_setup.prepare(); !prepared)
        return fail(prepared.error());
    m_access.password = m_setup.password();
    if (m_setup.isInitialized())
        launchServer(1);
    else
        initdb();
}

void LocalDatabase::initdb()
{
    Q_EMIT progress(tr("Creating the order database (initdb)…"));
    m_step = new CommandRunner(m_context, this);
    const Command command = m_setup.initdb();
    connect(m_step, &CommandRunner::finished, this, [this](const CommandResult &r) {
        m_step->deleteLater();
        m_step = nullptr;
        if (!r.succeeded())
            return fail(Error{Error::Kind::Failed, u"initdb could not create the order database: %1"_s.arg(r.toError().message),
                              r.stderrTail});
        launchServer(1);
    });
    m_step->start(command);
}

namespace {
constexpr int kLockWaitAttempts = 15; // one a second
} // namespace

void LocalDatabase::launchServer(int attempt)
{
    if (const Status written = m_setup.writeAccessRules(); !written)
        return fail(written.error());

    Q_EMIT progress(tr("Starting PostgreSQL…"));
    m_access.port = LocalDatabaseSetup::freeLoopbackPort();
    m_lastServerLine.clear();
    m_server = new CommandRunner(m_context, this);
    m_server->setKillGrace(10s); // a fast shutdown writes a checkpoint
    const Command command = m_setup.server(m_access.port);
    connect(m_server, &CommandRunner::stderrLine, this, [this](const QString &line) {
        m_lastServerLine = line;
        if (!m_ready && !m_step && LocalDatabaseSetup::isReadyLine(line))
            setUpRole();
    });
    connect(m_server, &CommandRunner::finished, this, [this, attempt](const CommandResult &r) {
        m_server->deleteLater();
        m_server = nullptr;
        const bool wasReady = m_ready;
        m_ready = false;
        if (m_stopping) {
            m_stopping = false;
            Q_EMIT stopped();
            return;
        }
        if (!wasReady && attempt < 3 && LocalDatabaseSetup::isBindFailure(r.stderrTail))
            return launchServer(attempt + 1); // the port was taken between picking and binding
        const bool lockHeld = r.stderrTail.contains(u"lock file \"postmaster.pid\" already exists"_s);
        if (!wasReady && lockHeld && attempt < kLockWaitAttempts) {
            // The server of a run that just ended is still shutting down: give it time.
            Q_EMIT progress(tr("Waiting for the previous run's PostgreSQL to stop…"));
            QTimer::singleShot(1s, this, [this, attempt, generation = m_startGeneration] {
                if (!m_server && generation == m_startGeneration)
                    launchServer(attempt + 1);
            });
            return;
        }
        if (!wasReady && lockHeld)
            return fail(Error{Error::Kind::Failed,
                              u"Another PostgreSQL still runs on the sandbox's order database (%1): stop it "
                              "(`boutique-control sandbox stop`, or the other Boutique Control window) and start again."_s
                                  .arg(m_setup.dataDirectory()),
                              r.stderrTail});
        fail(Error{Error::Kind::Failed,
                   wasReady ? u"The sandbox's PostgreSQL stopped: %1"_s.arg(m_lastServerLine)
                            : u"The sandbox's PostgreSQL did not start: %1"_s.arg(m_lastServerLine),
                   r.stderrTail});
    });
    m_server->start(command);
}

void LocalDatabase::setUpRole()
{
    Q_EMIT progress(tr("Preparing database orderlog…"));
    m_step = new CommandRunner(m_context, this);
    const Command command = m_setup.setUpRole(m_access.port);
    connect(m_step, &CommandRunner::finished, this, [this](const CommandResult &r) {
        m_step->deleteLater();
        m_step = nullptr;
        if (!r.succeeded())
            return fail(Error{Error::Kind::Failed, u"Could not prepare database orderlog: %1"_s.arg(r.toError().message),
                              r.stderrTail});
        m_ready = true;
        Q_EMIT ready(m_access);
    });
    m_step->start(command);
}

void LocalDatabase::stop()
{
    ++m_startGeneration;
    if (m_step) {
        m_step->disconnect(this);
        m_step->cancel();
        m_step->deleteLater();
        m_step = nullptr;
    }
    if (!m_server || !m_server->isRunning())
        return;
    m_stopping = true;
    ::kill(-pid_t(m_server->processId()), SIGINT);
    QTimer::singleShot(15s, m_server, [server = m_server] { server->cancel(); });
}

} // namespace bc
