#include "server/domain/shared_rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/storage/rate_limit_repository.h"
#include "server/util/log.h"

namespace wa::domain {
namespace {

constexpr absl::Duration kPruneEvery = absl::Minutes(1);
// A key whose theoretical arrival time has passed is a full bucket, the
// same as no row; the margin keeps a row that an instance whose clock is
// a little behind would still count.
constexpr absl::Duration kPruneMargin = absl::Minutes(1);

}  // namespace

SharedRateLimiter::SharedRateLimiter(storage::Database& db, std::string scope,
                                     double rate_per_second, double burst)
    : db_(db), scope_(std::move(scope)), unlimited_(rate_per_second <= 0) {
  double interval_us = unlimited_ ? 1 : std::max(1.0, std::ceil(1e6 / rate_per_second));
  interval_ = absl::Microseconds(interval_us);
  tolerance_ = absl::Microseconds(std::floor(std::max(1.0, burst) * interval_us));
}

absl::StatusOr<absl::Duration> SharedRateLimiter::TryTake(const std::string& key, absl::Time now) {
  if (unlimited_) return absl::ZeroDuration();
  MaybePrune(now);
  absl::StatusOr<absl::Duration> wait = absl::UnknownError("not run");
  // A token's row is locked until its commit: not waiting for the WAL
  // flush keeps the claims of every instance for one sender from going one
  // flush at a time. A database crash may forget the last moments of
  // pacing, which lets a few messages through early, nothing more.
  absl::Status status = db_.Autocommit(
      [&] {
        wait = storage::RateLimitRepository(db_).Take(absl::StrCat(scope_, ":", key), now,
                                                      interval_, tolerance_);
        return wait.status();
      },
      storage::Flush::kSkip);
  if (!status.ok()) return status;
  return wait;
}

void SharedRateLimiter::MaybePrune(absl::Time now) {
  {
    absl::MutexLock lock(&mu_);
    if (now < next_prune_) return;
    next_prune_ = now + kPruneEvery;
  }
  absl::Status status = db_.Autocommit(
      [&] { return storage::RateLimitRepository(db_).Prune(now - kPruneMargin).status(); },
      storage::Flush::kSkip);
  // Pruning only bounds the table; the limit holds without it.
  if (!status.ok()) util::LogError("rate limits: pruning: ", status.ToString());
}

RateLimiterFactory SharedRateLimiters(storage::Database& db) {
  return [&db](const std::string& scope, double rate_per_second,
               double burst) -> std::unique_ptr<RateLimiter> {
    return std::make_unique<SharedRateLimiter>(db, scope, rate_per_second, burst);
  };
}

}  // namespace wa::domain
