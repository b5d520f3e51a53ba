#include "server/workers/poller.h"

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace wa::workers {
namespace {

// A poller whose tick asks to sleep an hour: only wake-ups run it again.
class PollerTest : public ::testing::Test {
 protected:
  void SetUp() override { poller_.Start(); }
  void TearDown() override { poller_.Stop(); }

  // Waits up to `timeout` for the tick count to reach `n`.
  bool TicksReach(int n, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto reached = [this, n]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return ticks_ >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }
  int ticks() {
    absl::MutexLock lock(&mu_);
    return ticks_;
  }

  absl::Mutex mu_;
  int ticks_ ABSL_GUARDED_BY(mu_) = 0;
  Poller poller_{[this] {
    absl::MutexLock lock(&mu_);
    ++ticks_;
    return absl::Hours(1);
  }};
};

TEST_F(PollerTest, WakeByRunsATickOnlyForWorkDueBeforeThePlannedOne) {
  ASSERT_TRUE(TicksReach(1, absl::Seconds(10)));
  // Due after the planned tick (an hour away): it stays asleep.
  poller_.WakeBy(absl::Now() + absl::Hours(2));
  EXPECT_FALSE(TicksReach(2, absl::Milliseconds(200)));
  EXPECT_EQ(ticks(), 1);
  // Due sooner: it ticks at once.
  poller_.WakeBy(absl::Now() + absl::Minutes(1));
  EXPECT_TRUE(TicksReach(2, absl::Seconds(10)));
  poller_.Wake();
  EXPECT_TRUE(TicksReach(3, absl::Seconds(10)));
}

}  // namespace
}  // namespace wa::workers
