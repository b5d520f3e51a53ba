#pragma once

// A request's id, as the contract carries it: the REST gateway and the gRPC
// server keep a caller's id or make one by the same rule, so a line logged on
// either side names the same request.

#include <string>

#include "absl/strings/string_view.h"

namespace wa {

// The HTTP header a request id travels in, both ways.
inline constexpr char kRequestIdHeader[] = "X-Request-Id";
// The gRPC metadata key it travels in, both ways.
inline constexpr char kRequestIdKey[] = "x-request-id";

// A caller's id is kept when it is 1-128 printable ASCII characters.
bool IsValidRequestId(absl::string_view id);
// A new id: 32 random hex digits.
std::string NewRequestId();

}  // namespace wa
