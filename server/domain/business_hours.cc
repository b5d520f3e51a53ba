#include "server/domain/business_hours.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/domain/errors.h"
#include "server/domain/quiet_hours.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

constexpr int kMinutesPerDay = 24 * 60;
constexpr const char* kDays[] = {"MONDAY", "TUESDAY",  "WEDNESDAY", "THURSDAY",
                                 "FRIDAY", "SATURDAY", "SUNDAY"};

// Monday 0 ... Sunday 6, or -1.
int DayIndex(const std::string& name) {
  const std::string upper = absl::AsciiStrToUpper(name);
  for (int i = 0; i < 7; ++i) {
    if (upper == kDays[i]) return i;
  }
  return -1;
}

int WeekdayIndex(absl::CivilDay day) {
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::monday:
      return 0;
    case absl::Weekday::tuesday:
      return 1;
    case absl::Weekday::wednesday:
      return 2;
    case absl::Weekday::thursday:
      return 3;
    case absl::Weekday::friday:
      return 4;
    case absl::Weekday::saturday:
      return 5;
    case absl::Weekday::sunday:
      return 6;
  }
  return 0;
}

absl::StatusOr<OpenSpan> ParseSpan(const std::string& open, const std::string& close,
                                   const std::string& field) {
  const int from = ParseMinute(open);
  const int to = close == "24:00" ? kMinutesPerDay : ParseMinute(close);
  if (from < 0 || to < 0 || to <= from) {
    return InvalidArgument(
        absl::StrCat(field,
                     ": open and close are 24-hour \"HH:MM\" times (close may be \"24:00\"), "
                     "close after open"),
        field);
  }
  return OpenSpan{from, to};
}

const std::vector<OpenSpan>& SpansOf(const BusinessHours& hours, absl::CivilDay day) {
  auto exception = hours.exceptions.find(day);
  if (exception != hours.exceptions.end()) return exception->second;
  static const auto* all_day = new std::vector<OpenSpan>{{0, kMinutesPerDay}};
  return hours.always_open ? *all_day : hours.weekly[WeekdayIndex(day)];
}

}  // namespace

absl::StatusOr<BusinessHours> ParseBusinessHours(const v1::Department& department) {
  BusinessHours hours;
  hours.always_open = department.hours().empty();
  for (int i = 0; i < department.hours_size(); ++i) {
    const v1::DayHours& h = department.hours(i);
    const std::string field = absl::StrCat("hours[", i, "]");
    const int day = DayIndex(h.day());
    if (day < 0) return InvalidArgument(absl::StrCat(field, ".day is MONDAY ... SUNDAY"), field);
    absl::StatusOr<OpenSpan> span = ParseSpan(h.open(), h.close(), field);
    if (!span.ok()) return span.status();
    hours.weekly[day].push_back(*span);
  }
  for (int i = 0; i < department.exceptions_size(); ++i) {
    const v1::HoursException& e = department.exceptions(i);
    const std::string field = absl::StrCat("exceptions[", i, "]");
    absl::CivilDay date;
    if (!absl::ParseCivilTime(e.date(), &date)) {
      return InvalidArgument(absl::StrCat(field, ".date is a YYYY-MM-DD date"), field);
    }
    std::vector<OpenSpan>& spans = hours.exceptions[date];
    if (e.closed()) continue;
    absl::StatusOr<OpenSpan> span = ParseSpan(e.open(), e.close(), field);
    if (!span.ok()) return span.status();
    spans.push_back(*span);
  }
  return hours;
}

bool IsOpen(const BusinessHours& hours, absl::Time t, absl::TimeZone zone) {
  const absl::CivilMinute local = absl::ToCivilMinute(t, zone);
  const absl::CivilDay day(local);
  const int minute = local.hour() * 60 + local.minute();
  const std::vector<OpenSpan>& spans = SpansOf(hours, day);
  return std::any_of(spans.begin(), spans.end(),
                     [minute](const OpenSpan& s) { return s.open <= minute && minute < s.close; });
}

absl::Time ClosedSince(const BusinessHours& hours, absl::Time t, absl::TimeZone zone) {
  const absl::CivilDay today(absl::ToCivilMinute(t, zone));
  for (int back = 0; back <= 14; ++back) {
    const absl::CivilDay day = today - back;
    absl::Time latest = absl::InfinitePast();
    for (const OpenSpan& s : SpansOf(hours, day)) {
      // The local closing, as the wall clock shows it (a skipped time is
      // the transition).
      absl::Time close = absl::FromCivil(absl::CivilMinute(day) + s.close, zone);
      if (close <= t) latest = std::max(latest, close);
    }
    if (latest != absl::InfinitePast()) return latest;
  }
  return absl::UnixEpoch();
}

}  // namespace wa::domain
