#include "backend/sandbox/sandbox_controller.h"

#include "backend/process/command_runner.h"
#include "backend/sandbox/local_database_setup.h"
#include "backend/sandbox/local_orderlog.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace bc {

QString SandboxOptions::directory() const
{
    return stateDirectory.isEmpty()
        ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/sandbox"_s
        : stateDirectory;
}

QString SandboxOptions::kubeconfigPath() const
{
    return directory() + u"/kubeconfig"_s;
}

QString SandboxOptions::cacheDirectory() const
{
    return directory() + u"/kube-cache"_s;
}

QString SandboxController::locateBinary()
{
    const QString fromEnv = qEnvironmentVariable("BC_SANDBOX_BINARY");
    if (!fromEnv.isEmpty())
        return fromEnv;
    const QDir appDir(QCoreApplication::applicationDirPath());
    for (const QString &candidate : {appDir.filePath(u"boutique-sandbox"_s),
                                     appDir.filePath(u"../infra/sandbox/boutique-sandbox"_s),
                                     appDir.filePath(u"../../infra/sandbox/boutique-sandbox"_s)}) {
        const QFileInfo info(candidate);
        if (info.isFile() && info.isExecutable())
            return info.canonicalFilePath();
    }
    return QStandardPaths::findExecutable(u"boutique-sandbox"_s);
}

QStringList SandboxController::arguments(const SandboxOptions &options)
{
    QStringList args{u"--port"_s, u"0"_s, u"--kubeconfig"_s, options.kubeconfigPath(), u"--nodes"_s,
                     QString::number(options.nodes), u"--machine-type"_s, options.machineType,
                     u"--pod-start-delay"_s, QString::number(options.podStartDelaySeconds), u"--time-scale"_s,
                     QString::number(options.timeScale)};
    if (options.withCrds)
        args << u"--with-crds"_s;
    if (!options.postgresAddress.isEmpty())
        args << u"--postgres"_s << options.postgresAddress;
    if (!options.orderlogAddress.isEmpty())
        args << u"--orderlog"_s << options.orderlogAddress;
    for (const QString &fault : options.faults)
        args << u"--fault"_s << fault;
    if (!options.checkoutAddress.isEmpty())
        args << u"--checkout-listen"_s << options.checkoutAddress;
    return args;
}

KubeTarget SandboxController::targetFor(const SandboxOptions &options)
{
    return KubeTarget{options.kubeconfigPath(), u"boutique-sandbox"_s, u"default"_s, options.cacheDirectory()};
}

int SandboxController::parseListeningLine(const QString &line)
{
    static const QRegularExpression re(uR"(listening on https?://[^\s:]+:(\d+))"_s);
    const auto m = re.match(line);
    return m.hasMatch() ? m.captured(1).toInt() : 0;
}

SandboxController::SandboxController(RunContext *context, QObject *parent)
    : QObject(parent)
    , m_context(context)
    , m_database(new LocalDatabase(context, this))
    , m_orderlog(new LocalOrderlog(context, this))
{
    connect(m_database, &LocalDatabase::progress, this, &SandboxController::progress);
    connect(m_database, &LocalDatabase::ready, this, [this](const LocalDatabaseAccess &access) {
        if (m_state != State::Starting || m_error)
            return;
        m_options.postgresAddress = access.address();
        // The sandbox serves checkoutservice here once it starts; the tap's channel connects lazily.
        if (m_options.checkoutAddress.isEmpty())
            m_options.checkoutAddress = u"127.0.0.1:%1"_s.arg(LocalDatabaseSetup::freeLoopbackPort());
        Q_EMIT progress(tr("Starting orderlog-server…"));
        m_orderlog->start(access, m_options.checkoutAddress);
    });
    connect(m_orderlog, &LocalOrderlog::ready, this, [this](const QString &address) {
        if (m_state != State::Starting || m_error)
            return;
        m_options.orderlogAddress = address;
        launchSandbox();
    });
    connect(m_database, &LocalDatabase::failed, this, &SandboxController::abort);
    connect(m_orderlog, &LocalOrderlog::failed, this, &SandboxController::abort);
    connect(m_database, &LocalDatabase::stopped, this, &SandboxController::settle);
    connect(m_orderlog, &LocalOrderlog::stopped, this, &SandboxController::settle);
}

SandboxController::~SandboxController()
{
    // Closing the app: the sandbox first, then orderlog-server, then PostgreSQL (fast shutdown).
    delete m_runner;
    delete m_orderlog;
    delete m_database;
}

void SandboxController::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

const LocalDatabaseAccess *SandboxController::orderDatabase() const
{
    return m_state == State::Running && m_options.withOrderLog && m_database->isRunning() ? &m_database->access()
                                                                                           : nullptr;
}

void SandboxController::start(const SandboxOptions &options)
{
    if (m_runner || m_state == State::Starting || m_state == State::Running)
        return;
    m_options = options;
    m_url.clear();
    m_error.reset();
    if (locateBinary().isEmpty()) {
        setState(State::Failed);
        Q_EMIT failed(Error{Error::Kind::Unavailable,
                            u"boutique-sandbox was not found beside the app or on PATH; build it (./boutique build)."_s});
        return;
    }
    QDir().mkpath(options.directory());
    QFile::remove(options.kubeconfigPath()); // its appearance means "listening"; never read a stale one
    setState(State::Starting);
    if (options.withOrderLog && !(m_context && m_context->dryRun()))
        m_database->start(options.directory());
    else
        launchSandbox();
}

void SandboxController::launchSandbox()
{
    Q_EMIT progress(tr("Starting the simulated cluster…"));
    m_runner = new CommandRunner(m_context, this);
    Command command{locateBinary(), arguments(m_options)};
    command.timeout = 0ms;
    connect(m_runner, &CommandRunner::stdoutLine, this, [this](const QString &line) {
        const int port = parseListeningLine(line);
        if (port > 0 && m_state == State::Starting && !m_error) {
            m_url = u"http://127.0.0.1:%1"_s.arg(port);
            setState(State::Running);
            Q_EMIT ready(target());
        }
    });
    connect(m_runner, &CommandRunner::finished, this, [this](const CommandResult &r) {
        m_runner->deleteLater();
        m_runner = nullptr;
        if (r.dryRun) {
            setState(State::Running);
            Q_EMIT ready(target());
            return;
        }
        if (r.outcome != CommandResult::Outcome::Cancelled && !m_error)
            m_error = Error{Error::Kind::Failed, u"The local sandbox stopped: %1"_s.arg(r.toError().message),
                            r.stderrTail};
        stopAll();
        settle();
    });
    m_runner->start(command);
}

void SandboxController::abort(const Error &error)
{
    if (!m_error)
        m_error = error;
    stopAll();
    settle();
}

void SandboxController::stopAll()
{
    if (m_runner)
        m_runner->cancel();
    m_orderlog->stop();
    m_database->stop();
}

void SandboxController::settle()
{
    if (m_runner || m_orderlog->isActive() || m_database->isActive())
        return;
    if (m_error) {
        const Error error = *m_error;
        m_error.reset();
        setState(State::Failed);
        Q_EMIT failed(error);
    } else {
        setState(State::Stopped);
    }
}

void SandboxController::stop()
{
    stopAll();
    settle();
}

} // namespace bc
