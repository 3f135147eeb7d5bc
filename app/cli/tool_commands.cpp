#include "app/cli/commands.h"

#include "backend/process/run_context.h"
#include "backend/process/tool_locator.h"

using namespace Qt::StringLiterals;

namespace bc::cli {

namespace {

void toolsCommand(CliCall &call)
{
    QCommandLineParser parser;
    if (!call.parse(parser, u"List the external tools Boutique Control drives, where they are and their versions."_s))
        return;
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
