#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace wa::domain {

// A property's quiet hours: local times of day, in minutes after midnight,
// between which messages that respect them wait. start > end spans
// midnight (21:00 to 08:00).
struct QuietHours {
  int start_minute = 0;
  int end_minute = 0;
};

// Minutes after midnight of a local "HH:MM" (24-hour) time, or -1.
int ParseMinute(const std::string& text);

// The defaults for a property that never set its own.
inline constexpr char kDefaultQuietStart[] = "21:00";
inline constexpr char kDefaultQuietEnd[] = "08:00";

// "HH:MM" (24-hour) pairs; both empty: off (nullopt). One empty, a bad
// time, or start == end is refused (INVALID_ARGUMENT naming quiet_hours).
absl::StatusOr<std::optional<QuietHours>> ParseQuietHours(const std::string& start,
                                                          const std::string& end);

// The earliest time at or after `t` outside the quiet hours, in `zone`:
// `t` itself when it is outside, else the local end time on the right day.
// An end that a daylight-saving change skips (02:30 on the night clocks go
// forward) is the transition itself; one that occurs twice, the first.
absl::Time OutsideQuietHours(absl::Time t, const QuietHours& quiet, absl::TimeZone zone);

}  // namespace wa::domain
