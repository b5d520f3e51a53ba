#pragma once

#include "absl/status/status.h"

namespace wa {

// Every flag of wa-server also reads from the environment: --data_dir from
// WA_DATA_DIR and so on. Call before absl::ParseCommandLine, so a flag on
// the command line still wins.
absl::Status ApplyEnvironmentToFlags();

}  // namespace wa
