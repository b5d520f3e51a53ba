#include "server/storage/idempotency_repository.h"

#include "server/storage/statements.h"

namespace wa::storage {

absl::StatusOr<std::optional<IdempotencyRecord>> IdempotencyRepository::Find(
    const std::string& property_id, const std::string& key, absl::Time since) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "SELECT property_id, idempotency_key, method, fingerprint, response, created_at "
      "FROM idempotency_keys WHERE property_id = ? AND idempotency_key = ? AND created_at >= ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, property_id).Bind(2, key).BindTime(3, since);
  return FirstRow<IdempotencyRecord>(*stmt, [](const Statement& s) {
    return IdempotencyRecord{s.ColumnText(0), s.ColumnText(1), s.ColumnText(2),
                             s.ColumnText(3), s.ColumnBlob(4), s.ColumnTime(5)};
  });
}

absl::Status IdempotencyRepository::Insert(const IdempotencyRecord& r, absl::Time expired_before) {
  RETURN_IF_ERROR(
      ExecOne(db_,
              "DELETE FROM idempotency_keys WHERE property_id = ? AND idempotency_key = ? "
              "AND created_at < ?",
              r.property_id, r.key, expired_before));
  // The primary key makes the write the atomic claim: the writer is one
  // connection, so of two sends with one key the second finds the row.
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "INSERT INTO idempotency_keys (property_id, idempotency_key, method, fingerprint, response, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, r.property_id)
      .Bind(2, r.key)
      .Bind(3, r.method)
      .Bind(4, r.fingerprint)
      .BindBlob(5, r.response)
      .BindTime(6, r.created_at);
  if (absl::Status s = stmt->Run(); !s.ok()) return s;
  if (db_.Changes() == 0) return absl::AlreadyExistsError("idempotency key in use");
  return absl::OkStatus();
}

absl::Status IdempotencyRepository::Purge(absl::Time before, int limit) {
  return ExecOne(
      db_,
      "DELETE FROM idempotency_keys WHERE (property_id, idempotency_key) IN "
      "(SELECT property_id, idempotency_key FROM idempotency_keys WHERE created_at < ? LIMIT ?)",
      before, limit);
}

}  // namespace wa::storage
