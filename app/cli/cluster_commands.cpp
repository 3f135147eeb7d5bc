#include "app/cli/commands.h"

#include "backend/cluster/cluster_profile.h"
#include "backend/cluster/gke_cluster_service.h"
#include "backend/cluster/gke_command_builder.h"
#include "backend/cluster/k3s_cluster_service.h"
#include "backend/cluster/kube_contexts.h"
#include "backend/cluster/profile_store.h"
#include "backend/cluster/profile_validator.h"
#include "backend/core/result.h"
#include "backend/process/run_context.h"

#include <QHash>
#include <QSocketNotifier>

#include <csignal>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace bc::cli {

namespace {

// The profile field each option sets, so a validation message names the option the user typed.
const QHash<QString, QString> &optionForField()
{
    static const QHash<QString, QString> map {
        {u"name"_s, u"--profile"_s},
        {u"project"_s, u"--project"_s},
        {u"zone"_s, u"--zone"_s},
        {u"region"_s, u"--region"_s},
        {u"cluster_name"_s, u"--name"_s},
        {u"machine_type"_s, u"--machine-type"_s},
        {u"node_count"_s, u"--nodes"_s},
        {u"cluster_version"_s, u"--cluster-version"_s},
        {u"masters"_s, u"--masters"_s},
        {u"workers"_s, u"--workers"_s},
        {u"ssh_user"_s, u"--ssh-user"_s},
        {u"ssh_public_key"_s, u"--ssh-public-key"_s},
        {u"kubeconfig"_s, u"--kubeconfig"_s},
        {u"context"_s, u"--context"_s},
        {u"infra-dir"_s, u"--infra-dir"_s},
    };
    return map;
}

// "node_count: node count 0 is outside 1..100" -> "--nodes: node count 0 is outside 1..100"
QString withOptionName(const QString &message)
{
    const qsizetype colon = message.indexOf(u": "_s);
    if (colon <= 0)
        return message;
    const QString field = message.left(colon);
    const auto it = optionForField().constFind(field);
    return it == optionForField().cend() ? message : *it + message.mid(colon);
}

struct Options
{
    QCommandLineOption provider {
        u"provider"_s, u"gke (default) or k3s (Terraform + Ansible on GCE VMs)."_s, u"kind"_s};
    QCommandLineOption profile {
        u"profile"_s, u"Start from a saved profile; other options override it."_s, u"name"_s};
    QCommandLineOption saveAs {
        u"save-as"_s, u"Validate and save these settings as a profile first."_s, u"name"_s};
    QCommandLineOption project {u"project"_s, u"GCP project id."_s, u"id"_s};
    QCommandLineOption zone {u"zone"_s, u"GCP zone, e.g. us-central1-b."_s, u"zone"_s};
    QCommandLineOption region {
        u"region"_s, u"GCP region (GKE: a regional cluster instead of --zone)."_s, u"region"_s};
    QCommandLineOption name {u"name"_s, u"Cluster name (k3s: prefix of every VM)."_s, u"name"_s};
    QCommandLineOption nodes {
        u"nodes"_s, u"GKE node count (per zone for a regional cluster), 1..100."_s, u"n"_s};
    QCommandLineOption machineType {u"machine-type"_s, u"GCE machine type, e.g. e2-standard-2."_s, u"type"_s};
    QCommandLineOption clusterVersion {
        u"cluster-version"_s, u"GKE version, e.g. 1.32 or latest."_s, u"version"_s};
    QCommandLineOption noNetworkPolicy {u"no-network-policy"_s, u"GKE: leave out --enable-network-policy."_s};
    QCommandLineOption masters {u"masters"_s, u"k3s: server VMs, 1..9."_s, u"n"_s};
    QCommandLineOption workers {u"workers"_s, u"k3s: agent VMs, 0..100."_s, u"n"_s};
    QCommandLineOption sshUser {u"ssh-user"_s, u"k3s: user Ansible logs in as."_s, u"user"_s};
    QCommandLineOption sshKey {
        u"ssh-public-key"_s, u"k3s: public key file (.pub); the private key is beside it."_s, u"file"_s};
    QCommandLineOption noSpot {u"no-spot"_s, u"k3s: standard VMs instead of Spot VMs."_s};
    QCommandLineOption infraDir {
        u"infra-dir"_s, u"k3s: the infra/k3s folder (default: found automatically)."_s, u"dir"_s};
    QCommandLineOption workDir {
        u"work-dir"_s, u"k3s: where the Terraform state and kubeconfig go."_s, u"dir"_s};
    QCommandLineOption kubeconfig {
        u"kubeconfig"_s, u"contexts: read this kubeconfig instead of $KUBECONFIG."_s, u"file"_s};
    QCommandLineOption yes {u"yes"_s, u"Confirm delete (required for delete unless --dry-run)."_s};

    void addTo(QCommandLineParser &p) const
    {
        p.addOptions({provider, profile, saveAs, project, zone, region, name, nodes, machineType,
            clusterVersion, noNetworkPolicy, masters, workers, sshUser, sshKey, noSpot, infraDir, workDir,
            kubeconfig, yes});
    }
};

Result<int> intOption(const QCommandLineParser &p, const QCommandLineOption &o, int fallback)
{
    if (!p.isSet(o))
        return fallback;
    bool ok = false;
    const int v = p.value(o).toInt(&ok);
    if (!ok)
        return Error {
            Error::Kind::Invalid, u"--%1: '%2' is not a whole number"_s.arg(o.names().first(), p.value(o))};
    return v;
}

void setText(const QCommandLineParser &p, const QCommandLineOption &o, QString &field)
{
    if (p.isSet(o))
        field = p.value(o);
}

Result<ClusterProfile> profileFrom(const QCommandLineParser &p, const Options &o)
{
    ClusterProfile profile;
    if (p.isSet(o.profile)) {
        auto saved = ProfileStore().find(p.value(o.profile));
        if (!saved)
            return Error {saved.error().kind, u"--profile: "_s + saved.error().message};
        profile = saved.value();
    }
    if (p.isSet(o.provider)) {
        const auto kind = clusterKindFromName(p.value(o.provider));
        if (!kind || (*kind != ClusterKind::Gke && *kind != ClusterKind::K3s))
            return Error {
                Error::Kind::Invalid, u"--provider: '%1' is not gke or k3s"_s.arg(p.value(o.provider))};
        profile.kind = *kind;
    }
    if (p.isSet(o.saveAs))
        profile.name = p.value(o.saveAs);
    if (profile.name.isEmpty())
        profile.name = u"cli"_s;

    if (profile.kind == ClusterKind::Gke) {
        GkeSettings &g = profile.gke;
        setText(p, o.project, g.project);
        if (p.isSet(o.zone)
            || p.isSet(o.region)) { // a location given on the command line replaces the saved one
            g.zone = p.value(o.zone);
            g.region = p.value(o.region);
        }
        setText(p, o.name, g.clusterName);
        setText(p, o.machineType, g.machineType);
        setText(p, o.clusterVersion, g.clusterVersion);
        auto nodes = intOption(p, o.nodes, g.nodeCount);
        if (!nodes)
            return nodes.error();
        g.nodeCount = nodes.value();
        if (p.isSet(o.noNetworkPolicy))
            g.networkPolicy = false;
    } else if (profile.kind == ClusterKind::K3s) {
        K3sSettings &k = profile.k3s;
        setText(p, o.project, k.project);
        setText(p, o.zone, k.zone);
        setText(p, o.region, k.region);
        setText(p, o.name, k.clusterName);
        setText(p, o.machineType, k.machineType);
        setText(p, o.sshUser, k.sshUser);
        setText(p, o.sshKey, k.sshPublicKeyPath);
        auto masters = intOption(p, o.masters, k.masters);
        if (!masters)
            return masters.error();
        auto workers = intOption(p, o.workers, k.workers);
        if (!workers)
            return workers.error();
        k.masters = masters.value();
        k.workers = workers.value();
        if (p.isSet(o.noSpot))
            k.spot = false;
    } else {
        return Error {Error::Kind::Invalid,
            u"--profile: '%1' is a %2 profile; cluster create/delete handle gke and k3s"_s.arg(
                profile.name, clusterKindName(profile.kind))};
    }
    return profile;
}

// Ctrl+C (or SIGTERM) during a create that takes minutes: cancel the job, so gcloud/terraform (in their
// own process group, out of the terminal's reach) are stopped rather than orphaned. Self-pipe: the
// handler makes no Qt call.
int g_stopPipe[2] = {-1, -1};

void onStopSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_stopPipe[1], &c, 1);
}

template <typename Service> void cancelOnSignals(CliCall &call, Service *service)
{
    if (g_stopPipe[0] < 0 && ::pipe(g_stopPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_stopPipe[0], QSocketNotifier::Read, &call);
    QObject::connect(notifier, &QSocketNotifier::activated, &call, [&call, service] {
        char c;
        [[maybe_unused]] const ssize_t n = ::read(g_stopPipe[0], &c, 1);
        call.err() << u"Stopping..."_s << Qt::endl;
        service->cancel();
    });
    struct sigaction action = {};
    action.sa_handler = onStopSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
}

QString formatElapsed(qint64 ms)
{
    const qint64 s = ms / 1000;
    return s >= 60 ? u"%1m%2s"_s.arg(s / 60).arg(s % 60, 2, 10, QChar(u'0')) : u"%1s"_s.arg(s);
}

// Progress on stderr, one line per new phase (never per tick), and the final word.
template <typename Service> void wire(CliCall &call, Service *service, QString successText)
{
    auto lastPhase = std::make_shared<QString>();
    const bool quiet = call.context()->dryRun();
    cancelOnSignals(call, service);
    QObject::connect(service, &Service::progress, &call, [&call, lastPhase, quiet](const ClusterProgress &p) {
        if (quiet || p.phase == *lastPhase)
            return;
        *lastPhase = p.phase;
        call.err()
            << u"[%1%] %2 (%3)"_s.arg(int(p.fraction * 100), 3).arg(p.phase, formatElapsed(p.elapsedMs))
            << Qt::endl;
    });
    QObject::connect(service, &Service::finished, &call, [&call, successText, quiet](const Status &status) {
        if (!status) {
            call.fail(status.error(), status.error().kind == Error::Kind::Cancelled ? 130 : 1);
            return;
        }
        if (!quiet)
            call.out() << successText << Qt::endl;
        call.finish(0);
    });
}

void runGke(CliCall &call, const QString &action, const ClusterProfile &profile)
{
    auto *service = new GkeClusterService(call.context(), &call);
    const GkeCommandBuilder builder(profile.gke);
    Status started;
    if (action == u"create") {
        wire(call, service,
            u"Cluster %1 created; kubectl context %2."_s.arg(profile.gke.clusterName, builder.contextName()));
        started = service->create(profile.gke);
    } else if (action == u"credentials") {
        wire(call, service, u"kubectl context %1 written to your kubeconfig."_s.arg(builder.contextName()));
        started = service->fetchCredentials(profile.gke);
    } else {
        wire(call, service, u"Cluster %1 deleted."_s.arg(profile.gke.clusterName));
        started = service->remove(profile.gke);
    }
    if (!started)
        call.fail(withOptionName(started.error().message), 2);
}

void runK3s(CliCall &call, const QString &action, const ClusterProfile &profile, const QCommandLineParser &p,
    const Options &o)
{
    K3sPaths paths = K3sClusterService::defaultPaths(profile.name);
    if (p.isSet(o.infraDir))
        paths.infraDir = p.value(o.infraDir);
    if (p.isSet(o.workDir))
        paths.workDir = p.value(o.workDir);
    auto *service = new K3sClusterService(call.context(), &call);
    Status started;
    if (action == u"create") {
        wire(call, service,
            u"k3s cluster %1 is up; kubeconfig: %2 (context %1)."_s.arg(
                profile.k3s.clusterName, paths.kubeconfig()));
        started = service->create(profile.k3s, paths);
    } else if (action == u"delete") {
        wire(call, service, u"k3s cluster %1 deleted."_s.arg(profile.k3s.clusterName));
        started = service->destroy(profile.k3s, paths);
    } else {
        call.fail(
            u"credentials: a k3s cluster's kubeconfig is written by create, at %1"_s.arg(paths.kubeconfig()),
            2);
        return;
    }
    if (!started)
        call.fail(
            withOptionName(started.error().message), started.error().kind == Error::Kind::Invalid ? 2 : 1);
}

void listContexts(CliCall &call, const QCommandLineParser &p, const Options &o)
{
    const auto contexts = KubeContexts::list(p.value(o.kubeconfig));
    if (!contexts) {
        call.fail(contexts.error());
        return;
    }
    for (const QString &name : contexts.value().names)
        call.out() << (name == contexts.value().current ? u"* "_s : u"  "_s) << name << u'\n';
    call.finish(0);
}

void listProfiles(CliCall &call)
{
    const auto profiles = ProfileStore().load();
    if (!profiles) {
        call.fail(profiles.error());
        return;
    }
    for (const ClusterProfile &pr : profiles.value())
        call.out() << u"%1 %2\n"_s.arg(pr.name, -24).arg(clusterKindName(pr.kind));
    call.finish(0);
}

void clusterCommand(CliCall &call)
{
    QCommandLineParser parser;
    const Options o;
    o.addTo(parser);
    if (!call.parse(parser,
            u"Create, connect to or delete the cluster Online Boutique runs on (GKE through gcloud, "
            u"or k3s on GCE VMs through Terraform and Ansible)."_s,
            u"create | credentials | delete | contexts | profiles"_s))
        return;
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0);
    static const QStringList actions {
        u"create"_s, u"credentials"_s, u"delete"_s, u"contexts"_s, u"profiles"_s};
    if (positional.size() != 1 || !actions.contains(action)) {
        call.fail(
            u"expected one of: %1 (see: boutique-control cluster --help)"_s.arg(actions.join(u", "_s)), 2);
        return;
    }
    if (action == u"contexts")
        return listContexts(call, parser, o);
    if (action == u"profiles")
        return listProfiles(call);

    auto profile = profileFrom(parser, o);
    if (!profile) {
        call.fail(profile.error().message, 2);
        return;
    }
    // Everything is checked before any process starts.
    if (const auto problem = ProfileValidator::check(profile.value())) {
        call.fail(withOptionName(problem->message), 2);
        return;
    }
    if (action == u"delete" && !parser.isSet(o.yes) && !call.context()->dryRun()) {
        call.fail(
            u"--yes: delete removes the cluster and everything on it; pass --yes to confirm (or --dry-run to "
            u"see the commands)"_s,
            2);
        return;
    }
    if (parser.isSet(o.saveAs)) {
        if (Status saved = ProfileStore().upsert(profile.value()); !saved) {
            call.fail(withOptionName(saved.error().message), 2);
            return;
        }
    }
    if (profile.value().kind == ClusterKind::Gke)
        runGke(call, action, profile.value());
    else
        runK3s(call, action, profile.value(), parser, o);
}

} // namespace

QList<CommandSpec> clusterCommands()
{
    return {{u"cluster"_s, u"Create, connect to or delete a GKE or k3s cluster."_s, clusterCommand}};
}

} // namespace bc::cli
