#include "app/cli/commands.h"

#include "backend/process/command_runner.h"
#include "backend/sandbox/sandbox_controller.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QTimer>

#include <csignal>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace bc::cli {

namespace {

QString pidFile(const SandboxOptions &o) { return o.directory() + u"/sandbox.pid"_s; }
QString logFile(const SandboxOptions &o) { return o.directory() + u"/sandbox.log"_s; }

// The pid of a running sandbox started by `sandbox start`, or 0.
qint64 runningPid(const SandboxOptions &o)
{
    QFile f(pidFile(o));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const qint64 pid = f.readAll().trimmed().toLongLong();
    QFile cmdline(u"/proc/%1/cmdline"_s.arg(pid));
    if (pid <= 0 || !cmdline.open(QIODevice::ReadOnly) || !cmdline.readAll().contains("boutique-sandbox"))
        return 0;
    return pid;
}

QString logTail(const SandboxOptions &o)
{
    QFile f(logFile(o));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll()).trimmed().section(u'\n', -3);
}

void printTarget(CliCall &call, const SandboxOptions &o, const QString &state)
{
    const KubeTarget t = SandboxController::targetFor(o);
    call.out() << u"sandbox: "_s << state << Qt::endl
               << u"kubeconfig: "_s << t.kubeconfig << Qt::endl
               << u"context: "_s << t.context << Qt::endl
               << u"use: kubectl --kubeconfig "_s << t.kubeconfig << u" get pods"_s << Qt::endl;
}

void start(CliCall &call, const SandboxOptions &o)
{
    if (const qint64 pid = runningPid(o)) {
        printTarget(call, o, u"already running (pid %1)"_s.arg(pid));
        call.finish(0);
        return;
    }
    const QString binary = SandboxController::locateBinary();
    if (binary.isEmpty()) {
        call.fail(u"boutique-sandbox was not found beside boutique-control or on PATH; build it (./boutique build)"_s);
        return;
    }
    QDir().mkpath(o.directory());
    QFile::remove(o.kubeconfigPath());
    QFile::remove(logFile(o));
    const auto pid = CommandRunner::startDetached(Command{binary, SandboxController::arguments(o)}, logFile(o),
                                                  call.context());
    if (!pid) {
        call.fail(pid.error());
        return;
    }
    if (call.context()->dryRun()) {
        call.finish(0);
        return;
    }
    QFile pf(pidFile(o));
    if (pf.open(QIODevice::WriteOnly))
        pf.write(QByteArray::number(pid.value()) + '\n');
    // Ready when the log says it listens (the kubeconfig is written just before).
    auto *poll = new QTimer(&call);
    auto deadline = std::make_shared<QDeadlineTimer>(30s);
    QObject::connect(poll, &QTimer::timeout, &call, [&call, poll, o, deadline, p = pid.value()] {
        QFile log(logFile(o));
        if (log.open(QIODevice::ReadOnly)) {
            const QString text = QString::fromUtf8(log.readAll());
            for (const QString &line : text.split(u'\n'))
                if (const int port = SandboxController::parseListeningLine(line)) {
                    poll->stop();
                    printTarget(call, o, u"running at http://127.0.0.1:%1 (pid %2)"_s.arg(port).arg(p));
                    call.finish(0);
                    return;
                }
        }
        if (!QFile::exists(u"/proc/%1"_s.arg(p)) || deadline->hasExpired()) {
            poll->stop();
            call.fail(u"the sandbox did not start: %1"_s.arg(logTail(o).simplified()));
        }
    });
    poll->start(100);
}

void stop(CliCall &call, const SandboxOptions &o)
{
    const qint64 pid = runningPid(o);
    if (!pid) {
        QFile::remove(pidFile(o));
        call.out() << u"sandbox: not running"_s << Qt::endl;
        call.finish(0);
        return;
    }
    ::kill(pid_t(pid), SIGTERM);
    auto *poll = new QTimer(&call);
    auto deadline = std::make_shared<QDeadlineTimer>(5s);
    QObject::connect(poll, &QTimer::timeout, &call, [&call, poll, o, pid, deadline] {
        if (QFile::exists(u"/proc/%1/cmdline"_s.arg(pid)) && !deadline->hasExpired())
            return;
        if (QFile::exists(u"/proc/%1/cmdline"_s.arg(pid)))
            ::kill(pid_t(pid), SIGKILL);
        poll->stop();
        QFile::remove(pidFile(o));
        call.out() << u"sandbox: stopped"_s << Qt::endl;
        call.finish(0);
    });
    poll->start(50);
}

void sandboxCommand(CliCall &call)
{
    QCommandLineParser parser;
    const QCommandLineOption nodes(u"nodes"_s, u"Node pool size (default 3)."_s, u"N"_s, u"3"_s);
    const QCommandLineOption machine(u"machine-type"_s, u"Node machine type (default e2-standard-2)."_s, u"TYPE"_s,
                                     u"e2-standard-2"_s);
    const QCommandLineOption delay(u"pod-start-delay"_s, u"Seconds from scheduling to Running (default 2)."_s,
                                   u"SECONDS"_s, u"2"_s);
    const QCommandLineOption scale(u"time-scale"_s, u"Real seconds per simulated second (default 1)."_s, u"X"_s, u"1"_s);
    const QCommandLineOption dir(u"state-dir"_s, u"Where the sandbox keeps its kubeconfig, pid and log."_s, u"DIR"_s);
    for (const auto &opt : {nodes, machine, delay, scale, dir})
        parser.addOption(opt);
    if (!call.parse(parser,
                    u"The local sandbox: a stand-in Kubernetes cluster that the real kubectl talks to.\n\n"
                    "  start    start it in the background and print its kubeconfig\n"
                    "  stop     stop it\n"
                    "  status   say whether it runs"_s,
                    u"start|stop|status"_s))
        return;
    SandboxOptions o;
    bool okNodes = false, okDelay = false, okScale = false;
    o.nodes = parser.value(nodes).toInt(&okNodes);
    o.machineType = parser.value(machine);
    o.podStartDelaySeconds = parser.value(delay).toDouble(&okDelay);
    o.timeScale = parser.value(scale).toDouble(&okScale);
    o.stateDirectory = parser.value(dir);
    if (!okNodes || o.nodes < 0) {
        call.fail(u"--nodes must be a whole number"_s, 2);
        return;
    }
    if (!okDelay || !okScale || o.podStartDelaySeconds < 0 || o.timeScale <= 0) {
        call.fail(u"--pod-start-delay and --time-scale must be positive numbers"_s, 2);
        return;
    }
    const QString action = parser.positionalArguments().value(0);
    if (action == u"start") {
        start(call, o);
    } else if (action == u"stop") {
        stop(call, o);
    } else if (action == u"status") {
        const qint64 pid = runningPid(o);
        if (pid)
            printTarget(call, o, u"running (pid %1)"_s.arg(pid));
        else
            call.out() << u"sandbox: not running"_s << Qt::endl;
        call.finish(pid ? 0 : 3);
    } else {
        call.fail(u"expected start, stop or status (see: boutique-control sandbox --help)"_s, 2);
    }
}

} // namespace

QList<CommandSpec> sandboxCommands()
{
    return {{u"sandbox"_s, u"Start, stop or query the local sandbox cluster."_s, sandboxCommand}};
}

} // namespace bc::cli
