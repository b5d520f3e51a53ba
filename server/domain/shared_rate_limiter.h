#pragma once

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/domain/rate_limiter.h"
#include "server/storage/database.h"

namespace wa::domain {

// A rate limit every instance on one database shares (PostgreSQL behind a
// load balancer): the budget lives in the database's rate_limits table, one
// row per key (storage/rate_limit_repository.h, GCRA), so N instances
// together allow what one would. Each TryTake is one conditional statement
// under Database::Autocommit: it commits at once, on a connection apart from
// any transaction the caller is in, so its row lock lasts that statement.
// Keys whose budget is full again are pruned, at most once a minute.
//
// A fast limit (a sender number allowed hundreds of messages a second) is
// not asked a token at a time: an instance whose last tokens for a key ran
// out within kLeaseWindow takes twice as many at once (one statement), up
// to what the rate refills in that window, and hands them out from memory
// until they run out or the window passes; tokens left then are dropped,
// so the pace errs on the slow side, never the fast one. A slow limit (a
// guest's pair rate, a token's budget) refills less than two tokens in the
// window and is asked each time, as before. A fast limit refused remembers
// until when, and refuses from memory meanwhile.
class SharedRateLimiter : public RateLimiter {
 public:
  // `scope` prefixes this limiter's keys ("token", "sender", ...): limiters
  // of different rates share the table.
  SharedRateLimiter(storage::Database& db, std::string scope, double rate_per_second, double burst);

  absl::StatusOr<absl::Duration> TryTake(const std::string& key, absl::Time now) override;

  // How many times this limiter asked the database: for tests.
  int64_t database_takes() const {
    absl::MutexLock lock(&mu_);
    return database_takes_;
  }

 private:
  // Tokens taken from the database and not handed out yet, or the time
  // until which the database refuses the key.
  struct Lease {
    int64_t left = 0;
    int64_t size = 1;
    absl::Time until;
    absl::Time refused_until;
  };
  // Takes `count` tokens from the database at once.
  absl::StatusOr<absl::Duration> TakeShared(const std::string& key, absl::Time now, int64_t count);
  void MaybePrune(absl::Time now);

  storage::Database& db_;
  std::string scope_;
  bool unlimited_;
  // 1/rate rounded up and burst/rate rounded down to whole microseconds:
  // rounding may only make the limit stricter.
  absl::Duration interval_;
  absl::Duration tolerance_;
  // The most tokens one statement takes: 1 for a slow limit (no leases).
  int64_t max_lease_;
  mutable absl::Mutex mu_;
  absl::Time next_prune_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::flat_hash_map<std::string, Lease> leases_ ABSL_GUARDED_BY(mu_);
  int64_t database_takes_ ABSL_GUARDED_BY(mu_) = 0;
};

// Shared limiters on `db`, which must outlive them.
RateLimiterFactory SharedRateLimiters(storage::Database& db);

}  // namespace wa::domain
