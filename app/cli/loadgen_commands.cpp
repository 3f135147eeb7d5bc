// boutique-control loadgen up|status|replace-workers|down: the GCE load generator (infra/loadgen)
// without a window, on the same LoadgenService, SshTunnel and LoadgenResults the Load test panel uses.
#include "app/cli/loadgen_commands.h"

#include "app/cli/commands.h"
#include "backend/load/load_session.h"
#include "backend/load/locust_client.h"
#include "backend/loadgen/loadgen_prices.h"
#include "backend/loadgen/loadgen_results.h"
#include "backend/loadgen/loadgen_service.h"
#include "backend/loadgen/ssh_tunnel.h"
#include "backend/process/run_context.h"

#include <QCommandLineParser>
#include <QDir>

#include <memory>

using namespace Qt::StringLiterals;

namespace bc::cli {

namespace {

QString formatElapsed(qint64 ms)
{
    const qint64 s = ms / 1000;
    return u"%1:%2"_s.arg(s / 60).arg(s % 60, 2, 10, QChar(u'0'));
}

struct Options
{
    QCommandLineOption project {u"project"_s, u"GCP project id."_s, u"id"_s};
    QCommandLineOption zone {u"zone"_s, u"GCE zone of the VMs (default us-central1-b)."_s, u"zone"_s};
    QCommandLineOption machineType {
        u"machine-type"_s, u"Master and workers (default e2-small)."_s, u"type"_s};
    QCommandLineOption workers {u"workers"_s, u"worker_no: Locust worker VMs, 1..200."_s, u"n"_s};
    QCommandLineOption noSpot {u"no-spot"_s, u"Standard VMs instead of Spot VMs."_s};
    QCommandLineOption spot {u"spot"_s, u"Spot VMs (the default)."_s};
    QCommandLineOption sshKey {
        u"ssh-public-key"_s, u"Public key (.pub) for the VMs; the private key is beside it."_s, u"file"_s};
    QCommandLineOption sshUser {u"ssh-user"_s, u"User on the VMs (default locust)."_s, u"user"_s};
    QCommandLineOption namePrefix {
        u"name-prefix"_s, u"Prefix of every GCE resource (default locust)."_s, u"prefix"_s};
    QCommandLineOption targetHost {u"target-host"_s,
        u"The shop to load: the cluster's frontend-external address, http://IP."_s, u"url"_s};
    QCommandLineOption ansibleVar {u"ansible-var"_s,
        u"More playbook variables, name=value (repeatable): processes_per_worker=2, locust_install=docker, ..."_s,
        u"name=value"_s};
    QCommandLineOption infraDir {
        u"infra-dir"_s, u"The infra/loadgen folder (default: found automatically)."_s, u"dir"_s};
    QCommandLineOption workDir {u"work-dir"_s, u"Where the Terraform state and ssh files go."_s, u"dir"_s};
    QCommandLineOption profileFile {u"profile-file"_s,
        u"The generator profile (default loadgen.yaml beside clusters.yaml)."_s, u"file"_s};
    QCommandLineOption yes {u"yes"_s, u"down: destroy without asking."_s};
};

Result<LoadgenProfile> profileFrom(const QCommandLineParser &p, const Options &o)
{
    Result<LoadgenProfile> stored = LoadgenProfileStore(
        p.isSet(o.profileFile) ? p.value(o.profileFile) : LoadgenProfileStore::defaultPath())
                                        .load();
    if (!stored)
        return stored;
    LoadgenProfile profile = stored.value();
    if (p.isSet(o.project))
        profile.project = p.value(o.project);
    if (p.isSet(o.zone))
        profile.zone = p.value(o.zone);
    if (p.isSet(o.machineType))
        profile.machineType = p.value(o.machineType);
    if (p.isSet(o.workers)) {
        bool isNumber = false;
        profile.workerNo = p.value(o.workers).toInt(&isNumber);
        if (!isNumber)
            return Error {
                Error::Kind::Invalid, u"worker_no: '%1' is not a whole number"_s.arg(p.value(o.workers))};
    }
    if (p.isSet(o.noSpot))
        profile.spot = false;
    if (p.isSet(o.spot))
        profile.spot = true;
    if (p.isSet(o.sshKey))
        profile.sshPublicKeyPath = QFileInfo(p.value(o.sshKey)).absoluteFilePath();
    if (p.isSet(o.sshUser))
        profile.sshUser = p.value(o.sshUser);
    if (p.isSet(o.namePrefix))
        profile.namePrefix = p.value(o.namePrefix);
    if (Status s = LoadgenProfileValidator::validate(profile); !s)
        return s.error();
    return profile;
}

LoadgenPaths pathsFrom(const QCommandLineParser &p, const Options &o)
{
    LoadgenPaths paths = LoadgenService::defaultPaths();
    if (p.isSet(o.infraDir))
        paths.infraDir = QDir(p.value(o.infraDir)).absolutePath();
    if (p.isSet(o.workDir))
        paths.workDir = QDir(p.value(o.workDir)).absolutePath();
    return paths;
}

void printCost(CliCall &call, const LoadgenPaths &paths, const LoadgenProfile &profile)
{
    const Result<LoadgenPrices> prices = LoadgenPrices::load(paths.prices());
    call.out() << (prices ? u"Cost: "_s + prices.value().estimate(profile).text : prices.error().message)
               << Qt::endl;
}

void wire(CliCall &call, LoadgenService *service, std::function<void()> onSuccess)
{
    auto lastPhase = std::make_shared<QString>();
    QObject::connect(service, &LoadgenService::stepStarted, &call,
        [&call](const QString &title, const QString &) { call.err() << u"== "_s << title << Qt::endl; });
    QObject::connect(service, &LoadgenService::progress, &call, [&call, lastPhase](const ClusterProgress &p) {
        if (p.phase == *lastPhase || call.context()->dryRun())
            return;
        *lastPhase = p.phase;
        call.err()
            << u"[%1%] %2 (%3)"_s.arg(int(p.fraction * 100), 3).arg(p.phase, formatElapsed(p.elapsedMs))
            << Qt::endl;
    });
    QObject::connect(service, &LoadgenService::finished, &call, [&call, onSuccess](const Status &status) {
        if (!status)
            return call.fail(status.error(), status.error().kind == Error::Kind::Cancelled ? 130 : 1);
        onSuccess();
        call.finish(0);
    });
}

void upCommand(CliCall &call, const QCommandLineParser &p, const Options &o, bool workersOnly)
{
    const Result<LoadgenProfile> profile = profileFrom(p, o);
    if (!profile)
        return call.fail(profile.error(), 2);
    LoadgenOptions options {p.value(o.targetHost), p.values(o.ansibleVar)};
    const LoadgenPaths paths = pathsFrom(p, o);
    if (!call.context()->dryRun()) {
        const LoadgenProfileStore store(
            p.isSet(o.profileFile) ? p.value(o.profileFile) : LoadgenProfileStore::defaultPath());
        if (Status s = store.save(profile.value()); !s)
            return call.fail(s.error(), 1);
        printCost(call, paths, profile.value());
    }
    auto *service = new LoadgenService(call.context(), &call);
    wire(call, service, [&call, paths] {
        if (call.context()->dryRun())
            return;
        const Result<LoadgenHosts> hosts = LoadgenService::readHosts(paths);
        if (hosts)
            call.out()
                << u"Load generator up: master %1, %2 workers, bastion %3. Run `boutique-control load run "
                   "--on gce --host URL`; destroy with `boutique-control loadgen down --yes`."_s
                       .arg(hosts.value().masterIp)
                       .arg(hosts.value().workerIps.size())
                       .arg(hosts.value().bastionIp)
                << Qt::endl;
    });
    const Status started = workersOnly ? service->replaceWorkers(profile.value(), paths, options)
                                       : service->up(profile.value(), paths, options);
    if (!started)
        call.fail(started.error(), started.error().kind == Error::Kind::Invalid ? 2 : 1);
}

void downCommand(CliCall &call, const QCommandLineParser &p, const Options &o)
{
    const Result<LoadgenProfile> profile = profileFrom(p, o);
    if (!profile)
        return call.fail(profile.error(), 2);
    const LoadgenPaths paths = pathsFrom(p, o);
    if (!p.isSet(o.yes) && !call.context()->dryRun())
        return call.fail(u"loadgen down deletes every VM of the generator: add --yes to confirm."_s, 2);
    auto *service = new LoadgenService(call.context(), &call);
    wire(call, service, [&call] {
        if (!call.context()->dryRun())
            call.out() << u"Load generator destroyed; no Terraform state is left."_s << Qt::endl;
    });
    if (const Status started = service->down(profile.value(), paths); !started)
        call.fail(started.error(), started.error().kind == Error::Kind::Invalid ? 2 : 1);
}

// Prints where the generator is and what it costs, then asks its master (through a tunnel) for the
// workers' Locust state.
void statusCommand(CliCall &call, const QCommandLineParser &p, const Options &o)
{
    const LoadgenPaths paths = pathsFrom(p, o);
    const Result<LoadgenHosts> hosts = LoadgenService::readHosts(paths);
    if (!hosts) {
        call.out() << u"No load generator is up."_s << Qt::endl;
        return call.finish(LoadgenService::isUp(paths) ? 1 : 0);
    }
    const LoadgenHosts &h = hosts.value();
    call.out() << u"bastion %1  master %2  workers %3"_s.arg(
        h.bastionIp, h.masterIp, h.workerIps.join(u", "_s))
               << Qt::endl;
    if (const Result<LoadgenProfile> profile = LoadgenProfileStore(
            p.isSet(o.profileFile) ? p.value(o.profileFile) : LoadgenProfileStore::defaultPath())
                                                   .load())
        printCost(call, paths, profile.value());
    const LoadgenCommandBuilder builder(LoadgenProfile {}, paths);
    auto *tunnel = new SshTunnel(call.context(), &call);
    if (call.context()->dryRun()) {
        tunnel->start([builder, h](quint16 port) { return builder.tunnel(h, port); });
        return call.finish(0);
    }
    auto *client = new LocustClient(&call);
    QObject::connect(tunnel, &SshTunnel::up, &call, [client](quint16 port) {
        client->setBaseUrl(QUrl(u"http://127.0.0.1:%1"_s.arg(port)));
        client->pollNow();
    });
    QObject::connect(client, &LocustClient::snapshotReceived, &call, [&call, tunnel](const StatsSnapshot &s) {
        call.out() << u"master: %1, %2 users"_s.arg(locustStateName(s.state)).arg(s.userCount) << Qt::endl;
        for (const WorkerStats &w : s.workers)
            call.out() << u"worker %1: %2, %3 users, cpu %4%"_s.arg(w.id, locustStateName(w.state))
                              .arg(w.userCount)
                              .arg(w.cpuPercent, 0, 'f', 0)
                       << Qt::endl;
        tunnel->stop();
        call.finish(0);
    });
    QObject::connect(client, &LocustClient::connectionChanged, &call,
        [&call, tunnel](LocustClient::Connection c, const QString &message) {
            if (c == LocustClient::Connection::Unreachable || c == LocustClient::Connection::BadResponse) {
                tunnel->stop();
                call.fail(u"The Locust master does not answer through the tunnel: %1"_s.arg(message), 1);
            }
        });
    QTimer::singleShot(30000, &call, [&call, tunnel] {
        if (call.finished())
            return;
        tunnel->stop();
        call.fail(u"The SSH tunnel to the master did not come up in 30 s."_s, 1);
    });
    tunnel->start([builder, h](quint16 port) { return builder.tunnel(h, port); });
}

void loadgenCommand(CliCall &call)
{
    QCommandLineParser p;
    Options o;
    p.addOptions({o.project, o.zone, o.machineType, o.workers, o.noSpot, o.spot, o.sshKey, o.sshUser,
        o.namePrefix, o.targetHost, o.ansibleVar, o.infraDir, o.workDir, o.profileFile, o.yes});
    if (!call.parse(p,
            u"Distributed Locust on GCE VMs (infra/loadgen): Terraform for the VMs, Ansible through the "
            u"bastion.\n\n"
            "  loadgen up --target-host URL [--project P --ssh-public-key F --workers N ...]\n"
            "  loadgen status            addresses, cost per hour, each worker's Locust state\n"
            "  loadgen replace-workers --target-host URL   terraform + ansible again for missing workers\n"
            "  loadgen down --yes        terraform destroy; no state is left"_s,
            u"up|status|replace-workers|down"_s))
        return;
    const QString sub = p.positionalArguments().value(0);
    if (sub == u"up" || sub == u"replace-workers")
        return upCommand(call, p, o, sub == u"replace-workers");
    if (sub == u"down")
        return downCommand(call, p, o);
    if (sub == u"status")
        return statusCommand(call, p, o);
    call.fail(sub.isEmpty()
            ? u"Say what to do: loadgen up, status, replace-workers or down."_s
            : u"Unknown loadgen command \"%1\" (up, status, replace-workers, down)."_s.arg(sub),
        2);
}

} // namespace

void runLoadOnGce(CliCall &call, LoadRunSettings settings, const QString &runDir, const QString &workDir,
    std::function<void(const LoadSample &)> printSample)
{
    LoadgenPaths paths = LoadgenService::defaultPaths();
    if (!workDir.isEmpty())
        paths.workDir = QDir(workDir).absolutePath();
    Result<LoadgenHosts> read = LoadgenService::readHosts(paths);
    const bool dry = call.context()->dryRun();
    if (!read && !dry)
        return call.fail(read.error(), 1);
    // A dry run shows the lines with the documented addresses when nothing is up.
    const LoadgenHosts hosts = read
        ? read.value()
        : LoadgenHosts {u"203.0.113.10"_s, u"10.0.0.10"_s, {u"10.0.0.20"_s}, u"locust"_s};
    const LoadgenCommandBuilder builder(LoadgenProfile {}, paths);
    auto *tunnel = new SshTunnel(call.context(), &call);
    auto *results = new LoadgenResults(call.context(), &call);
    if (dry) {
        tunnel->start([builder, hosts](quint16 port) { return builder.tunnel(hosts, port); });
        QObject::connect(results, &LoadgenResults::finished, &call, [&call] { call.finish(0); });
        results->collect(builder, hosts, {}, runDir);
        return;
    }
    auto *session = new LoadSession(call.context(), &call);
    QObject::connect(session, &LoadSession::sampleAdded, &call, printSample);
    QObject::connect(session, &LoadSession::problem, &call,
        [&call](const Error &e) { call.err() << u"warning: "_s << e.message << Qt::endl; });
    QObject::connect(tunnel, &SshTunnel::dropped, &call,
        [&call](const Error &e) { call.err() << u"warning: "_s << e.message << Qt::endl; });
    QObject::connect(tunnel, &SshTunnel::up, &call, [&call, session, settings, runDir](quint16 port) mutable {
        if (session->phase() != LoadSession::Phase::Idle) {
            call.err() << u"The SSH tunnel is back on 127.0.0.1:%1."_s.arg(port) << Qt::endl;
            return;
        }
        settings.attachUrl = QUrl(u"http://127.0.0.1:%1"_s.arg(port));
        call.out() << u"Locust master on GCE through the tunnel at %1; running for %2."_s.arg(
            settings.attachUrl.toString(), formatDuration(settings.duration))
                   << Qt::endl;
        if (const Status s = session->start(settings, runDir); !s)
            call.fail(s.error(), 1);
    });
    QObject::connect(session, &LoadSession::finished, &call,
        [&call, session, results, tunnel, builder, hosts, runDir](const Status &runStatus) {
            QObject::connect(results, &LoadgenResults::finished, &call,
                [&call, session, results, tunnel, runDir, runStatus](const Status &copied) {
                    tunnel->stop();
                    if (!copied)
                        call.err() << u"warning: "_s << copied.error().message << Qt::endl;
                    if (!runStatus) {
                        call.err() << u"Saved what there was in "_s << QDir::toNativeSeparators(runDir)
                                   << Qt::endl;
                        return call.fail(runStatus.error(), 1);
                    }
                    const QList<LoadSample> &h = session->history().samples();
                    call.out()
                        << u"Done: %1 requests, %2 failures. Saved in %3; the master's own files: %4."_s
                               .arg(h.isEmpty() ? 0 : h.last().totalRequests)
                               .arg(h.isEmpty() ? 0 : h.last().totalFailures)
                               .arg(QDir::toNativeSeparators(runDir), results->copiedFiles().join(u", "_s))
                        << Qt::endl;
                    call.finish(0);
                });
            results->collect(builder, hosts, session->client()->baseUrl(), runDir);
        });
    QTimer::singleShot(60000, &call, [&call, session, tunnel] {
        if (session->phase() == LoadSession::Phase::Idle && !call.finished()) {
            tunnel->stop();
            call.fail(u"The SSH tunnel to the GCE master did not come up in 60 s."_s, 1);
        }
    });
    call.out() << u"Run folder: "_s << QDir::toNativeSeparators(runDir) << Qt::endl;
    tunnel->start([builder, hosts](quint16 port) { return builder.tunnel(hosts, port); });
}

QList<CommandSpec> loadgenCommands()
{
    return {{u"loadgen"_s, u"Create, check or destroy the GCE Locust load generator (Terraform + Ansible)."_s,
        loadgenCommand}};
}

} // namespace bc::cli
