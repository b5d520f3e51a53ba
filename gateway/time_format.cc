#include "gateway/time_format.h"

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace wa::gateway {
namespace {

// The range protobuf allows: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
constexpr int64_t kMinTimestampSeconds = -62135596800LL;
constexpr int64_t kMaxTimestampSeconds = 253402300799LL;
constexpr int64_t kMaxDurationSeconds = 315576000000LL;

std::string Fraction(int32_t nanos) {
  if (nanos == 0) return "";
  if (nanos % 1000000 == 0) return absl::StrFormat(".%03d", nanos / 1000000);
  if (nanos % 1000 == 0) return absl::StrFormat(".%06d", nanos / 1000);
  return absl::StrFormat(".%09d", nanos);
}

}  // namespace

absl::StatusOr<std::string> FormatTimestamp(SecondsNanos t) {
  if (t.seconds < kMinTimestampSeconds || t.seconds > kMaxTimestampSeconds || t.nanos < 0 ||
      t.nanos > 999999999) {
    return absl::OutOfRangeError("timestamp out of range");
  }
  return absl::StrCat(
      absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(t.seconds), absl::UTCTimeZone()),
      Fraction(t.nanos), "Z");
}

absl::StatusOr<SecondsNanos> ParseTimestamp(absl::string_view text) {
  absl::Time time;
  std::string error;
  // RFC 3339 allows a lower-case 't' and 'z'; absl expects upper case.
  std::string normalized = absl::AsciiStrToUpper(text);
  if (!absl::ParseTime(absl::RFC3339_full, normalized, &time, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected an RFC 3339 timestamp such as 2024-01-15T10:00:00Z"));
  }
  const int64_t seconds = absl::ToUnixSeconds(time);
  if (seconds < kMinTimestampSeconds || seconds > kMaxTimestampSeconds) {
    return absl::InvalidArgumentError("timestamp out of range");
  }
  const absl::Duration rest = time - absl::FromUnixSeconds(seconds);
  return SecondsNanos{seconds, static_cast<int32_t>(absl::ToInt64Nanoseconds(rest))};
}

absl::StatusOr<std::string> FormatDuration(SecondsNanos d) {
  if (d.seconds < -kMaxDurationSeconds || d.seconds > kMaxDurationSeconds || d.nanos < -999999999 ||
      d.nanos > 999999999 || (d.seconds > 0 && d.nanos < 0) || (d.seconds < 0 && d.nanos > 0)) {
    return absl::OutOfRangeError("duration out of range");
  }
  const bool negative = d.seconds < 0 || d.nanos < 0;
  return absl::StrCat(negative ? "-" : "", std::llabs(d.seconds), Fraction(std::abs(d.nanos)), "s");
}

absl::StatusOr<SecondsNanos> ParseDuration(absl::string_view text) {
  const absl::Status bad = absl::InvalidArgumentError("expected a duration such as \"1.5s\"");
  if (text.size() < 2 || text.back() != 's') return bad;
  text.remove_suffix(1);
  bool negative = false;
  if (text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  absl::string_view whole = text;
  absl::string_view frac;
  if (size_t dot = text.find('.'); dot != absl::string_view::npos) {
    whole = text.substr(0, dot);
    frac = text.substr(dot + 1);
  }
  int64_t seconds = 0;
  if (whole.empty() || !absl::SimpleAtoi(whole, &seconds) || whole.front() == '+' ||
      frac.size() > 9 || seconds > kMaxDurationSeconds) {
    return bad;
  }
  int32_t nanos = 0;
  for (size_t i = 0; i < 9; ++i) {
    char c = i < frac.size() ? frac[i] : '0';
    if (!absl::ascii_isdigit(c)) return bad;
    nanos = nanos * 10 + (c - '0');
  }
  return negative ? SecondsNanos{-seconds, -nanos} : SecondsNanos{seconds, nanos};
}

}  // namespace wa::gateway
