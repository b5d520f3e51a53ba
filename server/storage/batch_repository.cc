#include "server/storage/batch_repository.h"

#include "nlohmann/json.hpp"
#include "server/storage/statements.h"

namespace wa::storage {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

constexpr char kSelectBatch[] =
    "SELECT batch_id, property_id, staff_member_id, messages_per_second, batch_size, "
    "retry_failed, track_delivery, total, status, created_at, next_release_at, completed_at, "
    "cancelled_at, phone_number_id, scheduled_for, valid_until, quiet_hours FROM batches ";

BatchRecord ReadBatch(const Statement& s) {
  BatchRecord b;
  b.batch_id = s.ColumnText(0);
  b.property_id = s.ColumnText(1);
  b.staff_member_id = s.ColumnText(2);
  b.messages_per_second = s.ColumnDouble(3);
  b.batch_size = static_cast<int>(s.ColumnInt(4));
  b.retry_failed = s.ColumnInt(5) != 0;
  b.track_delivery = s.ColumnInt(6) != 0;
  b.total = static_cast<int>(s.ColumnInt(7));
  b.status = static_cast<v1::BatchStatus>(s.ColumnInt(8));
  b.created_at = s.ColumnTime(9);
  b.next_release_at = s.ColumnOptionalTime(10);
  b.completed_at = s.ColumnOptionalTime(11);
  b.cancelled_at = s.ColumnOptionalTime(12);
  b.phone_number_id = s.ColumnText(13);
  b.scheduled_for = s.ColumnOptionalTime(14);
  b.valid_until = s.ColumnOptionalTime(15);
  b.quiet_hours = s.ColumnInt(16) != 0;
  return b;
}

// Items with their message's status, sent time and failure (NULL before release).
constexpr char kSelectItem[] =
    "SELECT i.batch_id, i.item_index, i.phone, i.content, i.template_name, i.language, "
    "i.parameters, i.state, i.message_id, i.error_code, i.error_message, i.released_at, "
    "m.status, m.sent_at, m.failure_reason, i.send_at, i.valid_until, i.quiet_hours "
    "FROM batch_items i LEFT JOIN messages m ON m.message_id = i.message_id ";

std::map<std::string, std::string> DecodeParameters(const std::string& text) {
  std::map<std::string, std::string> out;
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return out;
  for (auto it = json.begin(); it != json.end(); ++it) {
    if (it.value().is_string()) out[it.key()] = it.value().get<std::string>();
  }
  return out;
}

BatchItemRecord ReadItem(const Statement& s) {
  BatchItemRecord i;
  i.batch_id = s.ColumnText(0);
  i.index = static_cast<int>(s.ColumnInt(1));
  i.phone = s.ColumnText(2);
  i.content = s.ColumnText(3);
  i.template_name = s.ColumnText(4);
  i.language = s.ColumnText(5);
  i.parameters = DecodeParameters(s.ColumnText(6));
  i.state = static_cast<BatchItemState>(s.ColumnInt(7));
  i.message_id = s.ColumnText(8);
  i.error_code = s.ColumnText(9);
  i.error_message = s.ColumnText(10);
  i.released_at = s.ColumnOptionalTime(11);
  i.message_status = static_cast<v1::MessageStatus>(s.ColumnInt(12));
  i.sent_at = s.ColumnOptionalTime(13);
  i.failure_reason = s.ColumnText(14);
  i.send_at = s.ColumnOptionalTime(15);
  i.valid_until = s.ColumnOptionalTime(16);
  i.quiet_hours = s.ColumnInt(17) != 0;
  return i;
}

int State(BatchItemState state) { return static_cast<int>(state); }

}  // namespace

absl::Status BatchRepository::Insert(const BatchRecord& b) {
  return ExecOne(
      db_,
      "INSERT INTO batches (batch_id, property_id, staff_member_id, messages_per_second, "
      "batch_size, retry_failed, track_delivery, total, status, created_at, next_release_at, "
      "completed_at, cancelled_at, phone_number_id, scheduled_for, valid_until, quiet_hours) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      b.batch_id, b.property_id, b.staff_member_id, b.messages_per_second, b.batch_size,
      b.retry_failed ? 1 : 0, b.track_delivery ? 1 : 0, b.total, static_cast<int>(b.status),
      b.created_at, b.next_release_at, b.completed_at, b.cancelled_at, b.phone_number_id,
      b.scheduled_for, b.valid_until, b.quiet_hours ? 1 : 0);
}

absl::Status BatchRepository::InsertItem(const BatchItemRecord& i) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "INSERT INTO batch_items (batch_id, item_index, phone, content, template_name, language, "
      "parameters, state, message_id, error_code, error_message, released_at, send_at, "
      "valid_until, quiet_hours) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?, ?, ?, ?)");
  if (!stmt.ok()) return stmt.status();
  nlohmann::json parameters = nlohmann::json::object();
  for (const auto& [name, value] : i.parameters) parameters[name] = value;
  stmt->Bind(1, i.batch_id)
      .Bind(2, i.index)
      .Bind(3, i.phone)
      .Bind(4, i.content)
      .Bind(5, i.template_name)
      .Bind(6, i.language)
      .Bind(7, parameters.dump())
      .Bind(8, State(i.state))
      .Bind(9, i.message_id)
      .Bind(10, i.error_code)
      .Bind(11, i.error_message)
      .BindOptionalTime(12, i.released_at)
      .BindOptionalTime(13, i.send_at)
      .BindOptionalTime(14, i.valid_until)
      .Bind(15, i.quiet_hours ? 1 : 0);
  return stmt->Run();
}

absl::StatusOr<std::optional<BatchRecord>> BatchRepository::Get(const std::string& batch_id) {
  static const std::string sql = std::string(kSelectBatch) + "WHERE batch_id = ?";
  return QueryOne<BatchRecord>(db_, sql, ReadBatch, batch_id);
}

absl::StatusOr<std::vector<BatchRecord>> BatchRepository::DueForRelease(absl::Time now, int limit) {
  static const std::string sql = std::string(kSelectBatch) +
                                 "WHERE next_release_at IS NOT NULL AND next_release_at <= ? "
                                 "ORDER BY next_release_at LIMIT ?";
  return QueryAll<BatchRecord>(db_, sql, ReadBatch, now, limit);
}

absl::StatusOr<bool> BatchRepository::ClaimRelease(const std::string& batch_id, absl::Time seen,
                                                   absl::Time hold_until) {
  RETURN_IF_ERROR(ExecOne(
      db_, "UPDATE batches SET next_release_at = ? WHERE batch_id = ? AND next_release_at = ?",
      hold_until, batch_id, seen));
  return db_.Changes() > 0;
}

absl::StatusOr<std::optional<absl::Time>> BatchRepository::NextReleaseAt() {
  absl::StatusOr<Statement> stmt =
      db_.Prepare("SELECT MIN(next_release_at) FROM batches WHERE next_release_at IS NOT NULL");
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<std::optional<std::optional<absl::Time>>> row =
      FirstRow<std::optional<absl::Time>>(
          *stmt, [](const Statement& s) { return s.ColumnOptionalTime(0); });
  if (!row.ok()) return row.status();
  return row->value_or(std::nullopt);
}

absl::StatusOr<std::vector<BatchItemRecord>> BatchRepository::PendingItems(
    const std::string& batch_id, int limit) {
  static const std::string sql = std::string(kSelectItem) +
                                 "WHERE i.batch_id = ? AND i.state = ? "
                                 "ORDER BY i.item_index LIMIT ?";
  return QueryAll<BatchItemRecord>(db_, sql, ReadItem, batch_id, State(BatchItemState::kPending),
                                   limit);
}

absl::StatusOr<bool> BatchRepository::MarkReleased(const std::string& batch_id, int index,
                                                   const std::string& message_id, absl::Time at) {
  RETURN_IF_ERROR(ExecOne(db_,
                          "UPDATE batch_items SET state = ?, message_id = ?, released_at = ? "
                          "WHERE batch_id = ? AND item_index = ? AND state = ?",
                          State(BatchItemState::kReleased), message_id, at, batch_id, index,
                          State(BatchItemState::kPending)));
  return db_.Changes() > 0;
}

absl::StatusOr<bool> BatchRepository::MarkFailed(const std::string& batch_id, int index,
                                                 const std::string& code,
                                                 const std::string& message) {
  RETURN_IF_ERROR(ExecOne(db_,
                          "UPDATE batch_items SET state = ?, error_code = ?, error_message = ? "
                          "WHERE batch_id = ? AND item_index = ? AND state = ?",
                          State(BatchItemState::kFailed), code, message, batch_id, index,
                          State(BatchItemState::kPending)));
  return db_.Changes() > 0;
}

absl::Status BatchRepository::SetNextRelease(const std::string& batch_id,
                                             std::optional<absl::Time> at) {
  absl::StatusOr<Statement> stmt =
      // A cancelled batch (NULL) stays so.
      db_.Prepare(
          "UPDATE batches SET next_release_at = ? WHERE batch_id = ? AND next_release_at IS NOT "
          "NULL");
  if (!stmt.ok()) return stmt.status();
  stmt->BindOptionalTime(1, at).Bind(2, batch_id);
  return stmt->Run();
}

absl::Status BatchRepository::Cancel(const std::string& batch_id, absl::Time at) {
  RETURN_IF_ERROR(ExecOne(db_,
                          "UPDATE batches SET status = ?, cancelled_at = ?, next_release_at = NULL "
                          "WHERE batch_id = ?",
                          static_cast<int>(v1::BATCH_STATUS_CANCELLED), at, batch_id));
  return ExecOne(db_, "UPDATE batch_items SET state = ? WHERE batch_id = ? AND state = ?",
                 State(BatchItemState::kCancelled), batch_id, State(BatchItemState::kPending));
}

absl::StatusOr<std::vector<BatchRecord>> BatchRepository::Drained(int limit) {
  static const std::string sql =
      std::string(kSelectBatch) +
      "WHERE status = ? AND next_release_at IS NULL "
      "AND NOT EXISTS (SELECT 1 FROM batch_items i WHERE i.batch_id = batches.batch_id "
      "  AND i.state = ?) "
      "AND NOT EXISTS (SELECT 1 FROM batch_items i JOIN messages m "
      "  ON m.message_id = i.message_id WHERE i.batch_id = batches.batch_id "
      "  AND (m.next_attempt_at IS NOT NULL OR m.status = " +
      std::to_string(v1::MESSAGE_STATUS_SCHEDULED) + ")) LIMIT ?";
  return QueryAll<BatchRecord>(db_, sql, ReadBatch, static_cast<int>(v1::BATCH_STATUS_IN_PROGRESS),
                               State(BatchItemState::kPending), limit);
}

absl::StatusOr<bool> BatchRepository::MarkCompleted(const std::string& batch_id, absl::Time at) {
  RETURN_IF_ERROR(ExecOne(
      db_, "UPDATE batches SET status = ?, completed_at = ? WHERE batch_id = ? AND status = ?",
      static_cast<int>(v1::BATCH_STATUS_COMPLETED), at, batch_id,
      static_cast<int>(v1::BATCH_STATUS_IN_PROGRESS)));
  return db_.Changes() > 0;
}

absl::StatusOr<BatchCounts> BatchRepository::Count(const std::string& batch_id) {
  // ?2 pending, ?3 released, ?4 rejected, ?5 failed, ?6 cancelled;
  // ?7 queued, ?8 sent, ?9 delivered, ?10 read, ?11 failed (message statuses).
  absl::StatusOr<Statement> totals = db_.Prepare(
      "SELECT COUNT(CASE WHEN i.state = ?2 THEN 1 END), "
      "COUNT(CASE WHEN i.state = ?2 OR (i.state = ?3 AND m.status IN (?7, ?12)) THEN 1 END), "
      "COUNT(CASE WHEN i.state = ?3 AND m.status IN (?8, ?9, ?10) THEN 1 END), "
      "COUNT(CASE WHEN i.state = ?3 AND m.status IN (?9, ?10) THEN 1 END), "
      "COUNT(CASE WHEN i.state = ?3 AND m.status = ?10 THEN 1 END), "
      "COUNT(CASE WHEN i.state IN (?4, ?5) OR (i.state = ?3 AND m.status IN (?11, ?13)) "
      "THEN 1 END), "
      "COUNT(CASE WHEN i.state = ?6 OR (i.state = ?3 AND m.status = ?14) THEN 1 END) "
      "FROM batch_items i LEFT JOIN messages m ON m.message_id = i.message_id "
      "WHERE i.batch_id = ?1");
  if (!totals.ok()) return totals.status();
  totals->Bind(1, batch_id)
      .Bind(2, State(BatchItemState::kPending))
      .Bind(3, State(BatchItemState::kReleased))
      .Bind(4, State(BatchItemState::kRejected))
      .Bind(5, State(BatchItemState::kFailed))
      .Bind(6, State(BatchItemState::kCancelled))
      .Bind(7, static_cast<int>(v1::MESSAGE_STATUS_QUEUED))
      .Bind(8, static_cast<int>(v1::MESSAGE_STATUS_SENT))
      .Bind(9, static_cast<int>(v1::MESSAGE_STATUS_DELIVERED))
      .Bind(10, static_cast<int>(v1::MESSAGE_STATUS_READ))
      .Bind(11, static_cast<int>(v1::MESSAGE_STATUS_FAILED))
      .Bind(12, static_cast<int>(v1::MESSAGE_STATUS_SCHEDULED))
      .Bind(13, static_cast<int>(v1::MESSAGE_STATUS_EXPIRED))
      .Bind(14, static_cast<int>(v1::MESSAGE_STATUS_CANCELLED));
  BatchCounts counts;
  absl::StatusOr<bool> row = totals->Step();
  if (!row.ok()) return row.status();
  if (*row) {
    counts.pending = static_cast<int>(totals->ColumnInt(0));
    counts.queued = static_cast<int>(totals->ColumnInt(1));
    counts.sent = static_cast<int>(totals->ColumnInt(2));
    counts.delivered = static_cast<int>(totals->ColumnInt(3));
    counts.read = static_cast<int>(totals->ColumnInt(4));
    counts.failed = static_cast<int>(totals->ColumnInt(5));
    counts.cancelled = static_cast<int>(totals->ColumnInt(6));
  }
  if (absl::Status s = totals->Run(); !s.ok()) return s;

  // Refused items by their error code, provider failures by their reason.
  absl::StatusOr<Statement> reasons = db_.Prepare(
      "SELECT CASE WHEN i.state = ?2 AND m.status = ?6 THEN 'EXPIRED' "
      "WHEN i.state = ?2 THEN m.failure_reason ELSE i.error_code END AS reason, "
      "COUNT(*) AS n FROM batch_items i LEFT JOIN messages m ON m.message_id = i.message_id "
      "WHERE i.batch_id = ?1 AND (i.state IN (?3, ?4) OR (i.state = ?2 AND m.status IN (?5, ?6))) "
      "GROUP BY reason ORDER BY n DESC, reason");
  if (!reasons.ok()) return reasons.status();
  reasons->Bind(1, batch_id)
      .Bind(2, State(BatchItemState::kReleased))
      .Bind(3, State(BatchItemState::kRejected))
      .Bind(4, State(BatchItemState::kFailed))
      .Bind(5, static_cast<int>(v1::MESSAGE_STATUS_FAILED))
      .Bind(6, static_cast<int>(v1::MESSAGE_STATUS_EXPIRED));
  absl::StatusOr<std::vector<std::pair<std::string, int>>> failures =
      CollectRows<std::pair<std::string, int>>(*reasons, [](const Statement& s) {
        return std::make_pair(s.ColumnText(0), static_cast<int>(s.ColumnInt(1)));
      });
  if (!failures.ok()) return failures.status();
  counts.failures = *std::move(failures);
  return counts;
}

absl::StatusOr<std::vector<BatchItemRecord>> BatchRepository::Items(const std::string& batch_id,
                                                                    int after_index, int limit) {
  static const std::string sql = std::string(kSelectItem) +
                                 "WHERE i.batch_id = ? AND i.item_index > ? "
                                 "ORDER BY i.item_index LIMIT ?";
  return QueryAll<BatchItemRecord>(db_, sql, ReadItem, batch_id, after_index, limit);
}

}  // namespace wa::storage
