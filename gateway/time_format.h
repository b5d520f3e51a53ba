#ifndef WA_GATEWAY_TIME_FORMAT_H_
#define WA_GATEWAY_TIME_FORMAT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wa::gateway {

// google.protobuf.Timestamp / Duration in their JSON text forms, with the
// fraction printed only when non-zero, in 3, 6 or 9 digits as protobuf does.
struct SecondsNanos {
  int64_t seconds = 0;
  int32_t nanos = 0;
};

// RFC 3339 in UTC: "2024-01-15T10:00:00Z", "2024-01-15T10:00:00.250Z".
absl::StatusOr<std::string> FormatTimestamp(SecondsNanos t);
// Accepts any RFC 3339 offset ("Z", "+02:00") and a fraction of up to 9 digits.
absl::StatusOr<SecondsNanos> ParseTimestamp(absl::string_view text);

// "1.500s", "-3s".
absl::StatusOr<std::string> FormatDuration(SecondsNanos d);
absl::StatusOr<SecondsNanos> ParseDuration(absl::string_view text);

}  // namespace wa::gateway

#endif  // WA_GATEWAY_TIME_FORMAT_H_
