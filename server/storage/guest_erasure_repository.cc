#include "server/storage/guest_erasure_repository.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "hotel/whatsapp/v1/common.pb.h"
#include "server/storage/retention_repository.h"
#include "server/storage/statements.h"

namespace wa::storage {
namespace {

// `text` inside a LIKE pattern, matched as it is (ESCAPE '\').
std::string LikeAnywhere(absl::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

// Ends with `text`.
std::string LikeSuffix(absl::string_view text) {
  std::string pattern = LikeAnywhere(text);
  pattern.pop_back();
  return pattern;
}

// "(col LIKE ? ESCAPE '\' OR ...)", one per pattern.
std::string AnyLike(absl::string_view column, size_t count) {
  std::vector<std::string> terms(count, absl::StrCat(column, " LIKE ? ESCAPE '\\'"));
  return absl::StrCat("(", absl::StrJoin(terms, " OR "), ")");
}

std::vector<std::string> Patterns(const std::vector<std::string>& needles) {
  std::vector<std::string> out;
  for (const std::string& n : needles) out.push_back(LikeAnywhere(n));
  return out;
}

}  // namespace

absl::StatusOr<int64_t> GuestErasureRepository::Run(const std::string& sql,
                                                    const std::vector<std::string>& params) {
  absl::StatusOr<Statement> stmt = db_.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  for (size_t i = 0; i < params.size(); ++i) stmt->Bind(static_cast<int>(i + 1), params[i]);
  if (absl::Status s = stmt->Run(); !s.ok()) return s;
  return db_.Changes();
}

absl::StatusOr<std::vector<std::string>> GuestErasureRepository::ConversationIds(
    const std::string& property_id, const std::string& key) {
  return QueryAll<std::string>(
      db_,
      "SELECT conversation_id FROM conversations WHERE property_id = ? AND guest_phone = ? "
      "ORDER BY created_at, conversation_id",
      [](const Statement& s) { return s.ColumnText(0); }, property_id, key);
}

absl::StatusOr<std::vector<ErasableMessage>> GuestErasureRepository::MessagesPage(
    const std::string& conversation_id, const std::string& key, int64_t after_seq, int limit) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "SELECT message_id, seq, direction, payload FROM messages WHERE conversation_id = ? "
      "AND seq > ? AND guest_phone = ? ORDER BY seq LIMIT ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, conversation_id).Bind(2, after_seq).Bind(3, key).Bind(4, limit);
  return CollectRows<ErasableMessage>(*stmt, [](const Statement& s) {
    return ErasableMessage{s.ColumnText(0), s.ColumnInt(1), static_cast<int>(s.ColumnInt(2)),
                           s.ColumnText(3)};
  });
}

absl::StatusOr<int64_t> GuestErasureRepository::ClearMessages(const std::string& conversation_id,
                                                              const std::string& key, int64_t after,
                                                              int64_t through,
                                                              const std::string& hash,
                                                              absl::Time at) {
  // By a range of numbers, so the SQL text is the same whatever the page.
  const std::string range = absl::StrCat(
      " WHERE conversation_id = ? AND guest_phone = ? AND seq > ", after, " AND seq <= ", through);
  const int64_t micros = absl::ToUnixMicros(at);
  absl::StatusOr<int64_t> failed =
      Run(absl::StrCat("UPDATE messages SET status = ", hotel::whatsapp::v1::MESSAGE_STATUS_FAILED,
                       ", failed_at = ", micros,
                       ", failure_reason = 'guest erased', next_attempt_at = NULL", range,
                       " AND next_attempt_at IS NOT NULL"),
          {conversation_id, key});
  if (!failed.ok()) return failed.status();
  return Run(absl::StrCat("UPDATE messages SET body = '', payload = ", ContentFreePayloadSql(),
                          ", guest_phone = ?, ",
                          "content_removed_at = COALESCE(content_removed_at, ", micros, ")", range),
             {hash, conversation_id, key});
}

absl::StatusOr<bool> GuestErasureRepository::MediaInUse(const std::string& property_id,
                                                        const std::string& media_id) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "SELECT 1 FROM messages WHERE property_id = ? AND content_removed_at IS NULL "
      "AND payload LIKE ? ESCAPE '\\' LIMIT 1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, property_id).Bind(2, LikeAnywhere(absl::StrCat("\"", media_id, "\"")));
  absl::StatusOr<std::optional<int>> row =
      FirstRow<int>(*stmt, [](const Statement& s) { return static_cast<int>(s.ColumnInt(0)); });
  if (!row.ok()) return row.status();
  return row->has_value();
}

absl::StatusOr<std::optional<std::string>> GuestErasureRepository::DeleteMedia(
    const std::string& property_id, const std::string& media_id) {
  absl::StatusOr<Statement> find =
      db_.Prepare("SELECT sha256 FROM media WHERE media_id = ? AND property_id = ?");
  if (!find.ok()) return find.status();
  find->Bind(1, media_id).Bind(2, property_id);
  absl::StatusOr<std::optional<std::string>> sha =
      FirstRow<std::string>(*find, [](const Statement& s) { return s.ColumnText(0); });
  if (!sha.ok()) return sha.status();
  if (!sha->has_value()) return std::optional<std::string>();
  absl::StatusOr<int64_t> deleted = Run("DELETE FROM media WHERE media_id = ?", {media_id});
  if (!deleted.ok()) return deleted.status();
  absl::StatusOr<Statement> other = db_.Prepare("SELECT 1 FROM media WHERE sha256 = ? LIMIT 1");
  if (!other.ok()) return other.status();
  other->Bind(1, **sha);
  absl::StatusOr<std::optional<int>> used =
      FirstRow<int>(*other, [](const Statement& s) { return static_cast<int>(s.ColumnInt(0)); });
  if (!used.ok()) return used.status();
  if (used->has_value()) return std::optional<std::string>();
  return *sha;
}

absl::StatusOr<std::vector<GuestIdentityRecord>> GuestErasureRepository::Identities(
    const std::string& property_id, const std::string& key) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "SELECT user_id, phone, parent_user_id, username, profile_name FROM guest_identities "
      "WHERE property_id = ? AND guest_key = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, property_id).Bind(2, key);
  return CollectRows<GuestIdentityRecord>(*stmt, [&](const Statement& s) {
    GuestIdentityRecord r;
    r.property_id = property_id;
    r.guest_key = key;
    r.user_id = s.ColumnText(0);
    r.phone = s.ColumnText(1);
    r.parent_user_id = s.ColumnText(2);
    r.username = s.ColumnText(3);
    r.profile_name = s.ColumnText(4);
    return r;
  });
}

absl::StatusOr<int64_t> GuestErasureRepository::Rekey(const std::string& property_id,
                                                      const std::string& key,
                                                      const std::string& phone,
                                                      const std::string& hash) {
  absl::StatusOr<int64_t> conversations =
      Run("UPDATE conversations SET guest_phone = ?, metadata = '{}', resolution_notes = '' "
          "WHERE property_id = ? AND guest_phone = ?",
          {hash, property_id, key});
  if (!conversations.ok()) return conversations.status();
  // The consent's state lives on in guest_erasures; its history stays as
  // dates and choices (a reason may be the guest's own words).
  std::vector<std::pair<std::string, std::vector<std::string>>> steps = {
      {"DELETE FROM guests WHERE property_id = ? AND guest_phone = ?", {property_id, key}},
      {"DELETE FROM guest_consent WHERE property_id = ? AND guest_phone = ?", {property_id, key}},
      {"UPDATE consent_events SET guest_phone = ?, reason = '' "
       "WHERE property_id = ? AND guest_phone = ?",
       {hash, property_id, key}},
      {"DELETE FROM guest_identities WHERE property_id = ? AND guest_key = ?", {property_id, key}},
      {"DELETE FROM rate_limits WHERE limit_key LIKE ? ESCAPE '\\'",
       {LikeSuffix(absl::StrCat("/", key))}},
  };
  if (!phone.empty()) {
    steps.push_back(
        {"UPDATE batch_items SET phone = ?, content = '', parameters = '{}' "
         "WHERE phone = ? AND batch_id IN "
         "(SELECT batch_id FROM batches WHERE property_id = ?)",
         {hash, phone, property_id}});
  }
  for (const auto& [sql, params] : steps) {
    if (absl::StatusOr<int64_t> s = Run(sql, params); !s.ok()) return s.status();
  }
  return *conversations;
}

absl::StatusOr<bool> GuestErasureRepository::RecordErasure(const std::string& property_id,
                                                           const std::string& hash,
                                                           const ConsentRecord& consent,
                                                           const std::string& reason,
                                                           absl::Time at) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "INSERT INTO guest_erasures (property_id, guest_hash, erased_at, opted_out, "
      "marketing_opted_out, reason) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (property_id, "
      "guest_hash) "
      "DO UPDATE SET opted_out = excluded.opted_out, "
      "marketing_opted_out = excluded.marketing_opted_out");
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<std::optional<ConsentRecord>> before =
      ConsentRepository(db_).ErasedConsent(property_id, hash);
  if (!before.ok()) return before.status();
  stmt->Bind(1, property_id)
      .Bind(2, hash)
      .BindTime(3, at)
      .Bind(4, consent.opted_out ? 1 : 0)
      .Bind(5, consent.marketing_opted_out ? 1 : 0)
      .Bind(6, reason);
  if (absl::Status s = stmt->Run(); !s.ok()) return s;
  return !before->has_value();
}

absl::StatusOr<int64_t> GuestErasureRepository::DeleteRawCallbacks(
    const std::vector<std::string>& quoted) {
  if (quoted.empty()) return 0;
  // Unprocessed ones too: processed after the erasure, they would bring the
  // guest's words back.
  return Run(
      absl::StrCat("DELETE FROM provider_notifications WHERE ", AnyLike("body", quoted.size())),
      Patterns(quoted));
}

absl::StatusOr<int64_t> GuestErasureRepository::DeleteWebhookEvents(
    const std::string& property_id, const std::vector<std::string>& quoted) {
  if (quoted.empty()) return 0;
  const std::string where =
      absl::StrCat(" WHERE property_id = ? AND ", AnyLike("payload", quoted.size()));
  std::vector<std::string> params = {property_id};
  for (std::string& p : Patterns(quoted)) params.push_back(std::move(p));
  absl::StatusOr<int64_t> attempts =
      Run(absl::StrCat("DELETE FROM webhook_attempts WHERE event_id IN "
                       "(SELECT event_id FROM webhook_events",
                       where, ")"),
          params);
  if (!attempts.ok()) return attempts.status();
  // The live streams' copies (issue 21) hold the same data.
  const std::string stream_where =
      absl::StrCat(" WHERE property_id = ? AND ", AnyLike("data", quoted.size()));
  absl::StatusOr<int64_t> streamed =
      Run(absl::StrCat("DELETE FROM stream_events", stream_where), params);
  if (!streamed.ok()) return streamed.status();
  return Run(absl::StrCat("DELETE FROM webhook_events", where), params);
}

absl::StatusOr<int64_t> GuestErasureRepository::DeleteIdempotentAnswers(
    const std::string& property_id, const std::vector<std::string>& needles) {
  // The answers are serialized messages (bytes), searched here rather than
  // in SQL, which has no byte search both engines share. A day's worth.
  absl::StatusOr<Statement> stmt =
      db_.Prepare("SELECT idempotency_key, response FROM idempotency_keys WHERE property_id = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, property_id);
  absl::StatusOr<std::vector<std::string>> keys =
      CollectRows<std::string>(*stmt, [&needles](const Statement& s) {
        std::string response = s.ColumnBlob(1);
        for (const std::string& n : needles) {
          if (response.find(n) != std::string::npos) return s.ColumnText(0);
        }
        return std::string();
      });
  if (!keys.ok()) return keys.status();
  int64_t deleted = 0;
  for (const std::string& key : *keys) {
    if (key.empty()) continue;
    absl::StatusOr<int64_t> n =
        Run("DELETE FROM idempotency_keys WHERE property_id = ? AND idempotency_key = ?",
            {property_id, key});
    if (!n.ok()) return n.status();
    deleted += *n;
  }
  return deleted;
}

absl::StatusOr<std::string> GuestErasureRepository::ProfileName(const std::string& property_id,
                                                                const std::string& key) {
  absl::StatusOr<Statement> stmt =
      db_.Prepare("SELECT profile_name FROM guests WHERE property_id = ? AND guest_phone = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, property_id).Bind(2, key);
  absl::StatusOr<std::optional<std::string>> name =
      FirstRow<std::string>(*stmt, [](const Statement& s) { return s.ColumnText(0); });
  if (!name.ok()) return name.status();
  return name->value_or("");
}

absl::StatusOr<int64_t> GuestErasureRepository::RewriteAudit(
    const std::string& property_id, const std::vector<std::string>& needles,
    const std::vector<std::string>& also, const std::string& hash, int64_t after, int64_t span) {
  if (!needles.empty()) {
    std::string expr = "resources";
    std::vector<std::string> params;
    for (const std::vector<std::string>* list : {&needles, &also}) {
      for (const std::string& n : *list) {
        expr = absl::StrCat("REPLACE(", expr, ", ?, ?)");
        params.push_back(n);
        params.push_back(hash);
      }
    }
    params.push_back(property_id);
    for (std::string& p : Patterns(needles)) params.push_back(std::move(p));
    absl::StatusOr<int64_t> n =
        Run(absl::StrCat("UPDATE audit_events SET resources = ", expr,
                         " WHERE property_id = ? AND ", AnyLike("resources", needles.size()),
                         " AND seq > ", after, " AND seq <= ", after + span),
            params);
    if (!n.ok()) return n.status();
  }
  absl::StatusOr<Statement> top = db_.Prepare("SELECT COALESCE(MAX(seq), 0) FROM audit_events");
  if (!top.ok()) return top.status();
  absl::StatusOr<std::optional<int64_t>> max =
      FirstRow<int64_t>(*top, [](const Statement& s) { return s.ColumnInt(0); });
  if (!max.ok()) return max.status();
  return max->value_or(0);
}

}  // namespace wa::storage
