#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/domain/rate_limiter.h"

namespace wa::domain {

// Token buckets in this process's memory: free, and right while one
// instance serves a database (SQLite).
class LocalRateLimiter : public RateLimiter {
 public:
  LocalRateLimiter(double rate_per_second, double burst);

  absl::StatusOr<absl::Duration> TryTake(const std::string& key, absl::Time now) override;

 private:
  struct Bucket {
    double tokens;
    absl::Time updated;
  };

  static constexpr size_t kPruneAbove = 10000;
  void Prune(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  double rate_;
  double burst_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
  size_t prune_above_ ABSL_GUARDED_BY(mu_) = kPruneAbove;
};

// In-process limiters (the scope is not needed: each has its own buckets).
RateLimiterFactory LocalRateLimiters();

}  // namespace wa::domain
