#include "app/cli/commands.h"

#include "app/cli/kube_options.h"
#include "backend/deploy/deploy_job.h"

using namespace Qt::StringLiterals;

namespace bc::cli {

namespace {

QString progressLine(const DeploymentProgress &p)
{
    QString line = u"%1 %2/%3 ready"_s.arg(p.name).arg(p.ready).arg(p.desired);
    if (!p.seen)
        line = u"%1 not created yet"_s.arg(p.name);
    else if (p.done)
        line += u", available"_s;
    if (!p.problem.isEmpty())
        line += u" (%1)"_s.arg(p.problem);
    return line;
}

void deployCommand(CliCall &call)
{
    QCommandLineParser parser;
    KubeOptions kube;
    kube.addTo(parser);
    const QCommandLineOption manifest(u"manifest"_s, u"minimal (the lab's services) or full (upstream release)."_s,
                                      u"EDITION"_s, u"minimal"_s);
    const QCommandLineOption withCanary(u"with-canary"_s, u"Also deploy productcatalogservice v2 (at 0 replicas)."_s);
    const QCommandLineOption withOrderLog(u"with-order-log"_s,
        u"Also deploy the order log (manifests/orderlog.yaml: orderlog-server, its checkout tap in front of "
        "checkoutservice) and point the frontend's CHECKOUT_SERVICE_ADDR at it (kubectl set env). Needs the "
        "orderlog image and the orderlog-db Secret. Any deploy whose files hold the frontend and orderlog.yaml "
        "is wired the same way; one without orderlog.yaml points the frontend back at checkoutservice."_s);
    const QCommandLineOption file({u"f"_s, u"file"_s}, u"Apply this manifest instead of a shipped edition (repeatable)."_s,
                                  u"FILE"_s);
    const QCommandLineOption wait(u"wait"_s, u"Return when every deployment is available and the storefront has its "
                                             "external address (printed last); non-zero with the reason when one cannot "
                                             "be."_s);
    const QCommandLineOption serverSide(u"server-side"_s, u"Use server-side apply."_s);
    const QCommandLineOption timeout(u"timeout"_s, u"With --wait: give up after SECONDS, rollout and address together (default 600)."_s, u"SECONDS"_s,
                                     u"600"_s);
    for (const auto &o : {manifest, withCanary, withOrderLog, file, wait, serverSide, timeout})
        parser.addOption(o);
    if (!call.parse(parser, u"Deploy Online Boutique with kubectl apply and follow its rollout."_s))
        return;

    QStringList files = parser.values(file);
    if (files.isEmpty()) {
        const auto edition = ManifestSet::editionFromName(parser.value(manifest));
        if (!edition) {
            call.fail(edition.error(), 2);
            return;
        }
        files = ManifestSet::files(edition.value(), parser.isSet(withCanary), parser.isSet(withOrderLog));
    } else {
        if (parser.isSet(withCanary))
            files.append(ManifestSet::files(ManifestSet::Edition::Minimal, true).last());
        if (parser.isSet(withOrderLog) && !files.contains(ManifestSet::orderLogFile()))
            files.append(ManifestSet::orderLogFile());
    }
    bool ok = false;
    const int seconds = parser.value(timeout).toInt(&ok);
    if (!ok || seconds < 1) {
        call.fail(u"--timeout must be a positive number of seconds"_s, 2);
        return;
    }

    DeployRequest request{files, parser.isSet(serverSide), parser.isSet(wait), std::chrono::seconds(seconds)};
    auto *job = new DeployJob(call.context(), kube.target(parser), request, &call);
    const bool dryRun = call.context()->dryRun();
    QObject::connect(job, &DeployJob::applied, &call, [&call, dryRun](const QString &output) {
        if (!dryRun)
            call.out() << output.trimmed() << Qt::endl;
    });
    auto lastLines = std::make_shared<QHash<QString, QString>>();
    QObject::connect(job, &DeployJob::progressChanged, &call, [&call, lastLines](const QList<DeploymentProgress> &all) {
        for (const DeploymentProgress &p : all) {
            const QString line = progressLine(p);
            if (lastLines->value(p.name) != line) {
                lastLines->insert(p.name, line);
                call.out() << line << Qt::endl;
            }
        }
    });
    QObject::connect(job, &DeployJob::finished, &call, [&call, job, dryRun](const Status &status) {
        if (!status) {
            call.fail(status.error());
            return;
        }
        if (!dryRun && job->phase() == DeployJob::Phase::Done && !job->deployments().isEmpty())
            call.out() << u"deployed: %1 deployments"_s.arg(job->deployments().size()) << Qt::endl;
        if (!dryRun && !job->storefrontUrl().isEmpty())
            call.out() << u"storefront: "_s << job->storefrontUrl() << Qt::endl;
        call.finish(0);
    });
    job->start();
}

} // namespace

QList<CommandSpec> deployCommands()
{
    return {{u"deploy"_s, u"Apply the minimal or full Online Boutique manifest and follow the rollout."_s,
             deployCommand}};
}

} // namespace bc::cli
