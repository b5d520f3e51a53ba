#include "server/domain/send_timing.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/domain/errors.h"
#include "server/domain/rfc3339.h"

namespace wa::domain {
namespace {

constexpr char kMetadataPrefix[] = "metadata.";
constexpr absl::Duration kMaxOffset = absl::Hours(24 * 365);

absl::Status CheckRelative(const TimingRequest& request, Timing& timing) {
  if (!request.send_at.empty()) {
    return InvalidArgument("send_at is a time or {relative_to, offset}, not both", "send_at");
  }
  const std::string& to = request.relative_to;
  std::string key = to.substr(std::min(to.size(), sizeof(kMetadataPrefix) - 1));
  if (!absl::StartsWith(to, kMetadataPrefix) || key.empty() || key.size() > 64) {
    return InvalidArgument(
        "send_at.relative_to names a conversation metadata time: \"metadata.<key>\"",
        "send_at.relative_to");
  }
  absl::Duration offset;
  if (request.offset.empty()) {
    offset = absl::ZeroDuration();
  } else if (!absl::ParseDuration(request.offset, &offset) || offset == absl::InfiniteDuration() ||
             offset == -absl::InfiniteDuration() || absl::AbsDuration(offset) > kMaxOffset) {
    return InvalidArgument(
        "send_at.offset is a duration such as \"-48h\" or \"1h30m\", at most a year",
        "send_at.offset");
  }
  timing.relative_key = key;
  timing.offset = offset;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<absl::Time> ParseTime(const std::string& text, const std::string& field) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error) || t == absl::InfiniteFuture() ||
      t == absl::InfinitePast()) {
    return InvalidArgument(
        absl::StrCat(field, " is an RFC 3339 time such as \"2026-12-09T14:00:00Z\""), field);
  }
  return t;
}

absl::StatusOr<Timing> ParseTiming(const TimingRequest& request, absl::Time now) {
  Timing timing;
  timing.respect_quiet_hours = request.respect_quiet_hours;
  if (!request.relative_to.empty() || !request.offset.empty()) {
    if (absl::Status s = CheckRelative(request, timing); !s.ok()) return s;
  } else if (!request.send_at.empty()) {
    absl::StatusOr<absl::Time> at = ParseTime(request.send_at, "send_at");
    if (!at.ok()) return at.status();
    if (*at > now + kMaxScheduleAhead) {
      return InvalidArgument("send_at is at most 90 days ahead", "send_at");
    }
    timing.send_at = *at;
  }
  if (!request.valid_until.empty()) {
    absl::StatusOr<absl::Time> until = ParseTime(request.valid_until, "valid_until");
    if (!until.ok()) return until.status();
    if (*until <= now) return InvalidArgument("valid_until is already past", "valid_until");
    if (timing.send_at && *until <= *timing.send_at) {
      return InvalidArgument("valid_until must be after send_at", "valid_until");
    }
    timing.valid_until = *until;
  }
  return timing;
}

std::string ExpiredReason(absl::Time valid_until) {
  return absl::StrCat("EXPIRED: not handed to WhatsApp before valid_until ", Rfc3339(valid_until));
}

absl::StatusOr<absl::Time> RelativeTime(const std::string& key, absl::Duration offset,
                                        const std::map<std::string, std::string>& metadata) {
  auto it = metadata.find(key);
  const std::string field = absl::StrCat(kMetadataPrefix, key);
  if (it == metadata.end()) {
    return InvalidArgument(absl::StrCat("the conversation has no ", field, " to schedule from"),
                           "send_at.relative_to");
  }
  absl::StatusOr<absl::Time> base = ParseTime(it->second, field);
  if (!base.ok()) return base.status();
  return *base + offset;
}

absl::StatusOr<absl::Time> PlanRelease(const Timing& timing,
                                       const std::map<std::string, std::string>& metadata,
                                       bool quiet, const PropertyClock& clock, absl::Time now) {
  absl::Time at = now;
  if (timing.send_at) {
    at = *timing.send_at;
  } else if (!timing.relative_key.empty()) {
    absl::StatusOr<absl::Time> relative =
        RelativeTime(timing.relative_key, timing.offset, metadata);
    if (!relative.ok()) return relative.status();
    at = *relative;
  }
  at = std::max(at, now);  // a time past means now
  if (at > now + kMaxScheduleAhead) {
    return InvalidArgument("send_at is at most 90 days ahead", "send_at");
  }
  if (quiet && clock.quiet) at = OutsideQuietHours(at, *clock.quiet, clock.zone);
  if (timing.valid_until && *timing.valid_until <= at) {
    return InvalidArgument(
        absl::StrCat("valid_until is before the message could be released (", Rfc3339(at), ")"),
        "valid_until");
  }
  return at;
}

}  // namespace wa::domain
