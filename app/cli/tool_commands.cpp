#include "app/cli/commands.h"

#include "backend/cluster/k3s_cluster_service.h"
#include "backend/deploy/manifest_set.h"
#include "backend/load/locust_runner.h"
#include "backend/process/run_context.h"
#include "backend/process/tool_locator.h"
#include "backend/sandbox/local_orderlog.h"
#include "backend/sandbox/sandbox_controller.h"

using namespace Qt::StringLiterals;

namespace bc::cli {

namespace {

void toolsCommand(CliCall &call)
{
    QCommandLineParser parser;
    const QCommandLineOption paths(u"paths"_s, u"Instead: where the app finds its own files (manifests, locustfile, "
                                               "Terraform and Ansible, sandbox and orderlog binaries)."_s);
    parser.addOption(paths);
    if (!call.parse(parser, u"List the external tools Boutique Control drives, where they are and their versions."_s))
        return;
    if (parser.isSet(paths)) {
        const QString none = u"- (not found)"_s;
        auto line = [&call, &none](const QString &what, const QString &path) {
            call.out() << u"%1 %2\n"_s.arg(what, -18).arg(path.isEmpty() ? none : path);
        };
        line(u"manifests"_s, ManifestSet::manifestDirectory());
        line(u"locustfile"_s, LocustRunner::defaultLocustfiles().value(1));
        line(u"infra/k3s"_s, K3sClusterService::locateInfraDir());
        line(u"boutique-sandbox"_s, SandboxController::locateBinary());
        line(u"orderlog-server"_s, LocalOrderlog::locateBinary());
        call.finish(0);
        return;
    }
    ToolLocator *locator = call.context()->tools();
    QObject::connect(locator, &ToolLocator::probed, &call, [&call](const QList<ToolInfo> &tools) {
        int missing = 0;
        for (const ToolInfo &t : tools) {
            call.out() << u"%1 %2 %3\n"_s.arg(t.name, -18)
                              .arg(t.found() ? t.path : u"-"_s, -48)
                              .arg(t.found() ? (t.version.isEmpty() ? t.problem : t.version) : t.problem);
            missing += t.found() ? 0 : 1;
        }
        call.finish(missing == 0 ? 0 : 3);
    });
    locator->probeVersions();
}

} // namespace

QList<CommandSpec> toolCommands()
{
    return {{u"tools"_s, u"List the external tools found and their versions."_s, toolsCommand}};
}

} // namespace bc::cli
