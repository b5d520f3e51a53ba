#include "server/storage/event_stream_repository.h"

namespace wa::storage {

namespace {

StreamEventRecord ReadRecord(const Statement& s) {
  return StreamEventRecord{s.ColumnText(0), s.ColumnInt(1),  s.ColumnText(2), s.ColumnText(3),
                           s.ColumnText(4), s.ColumnTime(5), s.ColumnText(6)};
}

}  // namespace

absl::StatusOr<int64_t> EventStreamRepository::Append(StreamEventRecord& r) {
  absl::StatusOr<Statement> next = db_.Prepare(
      "INSERT INTO event_cursors (property_id, last_cursor) VALUES (?1, 1) "
      "ON CONFLICT (property_id) DO UPDATE SET last_cursor = event_cursors.last_cursor + 1 "
      "RETURNING last_cursor");
  if (!next.ok()) return next.status();
  next->Bind(1, r.property_id);
  absl::StatusOr<std::optional<int64_t>> cursor =
      FirstRow<int64_t>(*next, [](const Statement& s) { return s.ColumnInt(0); });
  if (!cursor.ok()) return cursor.status();
  if (!*cursor) return absl::InternalError("event cursor not returned");
  r.cursor = **cursor;
  absl::StatusOr<Statement> insert = db_.Prepare(
      "INSERT INTO stream_events (property_id, event_cursor, event_id, event, conversation_id, "
      "created_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, r.property_id)
      .Bind(2, r.cursor)
      .Bind(3, r.event_id)
      .Bind(4, r.event)
      .Bind(5, r.conversation_id)
      .BindTime(6, r.created_at)
      .Bind(7, r.data);
  if (absl::Status s = insert->Run(); !s.ok()) return s;
  if (db_.engine() == DatabaseUrl::Engine::kPostgres) {
    // Delivered to every listening instance when (and only if) this commits.
    absl::StatusOr<Statement> notify = db_.Prepare("SELECT pg_notify(?, ?)");
    if (!notify.ok()) return notify.status();
    notify->Bind(1, kEventChannel).Bind(2, r.property_id);
    if (absl::Status s = notify->Run(); !s.ok()) return s;
  }
  return r.cursor;
}

absl::StatusOr<std::vector<StreamEventRecord>> EventStreamRepository::ReadAfter(
    const std::string& property_id, int64_t after, int limit) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "SELECT property_id, event_cursor, event_id, event, conversation_id, created_at, data "
      "FROM stream_events WHERE property_id = ? AND event_cursor > ? "
      "ORDER BY event_cursor LIMIT ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, property_id).Bind(2, after).Bind(3, limit);
  return CollectRows<StreamEventRecord>(*stmt, ReadRecord);
}

absl::StatusOr<StreamBounds> EventStreamRepository::Bounds(const std::string& property_id) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "SELECT (SELECT last_cursor FROM event_cursors WHERE property_id = ?1), "
      "(SELECT MIN(event_cursor) FROM stream_events WHERE property_id = ?1)");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, property_id);
  absl::StatusOr<std::optional<StreamBounds>> row =
      FirstRow<StreamBounds>(*stmt, [](const Statement& s) {
        return StreamBounds{s.ColumnIsNull(0) ? 0 : s.ColumnInt(0),
                            s.ColumnIsNull(1) ? 0 : s.ColumnInt(1)};
      });
  if (!row.ok()) return row.status();
  return row->value_or(StreamBounds{});
}

}  // namespace wa::storage
