#include "server/storage/message_repository.h"

#include <algorithm>

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

// The messages due to be sent at ?1, oldest first, at most ?2.
const std::string& DueSql() {
  static const std::string sql = std::string(kSelect) +
                                 "WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ? "
                                 "ORDER BY next_attempt_at LIMIT ?";
  return sql;
}

absl::StatusOr<std::optional<MessageRecord>> FindOne(Database& db, const std::string& sql,
                                                     const std::string& key) {
  absl::StatusOr<Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, key);
  return FirstRow<MessageRecord>(*stmt, ReadMessage);
}

// A new message's columns and values; its seq comes last, after these.
constexpr char kInsertColumns[] =
    "INSERT INTO messages (message_id, property_id, conversation_id, direction, message_type, "
    "body, payload, guest_phone, status, staff_member_id, whatsapp_message_id, "
    "reply_to_message_id, created_at, next_attempt_at, phone_number_id, scheduled_for, "
    "valid_until, quiet_hours, marketing, relative_to, relative_offset, seq) ";
constexpr char kInsertValues[] =
    "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULLIF(?11, ''), ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
    "?19, ?20, ?21, ";

// The message number a statement returns; no row means no such conversation.
absl::StatusOr<int64_t> ReturnedSeq(Statement& stmt, const std::string& conversation_id) {
  absl::StatusOr<std::optional<int64_t>> seq =
      FirstRow<int64_t>(stmt, [](const Statement& s) { return s.ColumnInt(0); });
  if (!seq.ok()) return seq.status();
  RETURN_IF_ERROR(stmt.Run());
  if (!*seq) {
    return absl::FailedPreconditionError(
        absl::StrCat("message for unknown conversation ", conversation_id));
  }
  return **seq;
}

}  // namespace

absl::Status MessageRepository::Insert(MessageRecord& m) {
  // SQLite (one writer): the conversation's counter, bumped in place; the
  // same statement moves the conversation's update time forward (never
  // back) to the message's. Then the insert.
  //
  // PostgreSQL (several connections and instances), one statement: a
  // counter on the row would hold the row's lock until COMMIT returns,
  // through the WAL flush, so the sends of one conversation would commit
  // one at a time. The number comes instead from one sequence (migration
  // 20), which locks nothing: unique, and increasing in each conversation
  // in the order the numbers are taken, though not consecutive, and two
  // sends in flight together may commit in the other order (no reader pages
  // by seq across a concurrent send: BENCHMARKS.md, issue 25). The update
  // time moves forward unless another transaction holds the row (SKIP
  // LOCKED): that one is moving it to its own time, a concurrent one, and
  // waiting for it is what made the sends queue. The message is selected
  // from its conversation's row, so an unknown conversation inserts
  // nothing: PostgreSQL has no foreign key here (migration 22), whose
  // check locked the conversation's row for every send.
  static const std::string sqlite_insert =
      absl::StrCat(kInsertColumns, "VALUES (", kInsertValues, "?22)");
  static const std::string postgres_insert = absl::StrCat(
      "WITH touched AS (UPDATE conversations SET updated_at = ?13 WHERE conversation_id = "
      "(SELECT conversation_id FROM conversations WHERE conversation_id = ?3 AND updated_at < ?13 "
      "FOR NO KEY UPDATE SKIP LOCKED)) ",
      kInsertColumns, "SELECT ", kInsertValues,
      "nextval('message_seq') FROM conversations WHERE conversation_id = ?3 RETURNING seq");
  const bool postgres = db_.engine() == DatabaseUrl::Engine::kPostgres;
  if (!postgres) {
    absl::StatusOr<int64_t> seq = BumpConversation(m.conversation_id, m.created_at);
    if (!seq.ok()) return seq.status();
    m.seq = *seq;
  }
  absl::StatusOr<Statement> stmt = db_.Prepare(postgres ? postgres_insert : sqlite_insert);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, m.message_id).Bind(2, m.property_id).Bind(3, m.conversation_id);
  stmt->Bind(4, static_cast<int>(m.direction)).Bind(5, static_cast<int>(m.message_type));
  stmt->Bind(6, m.body).Bind(7, m.payload).Bind(8, m.guest_phone);
  stmt->Bind(9, static_cast<int>(m.status)).Bind(10, m.staff_member_id);
  stmt->Bind(11, m.whatsapp_message_id).Bind(12, m.reply_to_message_id);
  stmt->BindTime(13, m.created_at).BindOptionalTime(14, m.next_attempt_at);
  stmt->Bind(15, m.phone_number_id).BindOptionalTime(16, m.scheduled_for);
  stmt->BindOptionalTime(17, m.valid_until).Bind(18, m.quiet_hours ? 1 : 0);
  stmt->Bind(19, m.marketing ? 1 : 0).Bind(20, m.relative_to);
  stmt->Bind(21, absl::ToInt64Seconds(m.relative_offset));
  if (!postgres) {
    stmt->Bind(22, m.seq);
    return stmt->Run();
  }
  ASSIGN_OR_RETURN(m.seq, ReturnedSeq(*stmt, m.conversation_id));
  return absl::OkStatus();
}

absl::StatusOr<int64_t> MessageRepository::BumpConversation(const std::string& conversation_id,
                                                            absl::Time at) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "UPDATE conversations SET last_seq = last_seq + 1, "
      "updated_at = CASE WHEN updated_at > ?2 THEN updated_at ELSE ?2 END "
      "WHERE conversation_id = ?1 RETURNING last_seq");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, conversation_id).BindTime(2, at);
  return ReturnedSeq(*stmt, conversation_id);
}

absl::StatusOr<std::optional<MessageRecord>> MessageRepository::Get(const std::string& id) {
  static const std::string sql = std::string(kSelect) + "WHERE message_id = ?";
  return FindOne(db_, sql, id);
}

absl::StatusOr<std::vector<MessageRecord>> MessageRepository::GetAll(
    const std::vector<std::string>& message_ids) {
  if (message_ids.empty()) return std::vector<MessageRecord>();
  auto [marks, slots] = PaddedMarks(1, message_ids.size());
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare(absl::StrCat(kPlanEachRun, kSelect,
                                                            "WHERE message_id IN (", marks, ")")));
  for (size_t i = 0; i < slots; ++i) {
    stmt.Bind(static_cast<int>(i) + 1, message_ids[std::min(i, message_ids.size() - 1)]);
  }
  return CollectRows<MessageRecord>(stmt, ReadMessage);
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
  return QueryAll<MessageRecord>(db_, DueSql(), ReadMessage, now, limit);
}

absl::StatusOr<std::vector<MessageRecord>> MessageRepository::LockDueForSending(absl::Time now,
                                                                                int limit) {
  // PostgreSQL: the rows stay locked to this transaction, and another
  // instance's round skips them rather than reading them too, paying for
  // their pacing and losing the race to claim them.
  static const std::string locking = DueSql() + " FOR UPDATE OF messages SKIP LOCKED";
  return QueryAll<MessageRecord>(
      db_, db_.engine() == DatabaseUrl::Engine::kPostgres ? locking : DueSql(), ReadMessage, now,
      limit);
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
  absl::StatusOr<std::vector<std::string>> taken = ClaimAll({message_id}, now, hold_until);
  if (!taken.ok()) return taken.status();
  return !taken->empty();
}

absl::StatusOr<std::vector<std::string>> MessageRepository::ClaimAll(
    const std::vector<std::string>& message_ids, absl::Time now, absl::Time hold_until) {
  if (message_ids.empty()) return std::vector<std::string>();
  // The condition is checked again on each row as it is when the update
  // runs (PostgreSQL waits for a concurrent claim to commit, then finds
  // the row no longer due): of two instances, one wins.
  auto [marks, slots] = PaddedMarks(3, message_ids.size());
  std::string sql = absl::StrCat(
      kPlanEachRun,
      "UPDATE messages SET next_attempt_at = ?1, attempts = attempts + 1, claimed = 1 "
      "WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ?2 AND message_id IN (",
      marks, ") RETURNING message_id");
  absl::StatusOr<Statement> stmt = db_.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->BindTime(1, hold_until).BindTime(2, now);
  for (size_t i = 0; i < slots; ++i) {
    stmt->Bind(static_cast<int>(i) + 3, message_ids[std::min(i, message_ids.size() - 1)]);
  }
  return CollectRows<std::string>(*stmt, [](const Statement& s) { return s.ColumnText(0); });
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

absl::Status MessageRepository::MarkAccepted(const std::vector<Accepted>& accepted) {
  // A status callback may have settled a message first (it carries our
  // id); then the wamid is already there and nothing is waiting.
  static const std::string update =
      absl::StrCat(kPlanEachRun,
                   "UPDATE messages SET whatsapp_message_id = v.column2, next_attempt_at = NULL, "
                   "failure_reason = '' FROM (");
  return RunForRows(db_, update, ") AS v WHERE messages.message_id = v.column1", accepted,
                    [](const Accepted& a) { return std::make_tuple(a.message_id, a.wamid); });
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
