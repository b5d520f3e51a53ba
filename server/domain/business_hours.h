#pragma once

#include <array>
#include <map>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "hotel/whatsapp/v1/automation.pb.h"

namespace wa::domain {

// Local minutes after midnight, [open, close); close may be 1440 ("24:00").
struct OpenSpan {
  int open = 0;
  int close = 0;
};

// A department's business hours, read in the property's time zone: weekly
// spans per day (Monday first), and dates whose spans replace their week
// day's (none: closed all day). No weekly hours at all: always open.
struct BusinessHours {
  bool always_open = true;
  std::array<std::vector<OpenSpan>, 7> weekly;
  std::map<absl::CivilDay, std::vector<OpenSpan>> exceptions;
};

// Checks a department's hours (INVALID_ARGUMENT naming the field: a day
// that is not MONDAY..SUNDAY, a time that is not "HH:MM", close not after
// open, a date that is not YYYY-MM-DD).
absl::StatusOr<BusinessHours> ParseBusinessHours(const hotel::whatsapp::v1::Department& department);

// Whether the department is open at `t`. Local times are read as the wall
// clock shows them, so 07:00 is 07:00 on both sides of a daylight-saving
// change.
bool IsOpen(const BusinessHours& hours, absl::Time t, absl::TimeZone zone);

// When the closed period that holds `t` began: the latest closing at or
// before `t` within the last two weeks, else the Unix epoch (closed for
// longer, one period). Only meaningful when !IsOpen(hours, t, zone).
absl::Time ClosedSince(const BusinessHours& hours, absl::Time t, absl::TimeZone zone);

}  // namespace wa::domain
