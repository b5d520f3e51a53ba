#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/database.h"

namespace wa::storage {

// Days a property keeps each kind of data (README, "Guest data").
struct RetentionPolicy {
  int message_content_days = 365;
  int media_days = 90;
  int event_days = 7;  // webhook events (and live stream events)
  int raw_callback_days = 7;
  int audit_days = 400;
};

// SQL for a message's payload once its content is removed (erasure,
// retention): nothing, except a template message's template name, which
// is no one's personal data and what analytics group sends by.
std::string ContentFreePayloadSql();

// Which of a policy's periods a table is pruned by.
enum class RetentionKind { kEvents, kRawCallbacks, kAudit };
int DaysFor(const RetentionPolicy& policy, RetentionKind kind);

// A table whose old rows are deleted in batches: any feature with such a
// table registers one (the webhook events, the raw callbacks, the audit
// log, the live event streams).
struct PruneRule {
  std::string name;  // the /metrics label
  std::string table;
  // The columns that together name one row: {"seq"}, or a composite key
  // such as {"property_id", "event_cursor"}.
  std::vector<std::string> key_columns;
  std::string time_column;      // microseconds since the epoch
  std::string property_column;  // "": a table of all properties
  std::string condition;        // more SQL for the WHERE clause, or ""
  RetentionKind kind = RetentionKind::kEvents;
  // Rows of other tables that go with a pruned row:
  // {table, column, the pruned table's column it matches}.
  std::vector<std::vector<std::string>> dependents;
  // When set, rows go only from the start of this sequence (per property):
  // in its order, and never one after a row still within retention. What
  // is kept stays one unbroken range, so "everything after the oldest kept
  // is kept" holds (a stream's cursors: OUT_OF_RANGE is decided by it)
  // even when times and the sequence disagree (clocks of two instances).
  std::string sequence_column;
};

// A media record old enough to go, with its file's address.
struct ExpiredMedia {
  std::string media_id;
  std::string sha256;
};

class RetentionRepository {
 public:
  explicit RetentionRepository(Database& db) : db_(db) {}

  // The defaults unless an admin set the property's.
  absl::StatusOr<RetentionPolicy> Get(const std::string& property_id);
  absl::Status Put(const std::string& property_id, const RetentionPolicy& policy, absl::Time at);
  // Every property known (by its properties row, tokens or policy) with its policy.
  absl::StatusOr<std::vector<std::pair<std::string, RetentionPolicy>>> All();

  // One transaction's worth, inside the caller's transaction: deletes up to
  // `limit` rows of the rule's table older than `cutoff` (of the property,
  // unless the rule's table has none). Returns how many.
  absl::StatusOr<int64_t> PruneBatch(const PruneRule& rule, const std::string& property_id,
                                     absl::Time cutoff, int limit);
  // Empties the contents of up to `limit` messages created before `cutoff`
  // (never one still waiting to be sent), and the metadata and notes of
  // conversations last updated before it.
  absl::StatusOr<int64_t> PruneContentBatch(const std::string& property_id, absl::Time cutoff,
                                            absl::Time now, int limit);
  // Deletes up to `limit` media records created before `cutoff`; returns
  // the files no record uses any more.
  absl::StatusOr<std::vector<std::string>> PruneMediaBatch(const std::string& property_id,
                                                           absl::Time cutoff, int limit,
                                                           int64_t* removed);
  // SQLite: gives back up to `pages` free pages to the file system
  // (auto_vacuum=INCREMENTAL databases; else nothing). PostgreSQL: nothing
  // (autovacuum's job).
  absl::Status Vacuum(int pages);

 private:
  absl::StatusOr<std::vector<std::string>> Keys(const std::string& sql,
                                                const std::vector<std::string>& params);
  absl::StatusOr<int64_t> DeleteKeys(const std::string& table, const std::string& column,
                                     const std::vector<std::string>& keys);

  Database& db_;
};

}  // namespace wa::storage
