#include "orderlog/runtime_tuning.h"

#include <absl/synchronization/mutex.h>

namespace bc::orderlog {

void tuneRuntime()
{
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

} // namespace bc::orderlog
