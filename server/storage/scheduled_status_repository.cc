#include "server/storage/scheduled_status_repository.h"

#include "server/storage/statements.h"

namespace wa::storage {

absl::Status ScheduledStatusRepository::Insert(const std::vector<ScheduledStatus>& statuses) {
  return RunForRows(db_,
                    "INSERT INTO scheduled_statuses (whatsapp_message_id, status, failure_code, "
                    "failure_reason, due_at) ",
                    "", statuses, [](const ScheduledStatus& s) {
                      return std::make_tuple(s.whatsapp_message_id, static_cast<int>(s.status),
                                             s.failure_code, s.failure_reason, s.due_at);
                    });
}

absl::StatusOr<std::vector<ScheduledStatus>> ScheduledStatusRepository::Due(absl::Time now,
                                                                            int limit) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "SELECT id, whatsapp_message_id, status, failure_code, failure_reason, due_at "
      "FROM scheduled_statuses WHERE due_at <= ? ORDER BY due_at, id LIMIT ?");
  if (!stmt.ok()) return stmt.status();
  stmt->BindTime(1, now).Bind(2, limit);
  return CollectRows<ScheduledStatus>(*stmt, [](const Statement& s) {
    return ScheduledStatus{s.ColumnInt(0),
                           s.ColumnText(1),
                           static_cast<v1::MessageStatus>(s.ColumnInt(2)),
                           static_cast<int>(s.ColumnInt(3)),
                           s.ColumnText(4),
                           s.ColumnTime(5)};
  });
}

absl::StatusOr<std::optional<absl::Time>> ScheduledStatusRepository::NextDueAt() {
  absl::StatusOr<Statement> stmt = db_.Prepare("SELECT MIN(due_at) FROM scheduled_statuses");
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<std::optional<std::optional<absl::Time>>> row =
      FirstRow<std::optional<absl::Time>>(
          *stmt, [](const Statement& s) { return s.ColumnOptionalTime(0); });
  if (!row.ok()) return row.status();
  return row->value_or(std::nullopt);
}

absl::StatusOr<bool> ScheduledStatusRepository::Delete(int64_t id) {
  RETURN_IF_ERROR(ExecOne(db_, "DELETE FROM scheduled_statuses WHERE id = ?", id));
  return db_.Changes() > 0;
}

}  // namespace wa::storage
