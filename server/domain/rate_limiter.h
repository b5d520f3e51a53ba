#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace wa::domain {

// Token buckets by key: `rate` tokens per second refill up to `burst`.
// Used for WhatsApp's throughput per sender number and its pair rate per
// guest, where going faster only earns errors from Meta.
class RateLimiter {
 public:
  RateLimiter(double rate_per_second, double burst);

  // Takes a token for `key` if one is there and returns zero; otherwise
  // takes nothing and returns how long until one will be.
  absl::Duration TryTake(const std::string& key, absl::Time now);

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

}  // namespace wa::domain
