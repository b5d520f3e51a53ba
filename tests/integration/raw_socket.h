#pragma once

// Raw TCP on loopback, for tests that must send bytes no HTTP client would
// (a dripping request, a request cut off mid-body) or see exactly what the
// server writes before it closes.

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace wa::testing {

// A connected socket to 127.0.0.1:port, or -1.
int ConnectLoopback(int port);
// Writes all of `bytes`; false when the peer is gone.
bool SendAll(int fd, absl::string_view bytes);
// Everything the peer writes until it closes or `timeout` passes.
std::string ReadUntilClosed(int fd, absl::Duration timeout);

}  // namespace wa::testing
