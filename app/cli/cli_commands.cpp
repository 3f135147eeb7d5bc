#include "app/cli/commands.h"

namespace bc::cli {

QList<CommandSpec> allCommands()
{
    QList<CommandSpec> all;
    all += toolCommands();
    all += loadCommands();
    all += loadgenCommands();
    all += clusterCommands();
    all += sandboxCommands();
    all += deployCommands();
    all += workloadCommands();
    all += canaryCommands();
    all += ordersCommands();
    all += cnpgCommands();
    all += podsCommands();
    return all;
}

} // namespace bc::cli
