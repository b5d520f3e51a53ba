#pragma once

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/quiet_hours.h"

namespace wa::domain {

// When a send asks to go, as the request gives it (README, "Scheduled sends").
struct TimingRequest {
  std::string send_at;      // RFC 3339, or ""
  std::string relative_to;  // "metadata.<key>", or "" (instead of send_at)
  std::string offset;       // with relative_to: "-48h", "30m", "1h30m"
  std::string valid_until;  // RFC 3339, or ""
  bool respect_quiet_hours = false;
};

// The same, checked.
struct Timing {
  std::optional<absl::Time> send_at;
  std::string relative_key;  // the metadata key ("checkin_at"); "" when absolute
  absl::Duration offset;
  std::optional<absl::Time> valid_until;
  bool respect_quiet_hours = false;
  bool Scheduled() const { return send_at.has_value() || !relative_key.empty(); }
};

// How far ahead a send may be scheduled: beyond it a time is surely a
// mistake (a year typed wrong), and a bound keeps the table from holding
// messages for ever.
inline constexpr absl::Duration kMaxScheduleAhead = absl::Hours(24 * 90);

// The property's clock, as a release time depends on it.
struct PropertyClock {
  absl::TimeZone zone;
  std::optional<QuietHours> quiet;  // nullopt: off
};

// Checks the request's form: RFC 3339 times, a relative_to of
// "metadata.<key>" with an offset, valid_until in the future and after an
// absolute send_at. INVALID_ARGUMENT naming the field otherwise.
absl::StatusOr<Timing> ParseTiming(const TimingRequest& request, absl::Time now);

// An RFC 3339 time, or INVALID_ARGUMENT naming `field`.
absl::StatusOr<absl::Time> ParseTime(const std::string& text, const std::string& field);

// When the message is to be released: send_at (or the metadata time plus
// the offset; INVALID_ARGUMENT when the conversation has no such time), not
// before `now`, not more than kMaxScheduleAhead ahead, moved past the quiet
// hours when `quiet` (the message respects them), and before valid_until
// (else INVALID_ARGUMENT: it could never go).
absl::StatusOr<absl::Time> PlanRelease(const Timing& timing,
                                       const std::map<std::string, std::string>& metadata,
                                       bool quiet, const PropertyClock& clock, absl::Time now);

// The failure_reason of a message that expired: "EXPIRED: ...".
std::string ExpiredReason(absl::Time valid_until);

// The time a relative send_at names in `metadata`, unchecked against now.
absl::StatusOr<absl::Time> RelativeTime(const std::string& key, absl::Duration offset,
                                        const std::map<std::string, std::string>& metadata);

}  // namespace wa::domain
