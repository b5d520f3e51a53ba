#pragma once

namespace wa::testing {

// A loopback TCP port free at the time of the call (bound to port 0 and
// released): for servers that must be told their port before they start.
int FreeLoopbackPort();

}  // namespace wa::testing
