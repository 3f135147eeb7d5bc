#pragma once

#include "app/cli/cli_dispatcher.h"

namespace bc::cli {

// Commands of the GUI executable that draw with widgets, headless (offscreen): `charts`.
QList<CommandSpec> widgetCommands();
std::unique_ptr<QCoreApplication> makeWidgetApplication(int &argc, char **argv);

} // namespace bc::cli
