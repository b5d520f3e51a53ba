#include "server/domain/local_rate_limiter.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"

namespace wa::domain {

LocalRateLimiter::LocalRateLimiter(double rate_per_second, double burst)
    : rate_(rate_per_second), burst_(std::max(1.0, burst)) {}

void LocalRateLimiter::Prune(absl::Time now) {
  // A bucket that has refilled is the same as no bucket: forget it, so one
  // key per guest ever messaged does not pile up.
  absl::erase_if(buckets_, [&](const auto& entry) {
    const Bucket& b = entry.second;
    return b.tokens + absl::ToDoubleSeconds(now - b.updated) * rate_ >= burst_;
  });
}

absl::StatusOr<absl::Duration> LocalRateLimiter::TryTake(const std::string& key, absl::Time now) {
  if (rate_ <= 0) return absl::ZeroDuration();  // unlimited
  absl::MutexLock lock(&mu_);
  if (buckets_.size() > prune_above_) {
    Prune(now);
    // Amortized: the next pruning waits until the map has doubled again.
    prune_above_ = std::max(kPruneAbove, 2 * buckets_.size());
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& bucket = it->second;
  if (now > bucket.updated) {
    bucket.tokens =
        std::min(burst_, bucket.tokens + absl::ToDoubleSeconds(now - bucket.updated) * rate_);
    bucket.updated = now;
  }
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return absl::ZeroDuration();
  }
  return absl::Seconds((1.0 - bucket.tokens) / rate_);
}

RateLimiterFactory LocalRateLimiters() {
  return [](const std::string&, double rate_per_second, double burst) {
    return std::make_unique<LocalRateLimiter>(rate_per_second, burst);
  };
}

}  // namespace wa::domain
