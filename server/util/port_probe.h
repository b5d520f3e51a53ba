#pragma once

#include <string>

#include "absl/status/status.h"

namespace wa::util {

// Fails if `host:port` cannot be bound right now (in use, or not an address
// of this machine), so wa-server can say so in one line before gRPC logs
// its own multi-line report. Port 0 always passes.
absl::Status ProbeListen(const std::string& host, int port);

}  // namespace wa::util
