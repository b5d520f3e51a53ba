#include "server/domain/quiet_hours.h"

#include "gtest/gtest.h"
#include "server/domain/send_timing.h"

namespace wa::domain {
namespace {

absl::Time At(const char* rfc3339) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &error)) << error;
  return t;
}

QuietHours Quiet(const char* start, const char* end) {
  absl::StatusOr<std::optional<QuietHours>> q = ParseQuietHours(start, end);
  EXPECT_TRUE(q.ok() && q->has_value()) << q.status();
  return **q;
}

absl::TimeZone Zone(const char* name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << name << ": is tzdata installed?";
  return zone;
}

TEST(QuietHours, AcrossMidnightWaitsForTheMorning) {
  QuietHours night = Quiet("21:00", "08:00");
  absl::TimeZone utc = absl::UTCTimeZone();
  // Evening: tomorrow's 08:00. After midnight: today's.
  EXPECT_EQ(OutsideQuietHours(At("2026-12-09T23:30:00Z"), night, utc), At("2026-12-10T08:00:00Z"));
  EXPECT_EQ(OutsideQuietHours(At("2026-12-10T03:00:00Z"), night, utc), At("2026-12-10T08:00:00Z"));
  EXPECT_EQ(OutsideQuietHours(At("2026-12-09T21:00:00Z"), night, utc), At("2026-12-10T08:00:00Z"));
  // The edges: 08:00 is awake, 20:59 too.
  EXPECT_EQ(OutsideQuietHours(At("2026-12-10T08:00:00Z"), night, utc), At("2026-12-10T08:00:00Z"));
  EXPECT_EQ(OutsideQuietHours(At("2026-12-10T20:59:00Z"), night, utc), At("2026-12-10T20:59:00Z"));
}

TEST(QuietHours, WithinOneDay) {
  QuietHours siesta = Quiet("13:00", "15:30");
  absl::TimeZone utc = absl::UTCTimeZone();
  EXPECT_EQ(OutsideQuietHours(At("2026-12-10T14:00:00Z"), siesta, utc), At("2026-12-10T15:30:00Z"));
  EXPECT_EQ(OutsideQuietHours(At("2026-12-10T23:00:00Z"), siesta, utc), At("2026-12-10T23:00:00Z"));
}

TEST(QuietHours, InThePropertysTimeZone) {
  QuietHours night = Quiet("21:00", "08:00");
  // 22:00 in New York (EST, UTC-5) is quiet; the end is 08:00 local = 13:00Z.
  EXPECT_EQ(OutsideQuietHours(At("2026-12-10T03:00:00Z"), night, Zone("America/New_York")),
            At("2026-12-10T13:00:00Z"));
  // 10:00Z is 11:00 in Paris: not quiet, though 21:00-08:00 UTC would say so at 05:00Z.
  EXPECT_EQ(OutsideQuietHours(At("2026-12-10T10:00:00Z"), night, Zone("Europe/Paris")),
            At("2026-12-10T10:00:00Z"));
}

TEST(QuietHours, AcrossDaylightSavingChanges) {
  QuietHours night = Quiet("21:00", "08:00");
  absl::TimeZone paris = Zone("Europe/Paris");
  // Spring forward on 2026-03-29: 22:00 CET the night before (21:00Z) waits
  // for 08:00 CEST, which is 06:00Z, not 07:00Z.
  EXPECT_EQ(OutsideQuietHours(At("2026-03-28T21:00:00Z"), night, paris),
            At("2026-03-29T06:00:00Z"));
  // Fall back on 2026-10-25: 22:00 CEST (20:00Z) waits for 08:00 CET = 07:00Z.
  EXPECT_EQ(OutsideQuietHours(At("2026-10-24T20:00:00Z"), night, paris),
            At("2026-10-25T07:00:00Z"));
  // An end the change skips (02:30 on 2026-03-29 does not exist in Paris)
  // is the change itself: 02:00 CET = 01:00Z.
  QuietHours early = Quiet("22:00", "02:30");
  EXPECT_EQ(OutsideQuietHours(At("2026-03-29T00:30:00Z"), early, paris),
            At("2026-03-29T01:00:00Z"));
}

TEST(QuietHours, ParsingRefusesBadTimes) {
  EXPECT_FALSE(ParseQuietHours("", "")->has_value());  // off
  EXPECT_FALSE(ParseQuietHours("21:00", "").ok());
  EXPECT_FALSE(ParseQuietHours("25:00", "08:00").ok());
  EXPECT_FALSE(ParseQuietHours("9:00", "08:00").ok());
  EXPECT_FALSE(ParseQuietHours("08:00", "08:00").ok());
  EXPECT_FALSE(ParseQuietHours("21:60", "08:00").ok());
  EXPECT_EQ(Quiet("21:30", "07:05").start_minute, 21 * 60 + 30);
}

TEST(SendTiming, ParsesAndBoundsTheRequest) {
  const absl::Time now = At("2026-12-07T10:00:00Z");
  absl::StatusOr<Timing> t = ParseTiming({"2026-12-09T14:00:00Z", "", "", "", false}, now);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t->send_at, At("2026-12-09T14:00:00Z"));
  EXPECT_FALSE(ParseTiming({"tomorrow", "", "", "", false}, now).ok());
  EXPECT_FALSE(ParseTiming({"2027-06-01T00:00:00Z", "", "", "", false}, now).ok());  // > 90 days
  EXPECT_FALSE(
      ParseTiming({"2026-12-09T14:00:00Z", "", "", "2026-12-09T13:00:00Z", false}, now).ok());
  EXPECT_FALSE(ParseTiming({"", "", "", "2026-12-07T09:00:00Z", false}, now).ok());  // past
  EXPECT_FALSE(ParseTiming({"", "checkin_at", "-48h", "", false}, now).ok());  // no "metadata."
  EXPECT_FALSE(ParseTiming({"", "metadata.checkin_at", "two days", "", false}, now).ok());
  t = ParseTiming({"", "metadata.checkin_at", "-48h", "", false}, now);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->relative_key, "checkin_at");
  EXPECT_EQ(t->offset, absl::Hours(-48));
}

TEST(SendTiming, PlansTheReleaseFromMetadataAndQuietHours) {
  const absl::Time now = At("2026-12-07T10:00:00Z");
  PropertyClock clock{absl::UTCTimeZone(), Quiet("21:00", "08:00")};
  Timing relative = *ParseTiming({"", "metadata.checkin_at", "-48h", "", false}, now);
  std::map<std::string, std::string> metadata = {{"checkin_at", "2026-12-11T15:00:00Z"}};
  EXPECT_EQ(*PlanRelease(relative, metadata, false, clock, now), At("2026-12-09T15:00:00Z"));
  // Missing or not a time: refused.
  EXPECT_FALSE(PlanRelease(relative, {}, false, clock, now).ok());
  EXPECT_FALSE(PlanRelease(relative, {{"checkin_at", "soon"}}, false, clock, now).ok());
  // A check-in at 23:00 puts -48h in the quiet hours: moved to 08:00.
  metadata["checkin_at"] = "2026-12-11T23:00:00Z";
  EXPECT_EQ(*PlanRelease(relative, metadata, true, clock, now), At("2026-12-10T08:00:00Z"));
  // A time past means now.
  metadata["checkin_at"] = "2026-12-08T09:00:00Z";
  EXPECT_EQ(*PlanRelease(relative, metadata, false, clock, now), now);
  // valid_until before the release time could come: refused.
  Timing late = *ParseTiming({"2026-12-07T22:00:00Z", "", "", "2026-12-08T07:00:00Z", false}, now);
  EXPECT_FALSE(PlanRelease(late, {}, true, clock, now).ok());
  EXPECT_TRUE(PlanRelease(late, {}, false, clock, now).ok());
}

}  // namespace
}  // namespace wa::domain
