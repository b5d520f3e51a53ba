#pragma once

#include <string>

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
class SharedRateLimiter : public RateLimiter {
 public:
  // `scope` prefixes this limiter's keys ("token", "sender", ...): limiters
  // of different rates share the table.
  SharedRateLimiter(storage::Database& db, std::string scope, double rate_per_second, double burst);

  absl::StatusOr<absl::Duration> TryTake(const std::string& key, absl::Time now) override;

 private:
  void MaybePrune(absl::Time now);

  storage::Database& db_;
  std::string scope_;
  bool unlimited_;
  // 1/rate rounded up and burst/rate rounded down to whole microseconds:
  // rounding may only make the limit stricter.
  absl::Duration interval_;
  absl::Duration tolerance_;
  absl::Mutex mu_;
  absl::Time next_prune_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

// Shared limiters on `db`, which must outlive them.
RateLimiterFactory SharedRateLimiters(storage::Database& db);

}  // namespace wa::domain
