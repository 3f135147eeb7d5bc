#pragma once

namespace bc {
// Builds the object graph of the window (backend objects, panels), shows it and runs the event loop.
// Options: --environment NAME, --panel NAME (cluster, deploy, loadtest, pods, canary, orders). Qt's own
// options (-platform, -style, ...) are handled by Qt; unknown options are reported and ignored.
// SIGTERM and SIGINT close the window and quit cleanly (every runner stops its command on the way).
int runGui(int argc, char **argv);
} // namespace bc
