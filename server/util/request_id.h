#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace wa::util {

// The metadata key a request id travels in, both ways.
inline constexpr char kRequestIdKey[] = "x-request-id";

// A caller's id is kept when it is 1-128 printable ASCII characters.
bool IsValidRequestId(absl::string_view id);
// A new id: 32 random hex digits.
std::string NewRequestId();

}  // namespace wa::util
