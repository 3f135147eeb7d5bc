// `workload`: the Deploy panel's actions on one object, headless (issue 20 point 6).
#include "app/cli/commands.h"

#include "app/cli/kube_options.h"
#include "backend/core/result.h"
#include "backend/kube/kube_client.h"
#include "backend/process/command_runner.h"
#include "backend/process/run_context.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace bc::cli {

namespace {

bool validName(const QString &name)
{
    static const QRegularExpression re(u"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$"_s);
    return re.match(name).hasMatch();
}

// Prints what kubectl answered (nothing with --dry-run: the command line was the output), then exits.
KubeClient::Done<QString> printed(CliCall &call)
{
    return [&call](const Result<QString> &r) {
        if (!r) {
            call.fail(r.error());
            return;
        }
        if (!call.context()->dryRun() && !r.value().trimmed().isEmpty())
            call.out() << r.value().trimmed() << Qt::endl;
        call.finish(0);
    };
}

void logs(CliCall &call, KubeClient *client, const QString &pod, int tail, bool follow)
{
    CommandRunner *runner = client->streamLogs(pod, tail, follow, &call);
    QObject::connect(runner, &CommandRunner::stdoutLine, &call, [&call](const QString &line) { call.out() << line << Qt::endl; });
    QObject::connect(runner, &CommandRunner::finished, &call, [&call](const CommandResult &r) {
        if (r.succeeded())
            call.finish(0);
        else
            call.fail(r.toError());
    });
}

void workloadCommand(CliCall &call)
{
    QCommandLineParser parser;
    KubeOptions kube;
    kube.addTo(parser);
    const QCommandLineOption tail(u"tail"_s, u"logs: the last N lines (default 200)."_s, u"N"_s, u"200"_s);
    const QCommandLineOption follow({u"f"_s, u"follow"_s}, u"logs: keep printing new lines until stopped."_s);
    const QCommandLineOption yes(u"yes"_s, u"delete-pod: no question (a script has no one to ask)."_s);
    for (const auto &o : {tail, follow, yes})
        parser.addOption(o);
    if (!call.parse(parser,
            u"The Deploy panel's actions on one object.\n\n"
            "  logs POD                 its containers' logs (--tail N, --follow)\n"
            "  scale DEPLOYMENT N       set its replicas\n"
            "  restart DEPLOYMENT       rollout restart: new pods, one by one\n"
            "  delete-pod POD --yes     delete a pod; its deployment starts a replacement\n"
            "  yaml RESOURCE NAME       the object as YAML (e.g. yaml deployment frontend)"_s,
            u"ACTION ARGS"_s))
        return;
    const QStringList args = parser.positionalArguments();
    const QString action = args.value(0);
    const auto need = [&](int count, const QString &usage) {
        if (args.size() == count + 1)
            return true;
        call.fail(u"usage: boutique-control workload %1"_s.arg(usage), 2);
        return false;
    };
    const auto named = [&](const QString &name, const QString &what) {
        if (validName(name))
            return true;
        call.fail(u"\"%1\" is not a valid %2 name"_s.arg(name, what), 2);
        return false;
    };
    auto *client = new KubeClient(call.context(), kube.target(parser), &call);
    if (action == u"logs") {
        bool ok = false;
        const int lines = parser.value(tail).toInt(&ok);
        if (!need(1, u"logs POD [--tail N] [--follow]"_s) || !named(args[1], u"pod"_s))
            return;
        if (!ok || lines < 0) {
            call.fail(u"--tail must be a number of lines, 0 or more"_s, 2);
            return;
        }
        logs(call, client, args[1], lines, parser.isSet(follow));
    } else if (action == u"scale") {
        if (!need(2, u"scale DEPLOYMENT REPLICAS"_s) || !named(args[1], u"deployment"_s))
            return;
        bool ok = false;
        const int replicas = args[2].toInt(&ok);
        if (!ok || replicas < 0 || replicas > 1000) {
            call.fail(u"replicas must be a number from 0 to 1000, not \"%1\""_s.arg(args[2]), 2);
            return;
        }
        client->scale(args[1], replicas, printed(call));
    } else if (action == u"restart") {
        if (need(1, u"restart DEPLOYMENT"_s) && named(args[1], u"deployment"_s))
            client->rolloutRestart(args[1], printed(call));
    } else if (action == u"delete-pod") {
        if (!need(1, u"delete-pod POD --yes"_s) || !named(args[1], u"pod"_s))
            return;
        if (!parser.isSet(yes) && !call.context()->dryRun()) {
            call.fail(u"deleting pod %1 needs --yes (its deployment starts a replacement)"_s.arg(args[1]), 2);
            return;
        }
        client->deleteObject(u"pod"_s, args[1], printed(call));
    } else if (action == u"yaml") {
        static const QRegularExpression resource(u"^[a-z][a-z0-9.]{0,62}$"_s);
        if (!need(2, u"yaml RESOURCE NAME"_s) || !named(args[2], args[1]))
            return;
        if (!resource.match(args[1]).hasMatch()) {
            call.fail(u"\"%1\" is not a resource kind (deployment, pod, service, ...)"_s.arg(args[1]), 2);
            return;
        }
        client->getYaml(args[1], args[2], printed(call));
    } else {
        call.fail(action.isEmpty() ? u"missing action (see: boutique-control workload --help)"_s
                                   : u"unknown action '%1' (see: boutique-control workload --help)"_s.arg(action),
            2);
    }
}

} // namespace

QList<CommandSpec> workloadCommands()
{
    return {{u"workload"_s, u"Logs, scale, restart, delete a pod, YAML: the Deploy panel's actions."_s, workloadCommand}};
}

} // namespace bc::cli
