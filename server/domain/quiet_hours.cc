#include "server/domain/quiet_hours.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/domain/errors.h"

namespace wa::domain {

int ParseMinute(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') return -1;
  int hours = 0;
  int minutes = 0;
  if (!absl::SimpleAtoi(text.substr(0, 2), &hours) ||
      !absl::SimpleAtoi(text.substr(3, 2), &minutes)) {
    return -1;
  }
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return -1;
  return hours * 60 + minutes;
}

absl::StatusOr<std::optional<QuietHours>> ParseQuietHours(const std::string& start,
                                                          const std::string& end) {
  if (start.empty() && end.empty()) return std::optional<QuietHours>();
  int from = ParseMinute(start);
  int to = ParseMinute(end);
  if (from < 0 || to < 0) {
    return InvalidArgument(
        "quiet_hours.start and quiet_hours.end are 24-hour \"HH:MM\" times, both given "
        "(an empty object turns quiet hours off)",
        from < 0 ? "quiet_hours.start" : "quiet_hours.end");
  }
  if (from == to) {
    return InvalidArgument("quiet_hours.start and quiet_hours.end must differ", "quiet_hours");
  }
  return std::optional<QuietHours>(QuietHours{from, to});
}

absl::Time OutsideQuietHours(absl::Time t, const QuietHours& quiet, absl::TimeZone zone) {
  absl::CivilMinute local = absl::ToCivilMinute(t, zone);
  const int minute = local.hour() * 60 + local.minute();
  const bool spans_midnight = quiet.start_minute > quiet.end_minute;
  const bool quiet_now = spans_midnight ? minute >= quiet.start_minute || minute < quiet.end_minute
                                        : minute >= quiet.start_minute && minute < quiet.end_minute;
  if (!quiet_now) return t;
  absl::CivilDay day = absl::CivilDay(local);
  // Past midnight's side of the span, the end is tomorrow.
  if (spans_midnight && minute >= quiet.start_minute) day += 1;
  absl::CivilMinute end(day.year(), day.month(), day.day(), quiet.end_minute / 60,
                        quiet.end_minute % 60);
  // A skipped local time is the transition; a repeated one, its first instant.
  absl::Time at = absl::FromCivil(end, zone);
  // A daylight-saving change can put the local end before `t` (a repeated
  // hour); never answer a time earlier than asked.
  return at > t ? at : t;
}

}  // namespace wa::domain
