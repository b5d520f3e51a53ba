#include "server/storage/message_repository.h"

#include "absl/strings/str_cat.h"
#include "server/storage/statements.h"

namespace wa::storage {
namespace {

constexpr char kSelect[] =
    "SELECT message_id, property_id, conversation_id, seq, direction, message_type, body, payload, "
    "guest_phone, status, staff_member_id, whatsapp_message_id, reply_to_message_id, created_at, "
    "sent_at, delivered_at, read_at, failed_at, failure_code, failure_reason, attempts, "
    "next_attempt_at, phone_number_id, scheduled_for, valid_until, quiet_hours, marketing, "
    "relative_to, relative_offset, claimed, "
    "(SELECT gi.user_id FROM guest_identities gi WHERE gi.property_id = messages.property_id "
    "AND gi.guest_key = messages.guest_phone ORDER BY gi.updated_at DESC LIMIT 1) AS "
    "guest_user_id, "
    "(SELECT gi.username FROM guest_identities gi WHERE gi.property_id = messages.property_id "
    "AND gi.guest_key = messages.guest_phone ORDER BY gi.updated_at DESC LIMIT 1) AS "
    "guest_username "
    "FROM messages ";

MessageRecord ReadMessage(const Statement& s) {
  MessageRecord m;
  m.message_id = s.ColumnText(0);
  m.property_id = s.ColumnText(1);
  m.conversation_id = s.ColumnText(2);
  m.seq = s.ColumnInt(3);
  m.direction = static_cast<v1::Direction>(s.ColumnInt(4));
  m.message_type = static_cast<v1::MessageType>(s.ColumnInt(5));
  m.body = s.ColumnText(6);
  m.payload = s.ColumnText(7);
  m.guest_phone = s.ColumnText(8);
  m.status = static_cast<v1::MessageStatus>(s.ColumnInt(9));
  m.staff_member_id = s.ColumnText(10);
  m.whatsapp_message_id = s.ColumnText(11);
  m.reply_to_message_id = s.ColumnText(12);
  m.created_at = s.ColumnTime(13);
  m.sent_at = s.ColumnOptionalTime(14);
  m.delivered_at = s.ColumnOptionalTime(15);
  m.read_at = s.ColumnOptionalTime(16);
  m.failed_at = s.ColumnOptionalTime(17);
  m.failure_code = static_cast<int>(s.ColumnInt(18));
  m.failure_reason = s.ColumnText(19);
  m.attempts = static_cast<int>(s.ColumnInt(20));
  m.next_attempt_at = s.ColumnOptionalTime(21);
  m.phone_number_id = s.ColumnText(22);
  m.scheduled_for = s.ColumnOptionalTime(23);
  m.valid_until = s.ColumnOptionalTime(24);
  m.quiet_hours = s.ColumnInt(25) != 0;
  m.marketing = s.ColumnInt(26) != 0;
  m.relative_to = s.ColumnText(27);
  m.relative_offset = absl::Seconds(s.ColumnInt(28));
  m.claimed = s.ColumnInt(29) != 0;
  m.guest_user_id = s.ColumnText(30);  // NULL (no identity) reads as ""
  m.guest_username = s.ColumnText(31);
  return m;
}

absl::StatusOr<std::optional<MessageRecord>> FindOne(Database& db, const std::string& sql,
                                                     const std::string& key) {
  absl::StatusOr<Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, key);
  return FirstRow<MessageRecord>(*stmt, ReadMessage);
}

}  // namespace

absl::StatusOr<int64_t> MessageRepository::JoinConversation(const std::string& conversation_id,
                                                            absl::Time at) {
  // SQLite (one writer): the conversation's counter, bumped in place; the
  // same statement moves the conversation's update time forward (never
  // back) to the message's.
  //
  // PostgreSQL (several connections and instances): a counter on the row
  // would hold the row's lock until COMMIT returns, through the WAL flush,
  // so the sends of one conversation would commit one at a time. The number
  // comes instead from one sequence (migration 20), which locks nothing:
  // unique, and increasing in each conversation in the order the numbers
  // are taken, though not consecutive, and two sends in flight together may
  // commit in the other order (no reader pages by seq across a concurrent
  // send: BENCHMARKS.md, issue 25). The update time moves forward unless
  // another transaction holds the row (SKIP LOCKED): that one is moving it
  // to its own time, a concurrent one, and waiting for it is what made the
  // sends queue.
  static constexpr char kCounter[] =
      "UPDATE conversations SET last_seq = last_seq + 1, "
      "updated_at = CASE WHEN updated_at > ?2 THEN updated_at ELSE ?2 END "
      "WHERE conversation_id = ?1 RETURNING last_seq";
  static constexpr char kSequence[] =
      "WITH touched AS (UPDATE conversations SET updated_at = ?2 WHERE conversation_id = "
      "(SELECT conversation_id FROM conversations WHERE conversation_id = ?1 AND updated_at < ?2 "
      "FOR NO KEY UPDATE SKIP LOCKED)) "
      "SELECT nextval('message_seq') FROM conversations WHERE conversation_id = ?1";
  absl::StatusOr<Statement> stmt =
      db_.Prepare(db_.engine() == DatabaseUrl::Engine::kPostgres ? kSequence : kCounter);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, conversation_id).BindTime(2, at);
  absl::StatusOr<std::optional<int64_t>> seq =
      FirstRow<int64_t>(*stmt, [](const Statement& s) { return s.ColumnInt(0); });
  if (!seq.ok()) return seq.status();
  if (absl::Status s = stmt->Run(); !s.ok()) return s;
  if (!*seq) {
    return absl::FailedPreconditionError(
        absl::StrCat("message for unknown conversation ", conversation_id));
  }
  return **seq;
}

absl::Status MessageRepository::Insert(MessageRecord& m) {
  absl::StatusOr<int64_t> seq = JoinConversation(m.conversation_id, m.created_at);
  if (!seq.ok()) return seq.status();
  m.seq = *seq;
  return ExecOne(
      db_,
      "INSERT INTO messages (message_id, property_id, conversation_id, seq, direction, "
      "message_type, body, payload, guest_phone, status, staff_member_id, whatsapp_message_id, "
      "reply_to_message_id, created_at, next_attempt_at, phone_number_id, scheduled_for, "
      "valid_until, quiet_hours, marketing, relative_to, relative_offset) VALUES (?1, ?2, ?3, "
      "?15, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULLIF(?11, ''), ?12, ?13, ?14, ?16, ?17, ?18, ?19, "
      "?20, ?21, ?22)",
      m.message_id, m.property_id, m.conversation_id, static_cast<int>(m.direction),
      static_cast<int>(m.message_type), m.body, m.payload, m.guest_phone,
      static_cast<int>(m.status), m.staff_member_id, m.whatsapp_message_id, m.reply_to_message_id,
      m.created_at, m.next_attempt_at, m.seq, m.phone_number_id, m.scheduled_for, m.valid_until,
      m.quiet_hours ? 1 : 0, m.marketing ? 1 : 0, m.relative_to,
      absl::ToInt64Seconds(m.relative_offset));
}

absl::StatusOr<std::optional<MessageRecord>> MessageRepository::Get(const std::string& id) {
  static const std::string sql = std::string(kSelect) + "WHERE message_id = ?";
  return FindOne(db_, sql, id);
}

absl::StatusOr<std::optional<MessageRecord>> MessageRepository::FindByWhatsAppId(
    const std::string& wamid) {
  static const std::string sql = std::string(kSelect) + "WHERE whatsapp_message_id = ?";
  return FindOne(db_, sql, wamid);
}

absl::StatusOr<std::vector<MessageRecord>> MessageRepository::ListByConversation(
    const std::string& conversation_id, int limit) {
  static const std::string sql = "SELECT * FROM (" + std::string(kSelect) +
                                 "WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?) AS recent "
                                 "ORDER BY seq";
  return QueryAll<MessageRecord>(db_, sql, ReadMessage, conversation_id, limit);
}

absl::StatusOr<std::optional<MessageRecord>> MessageRepository::LatestInbound(
    const std::string& conversation_id) {
  static const std::string sql =
      absl::StrCat(kSelect, "WHERE conversation_id = ? AND direction = ", v1::DIRECTION_INBOUND,
                   " ORDER BY seq DESC LIMIT 1");
  return FindOne(db_, sql, conversation_id);
}

absl::StatusOr<std::vector<MessageRecord>> MessageRepository::ListAfter(
    const std::string& conversation_id, int64_t after_seq, int limit) {
  static const std::string sql =
      std::string(kSelect) + "WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?";
  return QueryAll<MessageRecord>(db_, sql, ReadMessage, conversation_id, after_seq, limit);
}

absl::StatusOr<std::vector<std::string>> MessageRepository::StaffParticipants(
    const std::string& conversation_id) {
  return QueryAll<std::string>(
      db_,
      "SELECT staff_member_id FROM messages WHERE conversation_id = ? AND staff_member_id != '' "
      "GROUP BY staff_member_id ORDER BY MIN(seq)",
      [](const Statement& s) { return s.ColumnText(0); }, conversation_id);
}

absl::StatusOr<std::vector<MessageRecord>> MessageRepository::DueForSending(absl::Time now,
                                                                            int limit) {
  static const std::string sql = std::string(kSelect) +
                                 "WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ? "
                                 "ORDER BY next_attempt_at LIMIT ?";
  return QueryAll<MessageRecord>(db_, sql, ReadMessage, now, limit);
}

absl::StatusOr<int> MessageRepository::CountBacklog(const std::string& property_id, int limit) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE property_id = ? "
      "AND next_attempt_at IS NOT NULL LIMIT ?) AS backlog");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, property_id).Bind(2, limit);
  absl::StatusOr<std::optional<int>> count =
      FirstRow<int>(*stmt, [](const Statement& s) { return static_cast<int>(s.ColumnInt(0)); });
  if (!count.ok()) return count.status();
  return count->value_or(0);
}

absl::StatusOr<std::optional<absl::Time>> MessageRepository::NextAttemptAt() {
  absl::StatusOr<Statement> stmt =
      db_.Prepare("SELECT MIN(next_attempt_at) FROM messages WHERE next_attempt_at IS NOT NULL");
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<std::optional<std::optional<absl::Time>>> row =
      FirstRow<std::optional<absl::Time>>(
          *stmt, [](const Statement& s) { return s.ColumnOptionalTime(0); });
  if (!row.ok()) return row.status();
  return row->value_or(std::nullopt);
}

absl::StatusOr<bool> MessageRepository::Claim(const std::string& message_id, absl::Time now,
                                              absl::Time hold_until) {
  // The condition is checked again on the row as it is when the update
  // runs (PostgreSQL waits for a concurrent claim to commit, then finds
  // the row no longer due): of two instances, one wins.
  RETURN_IF_ERROR(
      ExecOne(db_,
              "UPDATE messages SET next_attempt_at = ?1, attempts = attempts + 1, claimed = 1 "
              "WHERE message_id = ?2 AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?3",
              hold_until, message_id, now));
  return db_.Changes() > 0;
}

absl::StatusOr<bool> MessageRepository::DeferDue(const std::string& message_id, absl::Time now,
                                                 absl::Time at, const std::string& reason) {
  RETURN_IF_ERROR(
      ExecOne(db_,
              "UPDATE messages SET next_attempt_at = ?1, failure_reason = ?2 "
              "WHERE message_id = ?3 AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?4",
              at, reason, message_id, now));
  return db_.Changes() > 0;
}

absl::Status MessageRepository::Defer(const std::string& message_id, absl::Time at,
                                      const std::string& reason) {
  return ExecOne(db_,
                 "UPDATE messages SET next_attempt_at = ?, failure_reason = ?, claimed = 0 "
                 "WHERE message_id = ? AND next_attempt_at IS NOT NULL",
                 at, reason, message_id);
}

absl::Status MessageRepository::MarkAccepted(const std::string& message_id,
                                             const std::string& wamid) {
  // A status callback may have settled the message first (it carries our
  // id); then the wamid is already there and nothing is waiting.
  return ExecOne(
      db_,
      "UPDATE messages SET whatsapp_message_id = ?, next_attempt_at = NULL, failure_reason = '' "
      "WHERE message_id = ?",
      wamid, message_id);
}

absl::Status MessageRepository::UpdateStatus(const MessageRecord& m) {
  return ExecOne(
      db_,
      "UPDATE messages SET status = ?, sent_at = ?, delivered_at = ?, read_at = ?, failed_at = ?, "
      "failure_code = ?, failure_reason = ?, next_attempt_at = ?, "
      "whatsapp_message_id = NULLIF(?, '') WHERE message_id = ?",
      static_cast<int>(m.status), m.sent_at, m.delivered_at, m.read_at, m.failed_at, m.failure_code,
      m.failure_reason, m.next_attempt_at, m.whatsapp_message_id, m.message_id);
}

absl::StatusOr<std::vector<MessageRecord>> MessageRepository::DueScheduled(absl::Time now,
                                                                           int limit) {
  static const std::string sql =
      absl::StrCat(kSelect, "WHERE status = ", v1::MESSAGE_STATUS_SCHEDULED,
                   " AND scheduled_for <= ? ORDER BY scheduled_for LIMIT ?");
  return QueryAll<MessageRecord>(db_, sql, ReadMessage, now, limit);
}

absl::StatusOr<std::optional<absl::Time>> MessageRepository::NextScheduledAt() {
  static const std::string sql = absl::StrCat(
      "SELECT MIN(scheduled_for) FROM messages WHERE status = ", v1::MESSAGE_STATUS_SCHEDULED);
  absl::StatusOr<Statement> stmt = db_.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<std::optional<std::optional<absl::Time>>> row =
      FirstRow<std::optional<absl::Time>>(
          *stmt, [](const Statement& s) { return s.ColumnOptionalTime(0); });
  if (!row.ok()) return row.status();
  return row->value_or(std::nullopt);
}

absl::StatusOr<bool> MessageRepository::Release(const std::string& message_id, absl::Time now) {
  RETURN_IF_ERROR(ExecOne(db_,
                          "UPDATE messages SET status = ?1, next_attempt_at = ?2 "
                          "WHERE message_id = ?3 AND status = ?4 AND scheduled_for <= ?2",
                          static_cast<int>(v1::MESSAGE_STATUS_QUEUED), now, message_id,
                          static_cast<int>(v1::MESSAGE_STATUS_SCHEDULED)));
  return db_.Changes() > 0;
}

absl::StatusOr<bool> MessageRepository::Reschedule(const std::string& message_id, absl::Time at,
                                                   const std::string& relative_to,
                                                   absl::Duration offset) {
  RETURN_IF_ERROR(
      ExecOne(db_,
              "UPDATE messages SET scheduled_for = ?1, relative_to = ?2, relative_offset = ?3 "
              "WHERE message_id = ?4 AND status = ?5",
              at, relative_to, absl::ToInt64Seconds(offset), message_id,
              static_cast<int>(v1::MESSAGE_STATUS_SCHEDULED)));
  return db_.Changes() > 0;
}

absl::StatusOr<bool> MessageRepository::End(const std::string& message_id, EndFrom from,
                                            v1::MessageStatus status, absl::Time at, int code,
                                            const std::string& reason) {
  const int scheduled = v1::MESSAGE_STATUS_SCHEDULED;
  const int queued = v1::MESSAGE_STATUS_QUEUED;
  std::string condition;
  switch (from) {
    case EndFrom::kScheduled:
      condition = absl::StrCat("status = ", scheduled);
      break;
    case EndFrom::kQueued:
      condition = absl::StrCat("status = ", queued, " AND next_attempt_at IS NOT NULL");
      break;
    case EndFrom::kQueuedDue:
      condition = absl::StrCat("status = ", queued, " AND next_attempt_at <= ?2");
      break;
    case EndFrom::kCancellable:
      condition = absl::StrCat("(status = ", scheduled, " OR (status = ", queued,
                               " AND next_attempt_at IS NOT NULL AND claimed = 0))");
      break;
  }
  RETURN_IF_ERROR(ExecOne(db_,
                          absl::StrCat("UPDATE messages SET status = ?1, failed_at = ?2, "
                                       "failure_code = ?3, failure_reason = ?4, "
                                       "next_attempt_at = NULL WHERE message_id = ?5 AND ",
                                       condition),
                          static_cast<int>(status), at, code, reason, message_id));
  return db_.Changes() > 0;
}

absl::StatusOr<std::vector<MessageRecord>> MessageRepository::ScheduledRelative(
    const std::string& conversation_id) {
  static const std::string sql =
      absl::StrCat(kSelect, "WHERE conversation_id = ? AND status = ", v1::MESSAGE_STATUS_SCHEDULED,
                   " AND relative_to != ''");
  return QueryAll<MessageRecord>(db_, sql, ReadMessage, conversation_id);
}

absl::StatusOr<std::vector<MessageRecord>> MessageRepository::List(const Filter& f, int limit) {
  static const std::string sql =
      absl::StrCat(kSelect, "WHERE property_id = ?1 AND direction = ", v1::DIRECTION_OUTBOUND,
                   " AND (?2 = 0 OR status = ?2) AND (?3 = '' OR conversation_id = ?3) "
                   "AND (?4 = '' OR guest_phone = ?4) AND (?5 IS NULL OR scheduled_for < ?5) "
                   "AND (?6 IS NULL OR created_at < ?6 OR (created_at = ?6 AND message_id < ?7)) "
                   "ORDER BY created_at DESC, message_id DESC LIMIT ?8");
  return QueryAll<MessageRecord>(db_, sql, ReadMessage, f.property_id, static_cast<int>(f.status),
                                 f.conversation_id, f.guest_key, f.scheduled_before,
                                 f.before_created_at, f.before_message_id, limit);
}

}  // namespace wa::storage
