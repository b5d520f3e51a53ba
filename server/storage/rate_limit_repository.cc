#include "server/storage/rate_limit_repository.h"

#include <algorithm>

namespace wa::storage {
namespace {

// ?1 key, ?2 now, ?3 interval, ?4 tolerance, all times in microseconds.
// A new key is allowed whenever interval <= tolerance (a burst of at least
// one). When the WHERE fails nothing is written and no row comes back.
// The existing row's columns are qualified (PostgreSQL finds a bare name
// ambiguous beside `excluded`); CASE is the portable max().
constexpr char kTake[] =
    "INSERT INTO rate_limits (limit_key, tat) VALUES (?1, ?2 + ?3) "
    "ON CONFLICT (limit_key) DO UPDATE "
    "SET tat = CASE WHEN rate_limits.tat > ?2 THEN rate_limits.tat ELSE ?2 END + ?3 "
    "WHERE CASE WHEN rate_limits.tat > ?2 THEN rate_limits.tat ELSE ?2 END + ?3 - ?4 <= ?2 "
    "RETURNING tat";

}  // namespace

absl::StatusOr<absl::Duration> RateLimitRepository::Take(const std::string& key, absl::Time now,
                                                         absl::Duration interval,
                                                         absl::Duration tolerance) {
  const int64_t now_us = absl::ToUnixMicros(now);
  const int64_t interval_us = absl::ToInt64Microseconds(interval);
  const int64_t tolerance_us = absl::ToInt64Microseconds(tolerance);
  {
    absl::StatusOr<Statement> take = db_.Prepare(kTake);
    if (!take.ok()) return take.status();
    take->Bind(1, key).Bind(2, now_us).Bind(3, interval_us).Bind(4, tolerance_us);
    absl::StatusOr<bool> taken = take->Step();
    if (!taken.ok()) return taken.status();
    if (*taken) return absl::ZeroDuration();
  }
  // Refused. The wait is read after the decision: another instance may
  // have taken (or pruned) since, so it is advice, never less than 1 us
  // (zero would mean "taken").
  absl::StatusOr<Statement> read = db_.Prepare("SELECT tat FROM rate_limits WHERE limit_key = ?");
  if (!read.ok()) return read.status();
  read->Bind(1, key);
  absl::StatusOr<std::optional<int64_t>> tat =
      FirstRow<int64_t>(*read, [](const Statement& s) { return s.ColumnInt(0); });
  if (!tat.ok()) return tat.status();
  int64_t wait_us = std::max(tat->value_or(now_us), now_us) + interval_us - tolerance_us - now_us;
  return absl::Microseconds(std::max<int64_t>(1, wait_us));
}

absl::StatusOr<int64_t> RateLimitRepository::Prune(absl::Time before) {
  absl::StatusOr<Statement> stmt = db_.Prepare("DELETE FROM rate_limits WHERE tat < ?");
  if (!stmt.ok()) return stmt.status();
  stmt->BindTime(1, before);
  if (absl::Status s = stmt->Run(); !s.ok()) return s;
  return db_.Changes();
}

absl::StatusOr<int64_t> RateLimitRepository::Count() {
  absl::StatusOr<Statement> stmt = db_.Prepare("SELECT COUNT(*) FROM rate_limits");
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<std::optional<int64_t>> count =
      FirstRow<int64_t>(*stmt, [](const Statement& s) { return s.ColumnInt(0); });
  if (!count.ok()) return count.status();
  return count->value_or(0);
}

}  // namespace wa::storage
