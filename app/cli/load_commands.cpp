// boutique-control load run|report|list: the load test without a window, on the same LoadSession the
// panel uses.
#include "app/cli/commands.h"
#include "app/cli/loadgen_commands.h"

#include "app/cli/kube_options.h"
#include "backend/deploy/storefront_address.h"

#include "backend/core/result.h"
#include "backend/load/load_session.h"
#include "backend/load/locust_client.h"
#include "backend/load/locust_runner.h"
#include "backend/load/run_comparison.h"
#include "backend/load/run_store.h"
#include "backend/metrics/metrics_poller.h"
#include "backend/process/run_context.h"
#include "backend/timeline/pod_series_recorder.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSocketNotifier>

#include <cmath>
#include <csignal>
#include <optional>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace bc::cli {

namespace {

int g_sigintPipe[2] = {-1, -1};

void onSigint(int)
{
    const char c = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_sigintPipe[1], &c, 1);
}

// Ctrl+C ends the run early but still saves everything (self-pipe: no Qt call in the handler).
void stopOnSigint(QObject *owner, std::function<void()> stop)
{
    if (g_sigintPipe[0] < 0 && ::pipe(g_sigintPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_sigintPipe[0], QSocketNotifier::Read, owner);
    QObject::connect(notifier, &QSocketNotifier::activated, owner, [stop = std::move(stop)] {
        char c;
        [[maybe_unused]] const ssize_t n = ::read(g_sigintPipe[0], &c, 1);
        stop();
    });
    std::signal(SIGINT, onSigint);
}

QString ms(double v)
{
    return std::isnan(v) ? u"-"_s : QString::number(v, 'f', 0);
}

void printSample(CliCall &call, const LoadSample &s)
{
    call.out() << u"%1s %2 users %3/%4  %5 req/s  %6 fail/s  p50 %7 ms  p95 %8 ms  requests %9"_s
                      .arg(QString::number(s.elapsedS, 'f', 0), 5)
                      .arg(locustStateName(s.state), -8)
                      .arg(s.userCount)
                      .arg(s.targetUsers)
                      .arg(QString::number(s.rps, 'f', 1), QString::number(s.failPerSec, 'f', 1), ms(s.currentP50Ms),
                           ms(s.currentP95Ms), QString::number(s.totalRequests))
               << u"  failures %1  workers %2%3"_s.arg(s.totalFailures)
                      .arg(s.workersRunning)
                      .arg(s.workersMissing ? u" (%1 missing)"_s.arg(s.workersMissing) : QString())
               << Qt::endl;
}

// `pods`: the cluster whose pods' CPU and memory the run keeps in pods.csv (and its report), if any.
void runCommand(CliCall &call, const QCommandLineParser &p, const QString &host,
                const std::optional<KubeTarget> &pods = std::nullopt)
{
    LoadRunSettings settings;
    settings.host = host;
    bool okUsers = false, okRate = false, okWorkers = false;
    settings.users = p.value(u"users"_s).toInt(&okUsers);
    settings.spawnRate = p.value(u"spawn-rate"_s).toDouble(&okRate);
    settings.workers = p.value(u"workers"_s).toInt(&okWorkers);
    if (!okUsers)
        return call.fail(u"--users needs a whole number, got \"%1\"."_s.arg(p.value(u"users"_s)), 2);
    if (!okRate)
        return call.fail(u"--spawn-rate needs a number, got \"%1\"."_s.arg(p.value(u"spawn-rate"_s)), 2);
    if (!okWorkers)
        return call.fail(u"--workers needs a whole number, got \"%1\"."_s.arg(p.value(u"workers"_s)), 2);
    if (p.isSet(u"ramp"_s)) {
        const Result<RampPlan> ramp = parseRampSpec(p.value(u"ramp"_s));
        if (!ramp)
            return call.fail(ramp.error(), 2);
        settings.ramp = ramp.value();
    }
    if (p.isSet(u"time"_s)) {
        const Result<std::chrono::seconds> d = parseDuration(p.value(u"time"_s));
        if (!d)
            return call.fail(u"--time: %1"_s.arg(d.error().message), 2);
        settings.duration = d.value();
    } else {
        settings.duration = settings.ramp ? settings.ramp->totalDuration() + settings.ramp->interval
                                          : std::chrono::seconds(60);
    }
    if (p.isSet(u"attach"_s))
        settings.attachUrl = QUrl(p.value(u"attach"_s));
    if (Status s = settings.validate(); !s)
        return call.fail(s.error(), 2);

    LocustRunnerConfig runner;
    if (p.isSet(u"locustfile"_s)) {
        const QString lf = QFileInfo(p.value(u"locustfile"_s)).absoluteFilePath();
        if (!QFileInfo::exists(lf))
            return call.fail(u"The locustfile %1 does not exist."_s.arg(lf), 2);
        const QStringList defaults = LocustRunner::defaultLocustfiles();
        runner.locustfiles = {defaults.value(0), lf};
        if (defaults.isEmpty())
            return call.fail(u"version_fix.py was not found (set BC_LOCUST_DIR to the infra/locust folder)."_s, 2);
        settings.locustfile = lf;
    }

    QString dir = p.value(u"out"_s);
    if (dir.isEmpty() && !call.context()->dryRun()) {
        const Result<QString> created = RunStore().createRunDir(QDateTime::currentDateTimeUtc());
        if (!created)
            return call.fail(created.error());
        dir = created.value();
    }
    dir = QDir(dir).absolutePath();
    if (p.value(u"on"_s) == u"gce")
        return runLoadOnGce(call, settings, dir, p.value(u"loadgen-dir"_s),
                            [&call](const LoadSample &s) { printSample(call, s); });

    auto *session = new LoadSession(call.context(), &call);
    if (pods && !call.context()->dryRun()) {
        auto *poller = new MetricsPoller(call.context(), *pods, &call);
        poller->setInterval(std::chrono::seconds(2));
        poller->start();
        new PodSeriesRecorder(poller, session);
        QObject::connect(session, &LoadSession::finished, poller, &MetricsPoller::stop);
    }
    QObject::connect(session, &LoadSession::sampleAdded, &call, [&call](const LoadSample &s) { printSample(call, s); });
    QObject::connect(session, &LoadSession::problem, &call,
                     [&call](const Error &e) { call.err() << u"warning: "_s << e.message << Qt::endl; });
    QObject::connect(session->runner(), &LocustRunner::ready, &call, [&call, session] {
        call.out() << u"Locust master %1 with %2 workers; running for %3."_s.arg(
                          session->runner()->webUrl().toString())
                          .arg(session->runner()->workersConnected())
                          .arg(formatDuration(session->settings().duration))
                   << Qt::endl;
    });
    QObject::connect(session, &LoadSession::finished, &call, [&call, session, dir](const Status &s) {
        if (call.context()->dryRun())
            return call.finish(0);
        if (!s) {
            call.err() << u"Saved what there was in "_s << QDir::toNativeSeparators(dir) << Qt::endl;
            return call.fail(s.error(), 1);
        }
        const QList<LoadSample> &h = session->history().samples();
        const qint64 requests = h.isEmpty() ? 0 : h.last().totalRequests;
        const qint64 failures = h.isEmpty() ? 0 : h.last().totalFailures;
        call.out() << u"Done: %1 requests, %2 failures. Saved in %3 (report.html, locust_stats.csv, "
                      "locust_stats_history.csv, locust_failures.csv, history.csv, settings.json%4)."_s.arg(requests)
                          .arg(failures)
                          .arg(QDir::toNativeSeparators(dir),
                              QFileInfo::exists(QDir(dir).filePath(u"pods.csv"_s)) ? u", pods.csv"_s : QString())
                   << Qt::endl;
        call.finish(0);
    });
    const Status started = session->start(settings, dir, runner);
    if (!started)
        return call.fail(started.error(), 1);
    if (!call.context()->dryRun()) {
        call.out() << u"Run folder: "_s << QDir::toNativeSeparators(dir) << Qt::endl;
        stopOnSigint(&call, [session, &call] {
            call.err() << u"Stopping early; saving the run..."_s << Qt::endl;
            session->stopRun();
        });
    }
}

void reportCommand(CliCall &call, const QString &dir)
{
    RunFolder folder(QDir(dir).absolutePath());
    if (Status s = folder.rebuild(); !s)
        return call.fail(s.error(), 1);
    call.out() << u"Report rebuilt: "_s << QDir::toNativeSeparators(folder.path(u"report.html"_s)) << Qt::endl;
    call.finish(0);
}

// A run folder, or the id of a run in the default store.
QString runDir(const QString &arg)
{
    if (QFileInfo(arg).isDir())
        return QFileInfo(arg).absoluteFilePath();
    return QDir(RunStore::defaultRoot()).filePath(arg);
}

void compareCommand(CliCall &call, const QString &a, const QString &b)
{
    const auto first = RunSummary::read(runDir(a));
    const auto second = RunSummary::read(runDir(b));
    if (!first || !second)
        return call.fail(first ? second.error() : first.error(), 1);
    call.out() << formatComparison(first.value(), second.value());
    call.finish(0);
}

void listCommand(CliCall &call)
{
    const RunStore store;
    const QList<RunInfo> runs = store.list();
    if (runs.isEmpty())
        call.out() << u"No runs in "_s << QDir::toNativeSeparators(store.root()) << Qt::endl;
    for (const RunInfo &r : runs) {
        const LoadRunSettings &s = r.settings;
        call.out() << u"%1  %2  %3 users  %4  %5  %6"_s.arg(r.id, -18)
                          .arg(s.host, -28)
                          .arg(s.ramp ? s.ramp->spec() : QString::number(s.users), 6)
                          .arg(formatDuration(s.duration), -6)
                          .arg(s.outcome.isEmpty() ? u"(running or interrupted)"_s : s.outcome)
                          .arg(QDir::toNativeSeparators(r.dir))
                   << Qt::endl;
    }
    call.finish(0);
}

void loadCommand(CliCall &call)
{
    auto parser = std::make_shared<QCommandLineParser>(); // outlives this call when the address is read
    QCommandLineParser &p = *parser;
    KubeOptions kube; // without --host: the storefront of this cluster
    kube.addTo(p);
    p.addOptions({
        {u"host"_s, u"Target storefront base URL (default: the cluster's frontend-external address)."_s, u"URL"_s},
        {{u"u"_s, u"users"_s}, u"Number of users (default 10)."_s, u"N"_s, u"10"_s},
        {{u"r"_s, u"spawn-rate"_s}, u"Users started per second (default 1)."_s, u"R"_s, u"1"_s},
        {{u"t"_s, u"time"_s}, u"Run time: 60s, 20m, 1h30m (default 60s, or the ramp's length plus one step)."_s,
         u"T"_s},
        {{u"w"_s, u"workers"_s}, u"Local Locust worker processes (default 2)."_s, u"W"_s, u"2"_s},
        {u"ramp"_s, u"Step ramp FROM:TO:STEP:INTERVAL, e.g. 100:750:50:60s (overrides --users)."_s, u"SPEC"_s},
        {u"out"_s, u"Run folder (default: a new folder in the app's data location)."_s, u"DIR"_s},
        {u"attach"_s, u"Drive an already running Locust master at this URL instead of starting one."_s, u"URL"_s},
        {u"locustfile"_s, u"Your own locustfile instead of the Online Boutique shopper."_s, u"FILE"_s},
        {u"on"_s, u"Where Locust runs: local (default) or gce (the load generator of `loadgen up`)."_s, u"WHERE"_s,
         u"local"_s},
        {u"loadgen-dir"_s, u"--on gce: the generator's work folder (default: the app's data location)."_s, u"DIR"_s},
    });
    if (!call.parse(p,
                    u"Run a Locust load test against the storefront, or rebuild and list saved runs.\n\n"
                    "  load run [--host URL | --kubeconfig FILE --context NAME] [--users N] [--spawn-rate R] [--time T] [--workers W] [--ramp SPEC] "
                    "[--out DIR]\n"
                    "  load report DIR     rebuild report.html and the CSV files of a saved run\n"
                    "  load list           list saved runs\n"
                    "  load compare A B    two saved runs side by side (folders or ids of load list), with the change\n"
                    "Chart images of a saved run: boutique-control charts RUN."_s,
                    u"run|report|list|compare [DIR...]"_s))
        return;
    const QStringList pos = p.positionalArguments();
    const QString sub = pos.value(0);
    if (sub == u"run") {
        if (pos.size() > 1)
            return call.fail(u"load run takes no positional argument (got \"%1\")."_s.arg(pos.value(1)), 2);
        if (p.value(u"on"_s) != u"local" && p.value(u"on"_s) != u"gce")
            return call.fail(u"--on: \"%1\" is not local or gce."_s.arg(p.value(u"on"_s)), 2);
        // A run aimed at a cluster (its shop, or --kubeconfig/--context given) keeps that cluster's pod series.
        const bool cluster = !p.isSet(u"host"_s) || p.isSet(u"kubeconfig"_s) || p.isSet(u"context"_s);
        const std::optional<KubeTarget> pods = cluster ? std::optional<KubeTarget>(kube.target(p)) : std::nullopt;
        if (p.isSet(u"host"_s) || p.isSet(u"attach"_s))
            return runCommand(call, p, p.value(u"host"_s), pods);
        auto *address = new StorefrontAddress(call.context(), kube.target(p), &call);
        address->read([&call, parser, pods](const Result<QString> &url) {
            if (call.context()->dryRun())
                return runCommand(call, *parser, u"http://frontend-external"_s, pods); // nothing is sent in a dry run
            if (!url)
                return call.fail(url.error().message.trimmed().remove(QRegularExpression(u"[.]$"_s))
                                     + u". Give the shop's address with --host URL."_s,
                                 1);
            call.out() << u"Target: "_s << url.value() << u" (Service frontend-external)"_s << Qt::endl;
            runCommand(call, *parser, url.value(), pods);
        });
        return;
    }
    if (sub == u"report") {
        if (pos.size() != 2)
            return call.fail(u"Usage: boutique-control load report DIR"_s, 2);
        return reportCommand(call, pos.value(1));
    }
    if (sub == u"list")
        return listCommand(call);
    if (sub == u"compare") {
        if (pos.size() != 3)
            return call.fail(u"Usage: boutique-control load compare RUN_A RUN_B"_s, 2);
        return compareCommand(call, pos.value(1), pos.value(2));
    }
    call.fail(sub.isEmpty() ? u"Say what to do: load run, load report DIR, load list or load compare A B."_s
                            : u"Unknown load command \"%1\" (run, report, list, compare)."_s.arg(sub),
              2);
}

} // namespace

QList<CommandSpec> loadCommands()
{
    return {{u"load"_s, u"Run a Locust load test headless; rebuild or list saved runs."_s, loadCommand}};
}

} // namespace bc::cli
