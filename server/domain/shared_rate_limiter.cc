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
// How long leased tokens last, and the demand they are sized to.
constexpr absl::Duration kLeaseWindow = absl::Milliseconds(20);
constexpr int64_t kMaxLease = 64;

}  // namespace

SharedRateLimiter::SharedRateLimiter(storage::Database& db, std::string scope,
                                     double rate_per_second, double burst)
    : db_(db), scope_(std::move(scope)), unlimited_(rate_per_second <= 0) {
  double interval_us = unlimited_ ? 1 : std::max(1.0, std::ceil(1e6 / rate_per_second));
  interval_ = absl::Microseconds(interval_us);
  tolerance_ = absl::Microseconds(std::floor(std::max(1.0, burst) * interval_us));
  // A lease never holds more than the rate refills in its window, nor more
  // than half the burst, so that other instances keep their share.
  const double refill = unlimited_ ? 1 : rate_per_second * absl::ToDoubleSeconds(kLeaseWindow);
  max_lease_ = static_cast<int64_t>(std::clamp(
      std::floor(std::min(refill, std::max(1.0, burst) / 2)), 1.0, static_cast<double>(kMaxLease)));
}

absl::StatusOr<absl::Duration> SharedRateLimiter::TryTake(const std::string& key, absl::Time now) {
  if (unlimited_) return absl::ZeroDuration();
  MaybePrune(now);
  if (max_lease_ == 1) return TakeShared(key, now, 1);
  int64_t size = 1;
  {
    absl::MutexLock lock(&mu_);
    auto it = leases_.find(key);
    if (it != leases_.end()) {
      Lease& lease = it->second;
      // Refused: no token comes back before the database said, since
      // tokens are only ever taken (pruning drops full buckets only).
      if (now < lease.refused_until) return lease.refused_until - now;
      if (now < lease.until) {
        if (lease.left > 0) {
          --lease.left;
          return absl::ZeroDuration();
        }
        // The last lease ran out within its window: demand outruns it.
        size = std::min(2 * lease.size, max_lease_);
      }
    }
  }
  absl::StatusOr<absl::Duration> wait = TakeShared(key, now, size);
  if (!wait.ok()) return wait;
  if (*wait > absl::ZeroDuration() && size > 1) {
    // Refused `size` tokens: the last `missing` are not there yet, the
    // others are (near the limit, tokens come back a few at a time).
    const int64_t missing = static_cast<int64_t>(std::ceil(absl::FDivDuration(*wait, interval_)));
    if (missing < size) {
      size -= missing;
      wait = TakeShared(key, now, size);
      if (!wait.ok()) return wait;
    } else {
      wait = *wait - interval_ * (size - 1);  // until the first of them
    }
  }
  absl::MutexLock lock(&mu_);
  // Refused, demand is at the limit: the size stays, so that the next take
  // asks for what came back meanwhile, in one statement.
  leases_[key] = *wait > absl::ZeroDuration()
                     ? Lease{0, size, now + kLeaseWindow, now + *wait}
                     : Lease{size - 1, size, now + kLeaseWindow, absl::InfinitePast()};
  return wait;
}

absl::StatusOr<absl::Duration> SharedRateLimiter::TakeShared(const std::string& key, absl::Time now,
                                                             int64_t count) {
  {
    absl::MutexLock lock(&mu_);
    ++database_takes_;
  }
  absl::StatusOr<absl::Duration> wait = absl::UnknownError("not run");
  // A token's row is locked until its commit: not waiting for the WAL
  // flush keeps the claims of every instance for one sender from going one
  // flush at a time. A database crash may forget the last moments of
  // pacing, which lets a few messages through early, nothing more.
  absl::Status status = db_.Autocommit(
      [&] {
        wait = storage::RateLimitRepository(db_).Take(absl::StrCat(scope_, ":", key), now,
                                                      interval_ * count, tolerance_);
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
    absl::erase_if(leases_, [now](const auto& lease) {
      return lease.second.until <= now && lease.second.refused_until <= now;
    });
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
