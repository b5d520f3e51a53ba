#include "server/domain/window_policy.h"

#include "gtest/gtest.h"

namespace wa::domain {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1767254400);

TEST(WindowPolicy, NoInboundMessageMeansNoWindow) {
  WindowState state = EvaluateWindow(std::nullopt, kNow);
  EXPECT_FALSE(state.within_window);
  EXPECT_FALSE(state.expires_at.has_value());
  EXPECT_EQ(state.hours_remaining, 0);
}

TEST(WindowPolicy, OpenFor24HoursFromTheGuestsLastMessage) {
  WindowState state = EvaluateWindow(kNow - absl::Hours(6), kNow);
  EXPECT_TRUE(state.within_window);
  EXPECT_EQ(*state.expires_at, kNow + absl::Hours(18));
  EXPECT_DOUBLE_EQ(state.hours_remaining, 18.0);
}

TEST(WindowPolicy, ClosedAtExactlyTwentyFourHours) {
  EXPECT_TRUE(EvaluateWindow(kNow - absl::Hours(24) + absl::Seconds(1), kNow).within_window);
  WindowState state = EvaluateWindow(kNow - absl::Hours(24), kNow);
  EXPECT_FALSE(state.within_window);
  EXPECT_EQ(state.hours_remaining, 0);
  EXPECT_FALSE(EvaluateWindow(kNow - absl::Hours(30), kNow).within_window);
}

}  // namespace
}  // namespace wa::domain
