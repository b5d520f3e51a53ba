#include "gateway/time_format.h"

#include <gtest/gtest.h>

namespace wa::gateway {
namespace {

TEST(TimeFormatTest, TimestampFractionOnlyWhenNonZero) {
  EXPECT_EQ(*FormatTimestamp({1705312800, 0}), "2024-01-15T10:00:00Z");
  EXPECT_EQ(*FormatTimestamp({1705312800, 500000000}), "2024-01-15T10:00:00.500Z");
  EXPECT_EQ(*FormatTimestamp({1705312800, 1000}), "2024-01-15T10:00:00.000001Z");
  EXPECT_EQ(*FormatTimestamp({1705312800, 1}), "2024-01-15T10:00:00.000000001Z");
  EXPECT_EQ(*FormatTimestamp({0, 0}), "1970-01-01T00:00:00Z");
  EXPECT_FALSE(FormatTimestamp({253402300800, 0}).ok());
  EXPECT_FALSE(FormatTimestamp({0, -1}).ok());
}

TEST(TimeFormatTest, ParsesOffsetsAndFractions) {
  absl::StatusOr<SecondsNanos> t = ParseTimestamp("2024-01-15T12:30:00.25+02:30");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->seconds, 1705312800);
  EXPECT_EQ(t->nanos, 250000000);
  EXPECT_EQ(ParseTimestamp("2024-01-15t10:00:00z")->seconds, 1705312800);
  EXPECT_FALSE(ParseTimestamp("2024-01-15").ok());
  EXPECT_FALSE(ParseTimestamp("2024-01-15 10:00:00Z").ok());
  EXPECT_FALSE(ParseTimestamp("").ok());
}

TEST(TimeFormatTest, Durations) {
  EXPECT_EQ(*FormatDuration({1, 500000000}), "1.500s");
  EXPECT_EQ(*FormatDuration({-3, 0}), "-3s");
  EXPECT_EQ(*FormatDuration({0, -1000}), "-0.000001s");
  absl::StatusOr<SecondsNanos> d = ParseDuration("-1.5s");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->seconds, -1);
  EXPECT_EQ(d->nanos, -500000000);
  EXPECT_FALSE(ParseDuration("1.5").ok());
  EXPECT_FALSE(ParseDuration("s").ok());
  EXPECT_FALSE(ParseDuration("1.x s").ok());
}

}  // namespace
}  // namespace wa::gateway
