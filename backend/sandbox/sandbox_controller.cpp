#include "backend/sandbox/sandbox_controller.h"

#include "backend/process/command_runner.h"

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

SandboxController::SandboxController(RunContext *context, QObject *parent) : QObject(parent), m_context(context) {}

void SandboxController::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void SandboxController::start(const SandboxOptions &options)
{
    if (m_runner)
        return;
    m_options = options;
    m_url.clear();
    const QString binary = locateBinary();
    if (binary.isEmpty()) {
        setState(State::Failed);
        Q_EMIT failed(Error{Error::Kind::Unavailable,
                            u"boutique-sandbox was not found beside the app or on PATH; build it (./boutique build)."_s});
        return;
    }
    QDir().mkpath(options.directory());
    QFile::remove(options.kubeconfigPath()); // its appearance means "listening"; never read a stale one
    setState(State::Starting);
    m_runner = new CommandRunner(m_context, this);
    Command command{binary, arguments(options)};
    command.timeout = 0ms;
    connect(m_runner, &CommandRunner::stdoutLine, this, [this](const QString &line) {
        const int port = parseListeningLine(line);
        if (port > 0 && m_state == State::Starting) {
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
        const bool wanted = r.outcome == CommandResult::Outcome::Cancelled;
        setState(wanted ? State::Stopped : State::Failed);
        if (!wanted)
            Q_EMIT failed(Error{Error::Kind::Failed, u"The local sandbox stopped: %1"_s.arg(r.toError().message),
                                r.stderrTail});
    });
    m_runner->start(command);
}

void SandboxController::stop()
{
    if (m_runner)
        m_runner->cancel();
}

} // namespace bc
