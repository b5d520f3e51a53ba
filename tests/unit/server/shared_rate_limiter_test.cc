// The rate limits every instance on one database shares, on SQLite here
// and on PostgreSQL in server_unit_tests_on_postgres. Two limiter objects
// (on two Database objects where it matters) stand for two instances.
#include "server/domain/shared_rate_limiter.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "server/storage/rate_limit_repository.h"
#include "tests/unit/server/test_db.h"

namespace wa::domain {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1767254400);

class SharedRateLimiterTest : public ::testing::Test {
 protected:
  int64_t Keys(storage::Database& db) {
    return storage::ReadValue(db, [&] { return storage::RateLimitRepository(db).Count(); })
        .value_or(-1);
  }
  absl::Duration Take(RateLimiter& limiter, const std::string& key, absl::Time now) {
    absl::StatusOr<absl::Duration> wait = limiter.TryTake(key, now);
    EXPECT_TRUE(wait.ok()) << wait.status();
    return wait.value_or(absl::InfiniteDuration());
  }

  testing::TestDb t_;
};

TEST_F(SharedRateLimiterTest, AllowsTheBurstThenTheRateAndSaysHowLongToWait) {
  SharedRateLimiter limiter(t_.db(), "sender", /*rate_per_second=*/10, /*burst=*/3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Take(limiter, "p1", kT0), absl::ZeroDuration()) << i;
  EXPECT_EQ(Take(limiter, "p1", kT0), absl::Milliseconds(100));
  EXPECT_EQ(Take(limiter, "p1", kT0 + absl::Milliseconds(40)), absl::Milliseconds(60));
  EXPECT_EQ(Take(limiter, "p1", kT0 + absl::Milliseconds(100)), absl::ZeroDuration());
  EXPECT_EQ(Take(limiter, "p1", kT0 + absl::Milliseconds(100)), absl::Milliseconds(100));
}

TEST_F(SharedRateLimiterTest, TheWaitOfASlowRateIsExact) {
  SharedRateLimiter pair(t_.db(), "pair", 1.0 / 6, 1);
  EXPECT_EQ(Take(pair, "p1/+1", kT0), absl::ZeroDuration());
  EXPECT_EQ(Take(pair, "p1/+1", kT0), absl::Seconds(6));
  EXPECT_EQ(Take(pair, "p1/+1", kT0 + absl::Seconds(2)), absl::Seconds(4));
  EXPECT_EQ(Take(pair, "p1/+2", kT0), absl::ZeroDuration()) << "keys are independent";
  EXPECT_EQ(Take(pair, "p1/+1", kT0 + absl::Seconds(6)), absl::ZeroDuration());
}

TEST_F(SharedRateLimiterTest, ADeniedTakeChangesNothing) {
  SharedRateLimiter limiter(t_.db(), "token", 10, 1);
  EXPECT_EQ(Take(limiter, "t1", kT0), absl::ZeroDuration());
  // Callers that keep asking do not push their next token further away.
  for (int ms = 0; ms < 100; ms += 5) {
    EXPECT_EQ(Take(limiter, "t1", kT0 + absl::Milliseconds(ms)), absl::Milliseconds(100 - ms));
  }
  EXPECT_EQ(Keys(t_.db()), 1);
  EXPECT_EQ(Take(limiter, "t1", kT0 + absl::Milliseconds(100)), absl::ZeroDuration());
}

TEST_F(SharedRateLimiterTest, TwoInstancesTogetherNeverExceedRateTimesTimePlusBurst) {
  std::unique_ptr<storage::Database> other = t_.OpenAnother();
  ASSERT_NE(other, nullptr);
  const double rate = 20, burst = 5;
  SharedRateLimiter a(t_.db(), "sender", rate, burst);
  SharedRateLimiter b(*other, "sender", rate, burst);
  int taken = 0;
  for (int ms = 0; ms <= 1000; ms += 10) {
    absl::Time now = kT0 + absl::Milliseconds(ms);
    // Each instance asks three times per step, taking turns.
    for (int i = 0; i < 6; ++i) {
      if (Take(i % 2 == 0 ? a : b, "p1", now) == absl::ZeroDuration()) ++taken;
    }
    ASSERT_LE(taken, rate * ms / 1000 + burst) << "at " << ms << " ms";
  }
  // And the limit does not starve them: exactly the burst, then the rate.
  EXPECT_EQ(taken, 25);
}

TEST_F(SharedRateLimiterTest, ConcurrentTakesFromTwoInstancesAllowExactlyTheBurst) {
  std::unique_ptr<storage::Database> other = t_.OpenAnother();
  ASSERT_NE(other, nullptr);
  SharedRateLimiter a(t_.db(), "sender", 1, 10);
  SharedRateLimiter b(*other, "sender", 1, 10);
  std::atomic<int> taken{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < 15; ++n) {
        // One instant: only the burst may go, however the takes interleave.
        absl::StatusOr<absl::Duration> wait = (i % 2 ? a : b).TryTake("p1", kT0);
        if (!wait.ok()) {
          ++failed;
        } else if (*wait == absl::ZeroDuration()) {
          ++taken;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(taken.load(), 10);
}

TEST_F(SharedRateLimiterTest, TakesInsideATransactionCommitAtOnceOnPostgres) {
  if (!testing::TestDb::OnPostgres()) {
    GTEST_SKIP() << "SQLite serves one instance: its takes commit with the transaction";
  }
  std::unique_ptr<storage::Database> other = t_.OpenAnother();
  ASSERT_NE(other, nullptr);
  SharedRateLimiter a(t_.db(), "sender", 1, 1);
  SharedRateLimiter b(*other, "sender", 1, 1);
  absl::Status status = t_.db().Transaction([&]() -> absl::Status {
    EXPECT_EQ(Take(a, "p1", kT0), absl::ZeroDuration());
    // The other instance sees the token gone while the transaction is open,
    // without waiting for it (a row lock held to the commit would block).
    EXPECT_EQ(Take(b, "p1", kT0), absl::Seconds(1));
    return absl::AbortedError("roll back");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Take(b, "p1", kT0), absl::Seconds(1)) << "a rolled-back claim keeps its token spent";
}

TEST_F(SharedRateLimiterTest, WorksInsideATransactionOnEitherEngine) {
  SharedRateLimiter limiter(t_.db(), "sender", 1, 2);
  absl::Status status = t_.db().Transaction([&]() -> absl::Status {
    EXPECT_EQ(Take(limiter, "p1", kT0), absl::ZeroDuration());
    EXPECT_EQ(Take(limiter, "p1", kT0), absl::ZeroDuration());
    EXPECT_EQ(Take(limiter, "p1", kT0), absl::Seconds(1));
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(Take(limiter, "p1", kT0), absl::Seconds(1));
}

TEST_F(SharedRateLimiterTest, ScopesKeepLimitersApart) {
  SharedRateLimiter sender(t_.db(), "sender", 1, 1);
  SharedRateLimiter token(t_.db(), "token", 1, 1);
  EXPECT_EQ(Take(sender, "x", kT0), absl::ZeroDuration());
  EXPECT_EQ(Take(token, "x", kT0), absl::ZeroDuration());
  EXPECT_GT(Take(sender, "x", kT0), absl::ZeroDuration());
}

TEST_F(SharedRateLimiterTest, FullKeysArePrunedAndLimitsHoldThrough) {
  SharedRateLimiter pair(t_.db(), "pair", 1, 1);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(Take(pair, "p1/+" + std::to_string(i), kT0), absl::ZeroDuration());
  }
  EXPECT_EQ(Keys(t_.db()), 50);
  // Minutes later every bucket is full again: the next take forgets them,
  // and keeps its own.
  absl::Time later = kT0 + absl::Minutes(3);
  EXPECT_EQ(Take(pair, "p1/+0", later), absl::ZeroDuration());
  EXPECT_EQ(Keys(t_.db()), 1);
  EXPECT_EQ(Take(pair, "p1/+0", later), absl::Seconds(1));
  // Within the minute no prune runs again, and a key still counting stays.
  EXPECT_EQ(Take(pair, "p1/+1", later + absl::Seconds(30)), absl::ZeroDuration());
  EXPECT_EQ(Keys(t_.db()), 2);
}

TEST_F(SharedRateLimiterTest, AFastLimitLeasesTokensAndStillNeverExceedsItself) {
  // 10,000/s: the 20 ms lease window refills 200 tokens; leases double up
  // to 64 while demand empties them.
  std::unique_ptr<storage::Database> other = t_.OpenAnother();
  ASSERT_NE(other, nullptr);
  const double rate = 10000, burst = 200;
  SharedRateLimiter a(t_.db(), "sender", rate, burst);
  SharedRateLimiter b(*other, "sender", rate, burst);
  int taken = 0, asked = 0;
  for (int ms = 0; ms <= 1000; ms += 1) {
    absl::Time now = kT0 + absl::Milliseconds(ms);
    for (int i = 0; i < 30; ++i, ++asked) {  // 30,000/s asked of a 10,000/s limit
      if (Take(i % 2 == 0 ? a : b, "n1", now) == absl::ZeroDuration()) ++taken;
    }
    ASSERT_LE(taken, rate * ms / 1000 + burst) << "at " << ms << " ms";
  }
  // Dropped leases make it err slow, by little: within 10% of the limit.
  EXPECT_GE(taken, 0.9 * (rate + burst));
  // At the limit each instance asks the database about twice a step (what
  // came back since), not once per token.
  EXPECT_LT(a.database_takes() + b.database_takes(), 2 * 2 * 1000 + 100);
}

TEST_F(SharedRateLimiterTest, BelowAFastLimitMostTokensComeFromLeases) {
  SharedRateLimiter limiter(t_.db(), "sender", 10000, 200);
  int taken = 0;
  for (int ms = 0; ms < 1000; ++ms) {  // 8,000/s
    for (int i = 0; i < 8; ++i) {
      if (Take(limiter, "n1", kT0 + absl::Milliseconds(ms)) == absl::ZeroDuration()) ++taken;
    }
  }
  EXPECT_EQ(taken, 8000);
  EXPECT_LT(limiter.database_takes(), 8000 / 20);
}

TEST_F(SharedRateLimiterTest, LeasedTokensLastTheirWindowOnly) {
  SharedRateLimiter limiter(t_.db(), "sender", 10000, 10000);
  // Demand doubles the lease: 1, then 2, then 4 tokens from the database.
  for (int i = 0; i < 7; ++i) EXPECT_EQ(Take(limiter, "n1", kT0), absl::ZeroDuration());
  EXPECT_EQ(limiter.database_takes(), 3);
  // A lease emptied after its window is not doubled: demand was slow.
  absl::Time later = kT0 + absl::Milliseconds(30);
  EXPECT_EQ(Take(limiter, "n1", later), absl::ZeroDuration());
  EXPECT_EQ(Take(limiter, "n1", later), absl::ZeroDuration());
  EXPECT_EQ(limiter.database_takes(), 5) << "a lease of 1, then of 2";
}

TEST_F(SharedRateLimiterTest, ZeroRateMeansUnlimited) {
  SharedRateLimiter limiter(t_.db(), "token", 0, 1);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(Take(limiter, "k", kT0), absl::ZeroDuration());
  EXPECT_EQ(Keys(t_.db()), 0);
}

}  // namespace
}  // namespace wa::domain
