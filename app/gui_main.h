#pragma once

namespace bc {
// Builds the object graph of the window (backend objects, panels), shows it and runs the event loop.
int runGui(int argc, char **argv);
} // namespace bc
