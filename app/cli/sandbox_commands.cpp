#include "app/cli/commands.h"

#include "backend/sandbox/detached_sandbox.h"
#include "backend/sandbox/local_database.h"

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace bc::cli {

namespace {

void printPart(CliCall &call, const QString &name, const DetachedPart &part)
{
    call.out() << name << u": "_s;
    if (part.isRunning())
        call.out() << u"running at "_s << part.address << u" (pid "_s << part.pid << u')';
    else
        call.out() << u"not running"_s;
    call.out() << Qt::endl;
}

// Each part, how kubectl reaches the cluster and how `orders list` reaches the order log (the
// password stays in its file).
void printStatus(CliCall &call, const SandboxOptions &o, const DetachedSandboxStatus &s, const QString &state = {})
{
    const KubeTarget t = SandboxController::targetFor(o);
    if (!state.isEmpty())
        call.out() << u"sandbox: "_s << state << Qt::endl;
    else if (s.cluster.isRunning())
        call.out() << u"sandbox: running at "_s << s.cluster.address << u" (pid "_s << s.cluster.pid << u')' << Qt::endl;
    else
        call.out() << u"sandbox: not running"_s << Qt::endl;
    call.out() << u"kubeconfig: "_s << t.kubeconfig << Qt::endl << u"context: "_s << t.context << Qt::endl;
    if (s.cluster.isRunning())
        call.out() << u"use: kubectl --kubeconfig "_s << t.kubeconfig << u" get pods"_s << Qt::endl;
    if (!s.orderlog.isRunning() && !s.database.isRunning())
        return;
    printPart(call, u"orderlog"_s, s.orderlog);
    printPart(call, u"database"_s, s.database);
    if (!s.database.isRunning())
        return;
    const quint16 port = quint16(s.database.address.section(u':', -1).toUInt());
    const QString passwordFile = LocalDatabaseSetup::passwordFileFor(o.directory());
    call.out() << u"database password file: "_s << passwordFile << Qt::endl
               << u"orders: boutique-control orders list --db '"_s << LocalDatabaseAccess{port, {}}.conninfo()
               << u"' --password-file "_s << passwordFile << Qt::endl;
}

void start(CliCall &call, const SandboxOptions &o)
{
    const DetachedSandboxStatus running = DetachedSandbox::status(o);
    if (running.anyRunning() && !call.context()->dryRun()) {
        const bool complete = running.cluster.isRunning()
            && (!o.withOrderLog || (running.orderlog.isRunning() && running.database.isRunning()));
        if (complete) {
            printStatus(call, o, running, u"already running (pid %1)"_s.arg(running.cluster.pid));
            call.finish(0);
            return;
        }
        printStatus(call, o, running);
        call.fail(u"part of the sandbox already runs; stop it first (boutique-control sandbox stop)"_s);
        return;
    }
    auto *stack = new DetachedSandbox(call.context(), &call);
    QObject::connect(stack, &DetachedSandbox::progress, &call, [&call](const QString &step) {
        if (!call.context()->dryRun())
            call.err() << step << Qt::endl;
    });
    QObject::connect(stack, &DetachedSandbox::started, &call, [&call, o](const DetachedSandboxStatus &s) {
        if (!call.context()->dryRun())
            printStatus(call, o, s);
        call.finish(0);
    });
    QObject::connect(stack, &DetachedSandbox::failed, &call, [&call](const Error &error) {
        call.fail(error.message.simplified() + u" (the parts already started were stopped)"_s);
    });
    stack->start(o);
}

void stop(CliCall &call, const SandboxOptions &o)
{
    if (!DetachedSandbox::status(o).anyRunning()) {
        call.out() << u"sandbox: not running"_s << Qt::endl;
        call.finish(0);
        return;
    }
    if (call.context()->dryRun()) {
        printStatus(call, o, DetachedSandbox::status(o), u"would stop"_s);
        call.finish(0);
        return;
    }
    auto *stack = new DetachedSandbox(call.context(), &call);
    QObject::connect(stack, &DetachedSandbox::stopped, &call, [&call] {
        call.out() << u"sandbox: stopped"_s << Qt::endl;
        call.finish(0);
    });
    stack->stop(o);
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
    const QCommandLineOption dir(u"state-dir"_s,
        u"Where the sandbox keeps its kubeconfig, pid files, logs and order database."_s, u"DIR"_s);
    const QCommandLineOption noOrderLog(u"no-order-log"_s,
        u"start: the cluster only, without its PostgreSQL and orderlog-server."_s);
    for (const auto &opt : {nodes, machine, delay, scale, dir, noOrderLog})
        parser.addOption(opt);
    if (!call.parse(parser,
                    u"The local sandbox: a stand-in Kubernetes cluster that the real kubectl talks to, with\n"
                    "its own PostgreSQL 15 and orderlog-server, so storefront checkouts land in an order log.\n\n"
                    "  start    start the three in the background; print the kubeconfig and the addresses\n"
                    "  stop     stop them (PostgreSQL with a fast shutdown)\n"
                    "  status   say which of them run, and where"_s,
                    u"start|stop|status"_s))
        return;
    SandboxOptions o;
    bool okNodes = false, okDelay = false, okScale = false;
    o.nodes = parser.value(nodes).toInt(&okNodes);
    o.machineType = parser.value(machine);
    o.podStartDelaySeconds = parser.value(delay).toDouble(&okDelay);
    o.timeScale = parser.value(scale).toDouble(&okScale);
    o.stateDirectory = parser.value(dir);
    o.withOrderLog = !parser.isSet(noOrderLog);
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
        const DetachedSandboxStatus status = DetachedSandbox::status(o);
        printStatus(call, o, status);
        call.finish(status.cluster.isRunning() ? 0 : 3);
    } else {
        call.fail(u"expected start, stop or status (see: boutique-control sandbox --help)"_s, 2);
    }
}

} // namespace

QList<CommandSpec> sandboxCommands()
{
    return {{u"sandbox"_s, u"Start, stop or query the local sandbox (cluster, order database, orderlog-server)."_s, sandboxCommand}};
}

} // namespace bc::cli
