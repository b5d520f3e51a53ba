#include "server/storage/notification_repository.h"

#include "server/storage/statements.h"

namespace wa::storage {

absl::StatusOr<int64_t> NotificationRepository::Insert(const std::string& body,
                                                       absl::Time received_at) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "INSERT INTO provider_notifications (received_at, body) VALUES (?, ?) RETURNING id");
  if (!stmt.ok()) return stmt.status();
  stmt->BindTime(1, received_at).Bind(2, body);
  absl::StatusOr<std::optional<int64_t>> id =
      FirstRow<int64_t>(*stmt, [](const Statement& s) { return s.ColumnInt(0); });
  if (!id.ok()) return id.status();
  if (absl::Status s = stmt->Run(); !s.ok()) return s;
  return id->value_or(0);
}

absl::Status NotificationRepository::InsertParked(const std::string& body, absl::Time received_at,
                                                  const std::string& route_key) {
  return ExecOne(
      db_, "INSERT INTO provider_notifications (received_at, body, parked_on) VALUES (?, ?, ?)",
      received_at, body, route_key);
}

absl::Status NotificationRepository::Unpark(const std::string& route_key) {
  return ExecOne(db_,
                 "UPDATE provider_notifications SET parked_on = '' "
                 "WHERE parked_on = ? AND processed_at IS NULL",
                 route_key);
}

absl::StatusOr<std::vector<ParkedCount>> NotificationRepository::CountParked() {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "SELECT parked_on, COUNT(*), MIN(received_at), MAX(received_at) FROM provider_notifications "
      "WHERE processed_at IS NULL AND parked_on != '' GROUP BY parked_on ORDER BY parked_on");
  if (!stmt.ok()) return stmt.status();
  return CollectRows<ParkedCount>(*stmt, [](const Statement& s) {
    return ParkedCount{s.ColumnText(0), s.ColumnInt(1), s.ColumnTime(2), s.ColumnTime(3)};
  });
}

absl::StatusOr<std::vector<NotificationRecord>> NotificationRepository::Pending(int limit) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "SELECT id, received_at, body FROM provider_notifications WHERE processed_at IS NULL "
      "AND parked_on = '' ORDER BY id LIMIT ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, limit);
  return CollectRows<NotificationRecord>(*stmt, [](const Statement& s) {
    return NotificationRecord{s.ColumnInt(0), s.ColumnTime(1), s.ColumnText(2)};
  });
}

absl::StatusOr<bool> NotificationRepository::MarkProcessed(int64_t id, absl::Time at,
                                                           const std::string& error) {
  RETURN_IF_ERROR(ExecOne(db_,
                          "UPDATE provider_notifications SET processed_at = ?, error = ? "
                          "WHERE id = ? AND processed_at IS NULL",
                          at, error, id));
  return db_.Changes() > 0;
}

}  // namespace wa::storage
