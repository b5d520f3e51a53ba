#include "server/storage/webhook_repository.h"

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/storage/statements.h"

namespace wa::storage {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

constexpr char kConfigColumns[] =
    "SELECT property_id, webhook_url, events, verify_token, max_retries, retry_delay_ms, secret, "
    "previous_secret, previous_secret_expires_at, verified, verification_error, updated_at, "
    "down_since, paused_until, probe_failures FROM webhook_configs ";

WebhookConfigRecord ReadConfig(const Statement& s) {
  WebhookConfigRecord c;
  c.property_id = s.ColumnText(0);
  c.webhook_url = s.ColumnText(1);
  c.events = absl::StrSplit(s.ColumnText(2), ',', absl::SkipEmpty());
  c.verify_token = s.ColumnText(3);
  c.max_retries = static_cast<int>(s.ColumnInt(4));
  c.retry_delay_ms = static_cast<int>(s.ColumnInt(5));
  c.secret = s.ColumnText(6);
  c.previous_secret = s.ColumnText(7);
  c.previous_secret_expires_at = s.ColumnOptionalTime(8);
  c.verified = s.ColumnInt(9) != 0;
  c.verification_error = s.ColumnText(10);
  c.updated_at = s.ColumnTime(11);
  c.down_since = s.ColumnOptionalTime(12);
  c.paused_until = s.ColumnOptionalTime(13);
  c.probe_failures = static_cast<int>(s.ColumnInt(14));
  return c;
}

// Columns of an event, prefixed with "e." so joins can share them.
constexpr char kEventColumns[] =
    "SELECT e.seq, e.event_id, e.property_id, e.event, e.ordering_key, e.payload, e.occurred_at, "
    "e.status, e.attempts, e.failures, e.next_attempt_at, e.last_http_status, e.last_error, "
    "e.delivered_at, e.failed_at FROM webhook_events e ";

WebhookEventRecord ReadEvent(const Statement& s) {
  WebhookEventRecord e;
  e.seq = s.ColumnInt(0);
  e.event_id = s.ColumnText(1);
  e.property_id = s.ColumnText(2);
  e.event = s.ColumnText(3);
  e.ordering_key = s.ColumnText(4);
  e.payload = s.ColumnText(5);
  e.occurred_at = s.ColumnTime(6);
  e.status = static_cast<v1::DeliveryStatus>(s.ColumnInt(7));
  e.attempts = static_cast<int>(s.ColumnInt(8));
  e.failures = static_cast<int>(s.ColumnInt(9));
  e.next_attempt_at = s.ColumnOptionalTime(10);
  e.last_http_status = static_cast<int>(s.ColumnInt(11));
  e.last_error = s.ColumnText(12);
  e.delivered_at = s.ColumnOptionalTime(13);
  e.failed_at = s.ColumnOptionalTime(14);
  return e;
}

}  // namespace

absl::StatusOr<std::optional<WebhookConfigRecord>> WebhookRepository::GetConfig(
    const std::string& property_id) {
  static const std::string sql = std::string(kConfigColumns) + "WHERE property_id = ?";
  return QueryOne<WebhookConfigRecord>(db_, sql, ReadConfig, property_id);
}

absl::Status WebhookRepository::PutConfig(const WebhookConfigRecord& c) {
  return ExecOne(
      db_,
      "INSERT INTO webhook_configs (property_id, webhook_url, events, verify_token, "
      "max_retries, retry_delay_ms, secret, previous_secret, previous_secret_expires_at, "
      "verified, verification_error, updated_at, down_since, paused_until, probe_failures) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, 0) "
      "ON CONFLICT (property_id) DO UPDATE SET webhook_url = excluded.webhook_url, "
      "events = excluded.events, verify_token = excluded.verify_token, "
      "max_retries = excluded.max_retries, retry_delay_ms = excluded.retry_delay_ms, "
      "secret = excluded.secret, previous_secret = excluded.previous_secret, "
      "previous_secret_expires_at = excluded.previous_secret_expires_at, "
      "verified = excluded.verified, verification_error = excluded.verification_error, "
      "updated_at = excluded.updated_at, down_since = NULL, paused_until = NULL, "
      "probe_failures = 0",
      c.property_id, c.webhook_url, absl::StrJoin(c.events, ","), c.verify_token, c.max_retries,
      c.retry_delay_ms, c.secret, c.previous_secret, c.previous_secret_expires_at,
      c.verified ? 1 : 0, c.verification_error, c.updated_at);
}

absl::Status WebhookRepository::SetSecrets(const std::string& property_id,
                                           const std::string& secret,
                                           const std::string& previous_secret,
                                           std::optional<absl::Time> previous_expires_at) {
  return ExecOne(
      db_,
      "UPDATE webhook_configs SET secret = ?, previous_secret = ?, previous_secret_expires_at = ? "
      "WHERE property_id = ?",
      secret, previous_secret, previous_expires_at, property_id);
}

absl::Status WebhookRepository::MarkEndpointUp(const std::string& property_id) {
  return ExecOne(
      db_,
      "UPDATE webhook_configs SET down_since = NULL, paused_until = NULL, probe_failures = 0 "
      "WHERE property_id = ? AND (down_since IS NOT NULL OR paused_until IS NOT NULL)",
      property_id);
}

absl::Status WebhookRepository::MarkEndpointDown(const std::string& property_id, absl::Time now,
                                                 absl::Time probe_at) {
  RETURN_IF_ERROR(
      ExecOne(db_,
              "UPDATE webhook_configs SET down_since = COALESCE(down_since, ?), paused_until = ?, "
              "probe_failures = probe_failures + 1 WHERE property_id = ?",
              now, probe_at, property_id));
  // Its waiting events move to the probe time too, so the poller does not
  // scan a growing backlog that cannot go anywhere yet.
  return ExecOne(db_,
                 "UPDATE webhook_events SET next_attempt_at = ?1 "
                 "WHERE property_id = ?2 AND status = 1 AND next_attempt_at < ?1",
                 probe_at, property_id);
}

absl::Status WebhookRepository::PauseEndpoint(const std::string& property_id, absl::Time until) {
  return ExecOne(db_, "UPDATE webhook_configs SET paused_until = ? WHERE property_id = ?", until,
                 property_id);
}

absl::Status WebhookRepository::InsertEvent(const WebhookEventRecord& e) {
  return ExecOne(db_,
                 "INSERT INTO webhook_events (event_id, property_id, event, ordering_key, payload, "
                 "occurred_at, status, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 e.event_id, e.property_id, e.event, e.ordering_key, e.payload, e.occurred_at,
                 static_cast<int>(e.status), e.next_attempt_at);
}

absl::StatusOr<std::vector<WebhookEventRecord>> WebhookRepository::DueEvents(absl::Time now,
                                                                             int limit) {
  static const std::string sql =
      std::string(kEventColumns) +
      "JOIN webhook_configs c ON c.property_id = e.property_id "
      "WHERE e.status = 1 AND e.next_attempt_at <= ?1 "
      "AND (c.paused_until IS NULL OR c.paused_until <= ?1) "
      "AND (e.ordering_key = '' OR NOT EXISTS (SELECT 1 FROM webhook_events p "
      "WHERE p.status = 1 AND p.property_id = e.property_id "
      "AND p.ordering_key = e.ordering_key AND p.seq < e.seq)) "
      "ORDER BY e.next_attempt_at, e.seq LIMIT ?2";
  return QueryAll<WebhookEventRecord>(db_, sql, ReadEvent, now, limit);
}

absl::StatusOr<std::optional<absl::Time>> WebhookRepository::NextDueAt() {
  absl::StatusOr<Statement> stmt =
      db_.Prepare("SELECT MIN(next_attempt_at) FROM webhook_events WHERE status = 1");
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<std::optional<std::optional<absl::Time>>> row =
      FirstRow<std::optional<absl::Time>>(
          *stmt, [](const Statement& s) { return s.ColumnOptionalTime(0); });
  if (!row.ok()) return row.status();
  return row->value_or(std::nullopt);
}

absl::Status WebhookRepository::Reschedule(const std::string& event_id, absl::Time at) {
  return ExecOne(db_,
                 "UPDATE webhook_events SET next_attempt_at = ? WHERE event_id = ? AND status = 1",
                 at, event_id);
}

absl::StatusOr<bool> WebhookRepository::Claim(const std::string& event_id, absl::Time now,
                                              absl::Time hold_until) {
  RETURN_IF_ERROR(ExecOne(db_,
                          "UPDATE webhook_events SET next_attempt_at = ?1 "
                          "WHERE event_id = ?2 AND status = 1 AND next_attempt_at <= ?3",
                          hold_until, event_id, now));
  return db_.Changes() > 0;
}

absl::Status WebhookRepository::RecordAttempt(const WebhookAttemptRecord& a) {
  RETURN_IF_ERROR(ExecOne(
      db_,
      "INSERT INTO webhook_attempts (event_id, attempt, at, http_status, latency_ms, error) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      a.event_id, a.attempt, a.at, a.http_status, a.latency_ms, a.error));
  return ExecOne(db_, "UPDATE webhook_events SET attempts = attempts + 1 WHERE event_id = ?",
                 a.event_id);
}

absl::Status WebhookRepository::MarkDelivered(const std::string& event_id, absl::Time at,
                                              int http_status) {
  return ExecOne(db_,
                 "UPDATE webhook_events SET status = 2, delivered_at = ?, next_attempt_at = NULL, "
                 "last_http_status = ?, last_error = '' WHERE event_id = ?",
                 at, http_status, event_id);
}

absl::Status WebhookRepository::MarkRetry(const std::string& event_id, absl::Time retry_at,
                                          int http_status, const std::string& error, bool counted) {
  return ExecOne(
      db_,
      "UPDATE webhook_events SET next_attempt_at = ?, last_http_status = ?, last_error = ?, "
      "failures = failures + ? WHERE event_id = ? AND status = 1",
      retry_at, http_status, error, counted ? 1 : 0, event_id);
}

absl::Status WebhookRepository::MarkFailed(const std::string& event_id, absl::Time at,
                                           int http_status, const std::string& error) {
  return ExecOne(db_,
                 "UPDATE webhook_events SET status = 3, failed_at = ?, next_attempt_at = NULL, "
                 "last_http_status = ?, last_error = ?, failures = failures + 1 "
                 "WHERE event_id = ? AND status = 1",
                 at, http_status, error, event_id);
}

absl::StatusOr<std::optional<WebhookEventRecord>> WebhookRepository::GetEvent(
    const std::string& property_id, const std::string& event_id) {
  static const std::string sql =
      std::string(kEventColumns) + "WHERE e.event_id = ? AND e.property_id = ?";
  return QueryOne<WebhookEventRecord>(db_, sql, ReadEvent, event_id, property_id);
}

absl::StatusOr<std::vector<WebhookEventRecord>> WebhookRepository::ListEvents(
    const WebhookEventFilter& f) {
  // One statement for every combination of filters: an unset filter
  // matches everything.
  static const std::string sql =
      std::string(kEventColumns) +
      "WHERE e.property_id = ?1 AND (?2 = 0 OR e.status = ?2) AND (?3 = '' OR e.event = ?3) "
      "AND (?4 IS NULL OR e.occurred_at >= ?4) AND (?5 IS NULL OR e.occurred_at < ?5) "
      "AND (?6 = 0 OR e.seq < ?6) ORDER BY e.seq DESC LIMIT ?7";
  return QueryAll<WebhookEventRecord>(db_, sql, ReadEvent, f.property_id,
                                      static_cast<int>(f.status), f.event, f.since, f.until,
                                      f.before_seq, f.limit);
}

absl::StatusOr<std::vector<WebhookAttemptRecord>> WebhookRepository::ListAttempts(
    const std::string& event_id) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "SELECT event_id, attempt, at, http_status, latency_ms, error FROM webhook_attempts "
      "WHERE event_id = ? ORDER BY id");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, event_id);
  return CollectRows<WebhookAttemptRecord>(*stmt, [](const Statement& s) {
    WebhookAttemptRecord a;
    a.event_id = s.ColumnText(0);
    a.attempt = static_cast<int>(s.ColumnInt(1));
    a.at = s.ColumnTime(2);
    a.http_status = static_cast<int>(s.ColumnInt(3));
    a.latency_ms = s.ColumnInt(4);
    a.error = s.ColumnText(5);
    return a;
  });
}

absl::Status WebhookRepository::Requeue(const std::string& event_id, absl::Time now) {
  return ExecOne(db_,
                 "UPDATE webhook_events SET status = 1, failures = 0, next_attempt_at = ?, "
                 "delivered_at = NULL, failed_at = NULL WHERE event_id = ?",
                 now, event_id);
}

absl::StatusOr<int> WebhookRepository::RequeueFailedSince(const std::string& property_id,
                                                          absl::Time since, absl::Time now) {
  RETURN_IF_ERROR(ExecOne(
      db_,
      "UPDATE webhook_events SET status = 1, failures = 0, next_attempt_at = ?, failed_at = NULL "
      "WHERE property_id = ? AND status = 3 AND failed_at >= ?",
      now, property_id, since));
  return static_cast<int>(db_.Changes());
}

}  // namespace wa::storage
