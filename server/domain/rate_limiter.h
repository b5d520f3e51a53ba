#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace wa::domain {

// A rate limit by key: `rate` tokens per second refill up to `burst`.
// Used for a token's request budget, WhatsApp's throughput per sender
// number and its pair rate per guest, where going faster only earns errors
// from Meta. Two kinds: in process (local_rate_limiter.h: SQLite, one
// instance) and shared by every instance on one database
// (shared_rate_limiter.h: PostgreSQL).
class RateLimiter {
 public:
  virtual ~RateLimiter() = default;

  // Takes a token for `key` if one is there and returns zero; otherwise
  // takes nothing and returns how long until one will be. An error only
  // when the shared state cannot be reached.
  virtual absl::StatusOr<absl::Duration> TryTake(const std::string& key, absl::Time now) = 0;
};

// Makes limiters of one kind. `scope` keeps one limiter's keys apart from
// another's where they share state; a rate of zero or less is unlimited.
using RateLimiterFactory = std::function<std::unique_ptr<RateLimiter>(
    const std::string& scope, double rate_per_second, double burst)>;

}  // namespace wa::domain
