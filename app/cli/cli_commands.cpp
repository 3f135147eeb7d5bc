#include "app/cli/commands.h"

namespace bc::cli {

QList<CommandSpec> allCommands()
{
    QList<CommandSpec> all;
    all += toolCommands();
    return all;
}

} // namespace bc::cli
