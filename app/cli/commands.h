#pragma once

#include "app/cli/cli_dispatcher.h"

// One function per area returns its headless commands; allCommands() concatenates them.
namespace bc::cli {
QList<CommandSpec> toolCommands();
QList<CommandSpec> loadCommands();
QList<CommandSpec> loadgenCommands();
QList<CommandSpec> clusterCommands();
QList<CommandSpec> canaryCommands();
QList<CommandSpec> podsCommands();
QList<CommandSpec> deployCommands();
QList<CommandSpec> sandboxCommands();
QList<CommandSpec> ordersCommands();
QList<CommandSpec> workloadCommands();
QList<CommandSpec> cnpgCommands();
} // namespace bc::cli
