#pragma once

#include "app/cli/cli_dispatcher.h"
#include "backend/load/load_history.h"
#include "backend/load/load_run_settings.h"

#include <functional>

namespace bc::cli {

// `load run --on gce`: the run through the GCE generator's master (ssh tunnel through the bastion),
// its results copied into `runDir`. The generator must be up (`loadgen up`).
void runLoadOnGce(CliCall &call, LoadRunSettings settings, const QString &runDir, const QString &workDir,
    std::function<void(const LoadSample &)> printSample);

} // namespace bc::cli
