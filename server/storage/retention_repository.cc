#include "server/storage/retention_repository.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "hotel/whatsapp/v1/common.pb.h"
#include "server/storage/statements.h"

namespace wa::storage {
namespace {

RetentionPolicy ReadPolicy(const Statement& s, int first) {
  return RetentionPolicy{
      static_cast<int>(s.ColumnInt(first)), static_cast<int>(s.ColumnInt(first + 1)),
      static_cast<int>(s.ColumnInt(first + 2)), static_cast<int>(s.ColumnInt(first + 3)),
      static_cast<int>(s.ColumnInt(first + 4))};
}

constexpr char kPolicyColumns[] =
    "message_content_days, media_days, event_days, raw_callback_days, audit_days";

}  // namespace

std::string ContentFreePayloadSql() {
  // Template names are [a-z0-9_] (Meta's rule): nothing to escape.
  return absl::StrCat("CASE WHEN message_type = ", hotel::whatsapp::v1::MESSAGE_TYPE_TEMPLATE,
                      " AND payload != '' THEN '{\"template\":{\"name\":\"' || "
                      "COALESCE(json_extract(payload, '$.template.name'), '') || '\"}}' "
                      "ELSE '' END");
}

int DaysFor(const RetentionPolicy& policy, RetentionKind kind) {
  switch (kind) {
    case RetentionKind::kEvents:
      return policy.event_days;
    case RetentionKind::kRawCallbacks:
      return policy.raw_callback_days;
    case RetentionKind::kAudit:
      return policy.audit_days;
  }
  return policy.event_days;
}

absl::StatusOr<RetentionPolicy> RetentionRepository::Get(const std::string& property_id) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      absl::StrCat("SELECT ", kPolicyColumns, " FROM retention_policies WHERE property_id = ?"));
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, property_id);
  absl::StatusOr<std::optional<RetentionPolicy>> row =
      FirstRow<RetentionPolicy>(*stmt, [](const Statement& s) { return ReadPolicy(s, 0); });
  if (!row.ok()) return row.status();
  return row->value_or(RetentionPolicy{});
}

absl::Status RetentionRepository::Put(const std::string& property_id, const RetentionPolicy& p,
                                      absl::Time at) {
  return ExecOne(
      db_,
      absl::StrCat(
          "INSERT INTO retention_policies (property_id, ", kPolicyColumns,
          ", updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (property_id) DO UPDATE SET "
          "message_content_days = excluded.message_content_days, media_days = excluded.media_days, "
          "event_days = excluded.event_days, raw_callback_days = excluded.raw_callback_days, "
          "audit_days = excluded.audit_days, updated_at = excluded.updated_at"),
      property_id, p.message_content_days, p.media_days, p.event_days, p.raw_callback_days,
      p.audit_days, at);
}

absl::StatusOr<std::vector<std::pair<std::string, RetentionPolicy>>> RetentionRepository::All() {
  return QueryAll<std::pair<std::string, RetentionPolicy>>(
      db_,
      absl::StrCat(
          "SELECT k.property_id, ", kPolicyColumns,
          " FROM (SELECT property_id FROM properties UNION SELECT property_id FROM tokens "
          "UNION SELECT property_id FROM retention_policies) k "
          "LEFT JOIN retention_policies r ON r.property_id = k.property_id ORDER BY k.property_id"),
      [](const Statement& s) {
        // No policy row: the defaults (the columns are NULL).
        RetentionPolicy policy = s.ColumnIsNull(1) ? RetentionPolicy{} : ReadPolicy(s, 1);
        return std::make_pair(s.ColumnText(0), policy);
      });
}

absl::StatusOr<int64_t> RetentionRepository::PruneBatch(const PruneRule& rule,
                                                        const std::string& property_id,
                                                        absl::Time cutoff, int limit) {
  const bool per_property = !rule.property_column.empty();
  const std::string keys = absl::StrCat("(", absl::StrJoin(rule.key_columns, ", "), ")");
  // Where a sequence must stay unbroken: nothing from its first row still
  // within retention on (the property's own sequence, on per-property tables).
  std::string sequence_bound;
  if (!rule.sequence_column.empty()) {
    sequence_bound =
        absl::StrCat(" AND ", rule.sequence_column, " < COALESCE((SELECT MIN(k.",
                     rule.sequence_column, ") FROM ", rule.table, " k WHERE ",
                     per_property ? absl::StrCat("k.", rule.property_column, " = ?1 AND ") : "",
                     "k.", rule.time_column, " >= ?2), ", std::numeric_limits<int64_t>::max(), ")");
  }
  const std::string order =
      rule.sequence_column.empty()
          ? absl::StrCat(rule.time_column, ", ", absl::StrJoin(rule.key_columns, ", "))
          : rule.sequence_column;
  // The rows to go, oldest first: one SQL text whatever the batch holds.
  std::string chosen = absl::StrCat(
      "SELECT ", absl::StrJoin(rule.key_columns, ", "), " FROM ", rule.table, " WHERE ",
      per_property ? absl::StrCat(rule.property_column, " = ?1 AND ")
                   : "CAST(?1 AS TEXT) = '' AND ",
      rule.time_column, " < ?2",
      rule.condition.empty() ? "" : absl::StrCat(" AND ", rule.condition), sequence_bound,
      " ORDER BY ", order, " LIMIT ?3");
  auto run = [&](const std::string& sql) -> absl::StatusOr<int64_t> {
    RETURN_IF_ERROR(ExecOne(db_, sql, per_property ? property_id : std::string(), cutoff, limit));
    return db_.Changes();
  };
  for (const std::vector<std::string>& dep : rule.dependents) {
    absl::StatusOr<int64_t> n =
        run(absl::StrCat("DELETE FROM ", dep[0], " WHERE ", dep[1], " IN (SELECT ", dep[2],
                         " FROM ", rule.table, " WHERE ", keys, " IN (", chosen, "))"));
    if (!n.ok()) return n.status();
  }
  return run(absl::StrCat("DELETE FROM ", rule.table, " WHERE ", keys, " IN (", chosen, ")"));
}

absl::StatusOr<int64_t> RetentionRepository::PruneContentBatch(const std::string& property_id,
                                                               absl::Time cutoff, absl::Time now,
                                                               int limit) {
  RETURN_IF_ERROR(ExecOne(
      db_,
      "UPDATE messages SET body = '', payload = " + ContentFreePayloadSql() +
          ", content_removed_at = ?1 WHERE message_id IN "
          "(SELECT message_id FROM messages WHERE property_id = ?2 AND content_removed_at IS NULL "
          "AND created_at < ?3 AND next_attempt_at IS NULL ORDER BY created_at LIMIT ?4)",
      now, property_id, cutoff, limit));
  int64_t removed = db_.Changes();
  // Walks the index conversations_with_content (schema_history.cc): its condition must
  // stay written exactly as the index's.
  RETURN_IF_ERROR(ExecOne(
      db_,
      "UPDATE conversations SET metadata = '{}', resolution_notes = '' WHERE conversation_id IN "
      "(SELECT conversation_id FROM conversations WHERE property_id = ?1 AND updated_at < ?2 "
      "AND (metadata != '{}' OR resolution_notes != '') LIMIT ?3)",
      property_id, cutoff, limit));
  return removed;
}

absl::StatusOr<std::vector<std::string>> RetentionRepository::PruneMediaBatch(
    const std::string& property_id, absl::Time cutoff, int limit, int64_t* removed) {
  absl::StatusOr<Statement> old = db_.Prepare(
      "SELECT media_id, sha256 FROM media WHERE property_id = ? AND created_at < ? "
      "ORDER BY created_at LIMIT ?");
  if (!old.ok()) return old.status();
  old->Bind(1, property_id).BindTime(2, cutoff).Bind(3, limit);
  absl::StatusOr<std::vector<ExpiredMedia>> expired =
      CollectRows<ExpiredMedia>(*old, [](const Statement& s) {
        return ExpiredMedia{s.ColumnText(0), s.ColumnText(1)};
      });
  if (!expired.ok()) return expired.status();
  std::vector<std::string> unused;
  *removed = 0;
  for (const ExpiredMedia& m : *expired) {
    RETURN_IF_ERROR(ExecOne(db_, "DELETE FROM media WHERE media_id = ?", m.media_id));
    ++*removed;
    absl::StatusOr<Statement> other = db_.Prepare("SELECT 1 FROM media WHERE sha256 = ? LIMIT 1");
    if (!other.ok()) return other.status();
    other->Bind(1, m.sha256);
    absl::StatusOr<std::optional<int64_t>> used =
        FirstRow<int64_t>(*other, [](const Statement& s) { return s.ColumnInt(0); });
    if (!used.ok()) return used.status();
    if (!used->has_value()) unused.push_back(m.sha256);
  }
  return unused;
}

absl::Status RetentionRepository::Vacuum(int pages) {
  if (db_.engine() != DatabaseUrl::Engine::kSqlite) return absl::OkStatus();
  return db_.Exec(absl::StrCat("PRAGMA incremental_vacuum(", pages, ")"));
}

}  // namespace wa::storage
