#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/database.h"

namespace wa::storage {

// Rate limits shared by every instance on one database: one "theoretical
// arrival time" (tat) per key, the generic cell rate algorithm (GCRA). A
// take at `now` is allowed iff max(tat, now) + interval - tolerance <= now,
// and then moves tat to max(tat, now) + interval; `interval` is 1/rate and
// `tolerance` burst/rate. A key whose tat has passed is the same as no row
// (a full bucket), which is what lets Prune() forget it.
//
// Take() decides and writes in ONE conditional statement (an upsert whose
// update has a WHERE), so two instances taking at once cannot both see the
// same last token: the row lock orders them. Run it under
// Database::Autocommit so that the lock lasts one statement.
class RateLimitRepository {
 public:
  explicit RateLimitRepository(Database& db) : db_(db) {}

  // Takes one token of `key`: zero when taken; otherwise how long until
  // one will be, and nothing changed.
  absl::StatusOr<absl::Duration> Take(const std::string& key, absl::Time now,
                                      absl::Duration interval, absl::Duration tolerance);
  // Forgets the keys whose tat is before `before`; returns how many.
  absl::StatusOr<int64_t> Prune(absl::Time before);
  // How many keys are held (for tests and /metrics).
  absl::StatusOr<int64_t> Count();

 private:
  Database& db_;
};

}  // namespace wa::storage
