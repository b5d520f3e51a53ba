#include "server/domain/local_rate_limiter.h"

#include "gtest/gtest.h"

namespace wa::domain {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1767254400);

TEST(LocalRateLimiter, AllowsTheBurstThenTheRate) {
  LocalRateLimiter limiter(/*rate_per_second=*/10, /*burst=*/3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(*limiter.TryTake("sender", kT0), absl::ZeroDuration());
  absl::Duration wait = *limiter.TryTake("sender", kT0);
  EXPECT_EQ(wait, absl::Milliseconds(100));
  EXPECT_EQ(*limiter.TryTake("sender", kT0 + absl::Milliseconds(100)), absl::ZeroDuration());
  EXPECT_GT(*limiter.TryTake("sender", kT0 + absl::Milliseconds(100)), absl::ZeroDuration());
}

TEST(LocalRateLimiter, KeysAreIndependent) {
  LocalRateLimiter limiter(1.0 / 6, 1);
  EXPECT_EQ(*limiter.TryTake("p/+1", kT0), absl::ZeroDuration());
  EXPECT_NEAR(absl::ToDoubleSeconds(*limiter.TryTake("p/+1", kT0)), 6.0, 1e-6);
  EXPECT_EQ(*limiter.TryTake("p/+2", kT0), absl::ZeroDuration());
}

TEST(LocalRateLimiter, RefillsNoHigherThanTheBurst) {
  LocalRateLimiter limiter(10, 2);
  EXPECT_EQ(*limiter.TryTake("k", kT0), absl::ZeroDuration());
  absl::Time later = kT0 + absl::Hours(1);
  EXPECT_EQ(*limiter.TryTake("k", later), absl::ZeroDuration());
  EXPECT_EQ(*limiter.TryTake("k", later), absl::ZeroDuration());
  EXPECT_GT(*limiter.TryTake("k", later), absl::ZeroDuration());
}

TEST(LocalRateLimiter, ForgettingFullBucketsKeepsLimits) {
  LocalRateLimiter limiter(1, 1);
  for (int i = 0; i < 20000; ++i) (void)limiter.TryTake("guest" + std::to_string(i), kT0);
  // Empty buckets are kept through the pruning: still limited.
  EXPECT_GT(*limiter.TryTake("guest1", kT0 + absl::Milliseconds(10)), absl::ZeroDuration());
}

TEST(LocalRateLimiter, ZeroRateMeansUnlimited) {
  LocalRateLimiter limiter(0, 1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(*limiter.TryTake("k", kT0), absl::ZeroDuration());
}

}  // namespace
}  // namespace wa::domain
