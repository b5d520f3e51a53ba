#include "server/storage/ops_repository.h"

namespace wa::storage {

absl::StatusOr<std::vector<QueueDepth>> OpsRepository::Queues() {
  // From the send queue's own index (next_attempt_at is set while queued).
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "SELECT property_id, COUNT(*), MIN(created_at) FROM messages "
      "WHERE next_attempt_at IS NOT NULL GROUP BY property_id");
  if (!stmt.ok()) return stmt.status();
  return CollectRows<QueueDepth>(*stmt, [](const Statement& s) {
    return QueueDepth{s.ColumnText(0), s.ColumnInt(1), s.ColumnTime(2)};
  });
}

absl::StatusOr<std::vector<EventCount>> OpsRepository::WebhookEvents() {
  absl::StatusOr<Statement> stmt =
      db_.Prepare("SELECT status, COUNT(*) FROM webhook_events GROUP BY status");
  if (!stmt.ok()) return stmt.status();
  return CollectRows<EventCount>(*stmt, [](const Statement& s) {
    return EventCount{static_cast<int>(s.ColumnInt(0)), s.ColumnInt(1)};
  });
}

absl::StatusOr<int> OpsRepository::SchemaVersion() { return db_.SchemaVersion(); }

}  // namespace wa::storage
