// boutique-control: with no command it opens the window; with a command it runs headless.
#include "app/cli/chart_commands.h"
#include "app/cli/cli_dispatcher.h"
#include "app/gui_main.h"

#include <QCoreApplication>

int main(int argc, char **argv)
{
    if (bc::cli::wantsHeadless(argc, argv))
        return bc::cli::run(argc, argv, bc::cli::widgetCommands(), bc::cli::makeWidgetApplication);
    return bc::runGui(argc, argv);
}
