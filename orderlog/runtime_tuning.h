#pragma once

namespace bc::orderlog {

// Process-wide settings for orderlog-server and orderlog-cli, called first thing in main().
// Debian's abseil is built with Mutex deadlock detection on, which makes every absl::Mutex
// operation inside gRPC maintain a lock graph (measured: ~6% of the server's CPU under load).
void tuneRuntime();

} // namespace bc::orderlog
