#pragma once

#include <optional>
#include <string>

#include "absl/time/time.h"

namespace wa::domain {

// "2024-01-15T10:00:00Z": RFC 3339 in UTC, as the contract prints times.
inline std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

inline std::string Rfc3339(std::optional<absl::Time> t) { return t ? Rfc3339(*t) : ""; }

}  // namespace wa::domain
