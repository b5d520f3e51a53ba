#include "server/storage/analytics_repository.h"

#include "absl/strings/str_cat.h"
#include "hotel/whatsapp/v1/common.pb.h"

namespace wa::storage {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

// The scope's condition on messages `m`: ?1 is the conversation or the
// property, ?2 and ?3 the range (bound but unused for a conversation).
std::string MessageScope(const AnalyticsScope& scope) {
  return scope.conversation_id.empty()
             ? "m.property_id = ?1 AND m.created_at >= ?2 AND m.created_at < ?3"
             : "m.conversation_id = ?1";
}

void BindScope(Statement& stmt, const AnalyticsScope& scope) {
  stmt.Bind(1, scope.conversation_id.empty() ? scope.property_id : scope.conversation_id)
      .BindTime(2, scope.start)
      .BindTime(3, scope.end);
}

// The group key of an outbound message `m` in conversation `c`.
std::string MessageKey(Grouping grouping) {
  switch (grouping) {
    case Grouping::kStaffMember:
      return "m.staff_member_id";
    case Grouping::kDepartment:
      return "c.department";
    case Grouping::kTemplate:
      return "COALESCE(json_extract(m.payload, '$.template.name'), '')";
    case Grouping::kOverall:
      break;
  }
  return "''";
}

std::string TemplateOnly(Grouping grouping) {
  return grouping == Grouping::kTemplate
             ? absl::StrCat(" AND m.message_type = ", v1::MESSAGE_TYPE_TEMPLATE)
             : "";
}

absl::Status AddFailureReasons(Database& db, const AnalyticsScope& scope, Grouping grouping,
                               std::map<std::string, DeliveryCounts>& out) {
  absl::StatusOr<Statement> stmt = db.Prepare(absl::StrCat(
      "SELECT ", MessageKey(grouping),
      ", CASE WHEN m.failure_reason != '' THEN m.failure_reason "
      "ELSE CAST(m.failure_code AS TEXT) END AS reason, COUNT(*) "
      "FROM messages m JOIN conversations c ON c.conversation_id = m.conversation_id "
      "WHERE ",
      MessageScope(scope), " AND m.direction = ", v1::DIRECTION_OUTBOUND,
      " AND m.status = ", v1::MESSAGE_STATUS_FAILED, TemplateOnly(grouping), " GROUP BY 1, 2"));
  if (!stmt.ok()) return stmt.status();
  BindScope(*stmt, scope);
  while (true) {
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
    out[stmt->ColumnText(0)].failure_reasons[stmt->ColumnText(1)] = stmt->ColumnInt(2);
  }
}

}  // namespace

absl::StatusOr<std::map<std::string, DeliveryCounts>> AnalyticsRepository::Delivery(
    const AnalyticsScope& scope, Grouping grouping) {
  std::string sent_or_later =
      absl::StrCat("m.sent_at IS NOT NULL OR m.status IN (", v1::MESSAGE_STATUS_SENT, ", ",
                   v1::MESSAGE_STATUS_DELIVERED, ", ", v1::MESSAGE_STATUS_READ, ")");
  absl::StatusOr<Statement> stmt = db_.Prepare(absl::StrCat(
      "SELECT ", MessageKey(grouping), ", COUNT(*), COUNT(CASE WHEN ", sent_or_later,
      " THEN 1 END), ",
      "COUNT(CASE WHEN m.delivered_at IS NOT NULL OR m.read_at IS NOT NULL THEN 1 END), ",
      "COUNT(CASE WHEN m.read_at IS NOT NULL THEN 1 END), ",
      "COUNT(CASE WHEN m.status = ", v1::MESSAGE_STATUS_FAILED, " THEN 1 END), ",
      "COUNT(CASE WHEN m.scheduled_for IS NOT NULL THEN 1 END), ",
      "COUNT(CASE WHEN m.status = ", v1::MESSAGE_STATUS_CANCELLED, " THEN 1 END), ",
      "COUNT(CASE WHEN m.status = ", v1::MESSAGE_STATUS_EXPIRED, " THEN 1 END) ",
      "FROM messages m JOIN conversations c ON c.conversation_id = m.conversation_id "
      "WHERE ",
      MessageScope(scope), " AND m.direction = ", v1::DIRECTION_OUTBOUND, TemplateOnly(grouping),
      " GROUP BY 1"));
  if (!stmt.ok()) return stmt.status();
  BindScope(*stmt, scope);
  std::map<std::string, DeliveryCounts> out;
  while (true) {
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out[stmt->ColumnText(0)] =
        DeliveryCounts{stmt->ColumnInt(1), stmt->ColumnInt(2), stmt->ColumnInt(3),
                       stmt->ColumnInt(4), stmt->ColumnInt(5), {},
                       stmt->ColumnInt(6), stmt->ColumnInt(7), stmt->ColumnInt(8)};
  }
  if (auto s = AddFailureReasons(db_, scope, grouping, out); !s.ok()) return s;
  return out;
}

absl::StatusOr<std::map<std::string, ResponseStats>> AnalyticsRepository::Responses(
    const AnalyticsScope& scope, Grouping grouping) {
  if (grouping == Grouping::kTemplate) return std::map<std::string, ResponseStats>();
  // A guest turn's response is credited to the staff member who answered
  // it; a staff turn's to the staff member the guest answered.
  std::string key = grouping == Grouping::kStaffMember
                        ? absl::StrCat("CASE WHEN t.dir = ", v1::DIRECTION_INBOUND,
                                       " THEN t.next_staff ELSE t.staff END")
                    : grouping == Grouping::kDepartment ? "c.department"
                                                        : "''";
  absl::StatusOr<Statement> stmt = db_.Prepare(absl::StrCat(
      "WITH runs AS (SELECT m.conversation_id AS conv, m.seq, m.direction AS dir, "
      "m.created_at AS at, m.staff_member_id AS staff, "
      "LAG(m.direction) OVER (PARTITION BY m.conversation_id ORDER BY m.seq) AS prev_dir "
      "FROM messages m WHERE ",
      MessageScope(scope),
      "), turns AS (SELECT conv, dir, at, staff, "
      "LEAD(at) OVER w AS next_at, LEAD(staff) OVER w AS next_staff, "
      "LEAD(dir) OVER w AS next_dir, "
      "ROW_NUMBER() OVER (PARTITION BY conv, dir ORDER BY seq) AS nth "
      "FROM runs WHERE prev_dir IS NULL OR prev_dir != dir "
      "WINDOW w AS (PARTITION BY conv ORDER BY seq)) "
      "SELECT ",
      key,
      ", t.dir, COUNT(*), AVG(t.next_at - t.at) / 1e6, MAX(t.next_at - t.at) / 1e6, "
      "AVG(CASE WHEN t.nth = 1 THEN t.next_at - t.at END) / 1e6 "
      "FROM turns t JOIN conversations c ON c.conversation_id = t.conv "
      "WHERE t.next_dir IS NOT NULL GROUP BY 1, 2"));
  if (!stmt.ok()) return stmt.status();
  BindScope(*stmt, scope);
  std::map<std::string, ResponseStats> out;
  while (true) {
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    ResponseStats& r = out[stmt->ColumnText(0)];
    if (stmt->ColumnInt(1) == v1::DIRECTION_INBOUND) {
      r.staff_responses = stmt->ColumnInt(2);
      r.staff_average = stmt->ColumnDouble(3);
      r.staff_longest = stmt->ColumnDouble(4);
      r.first_response = stmt->ColumnDouble(5);
    } else {
      r.guest_responses = stmt->ColumnInt(2);
      r.guest_average = stmt->ColumnDouble(3);
    }
  }
}

absl::StatusOr<std::map<std::string, RatingStats>> AnalyticsRepository::Ratings(
    const AnalyticsScope& scope, Grouping grouping) {
  std::string key = grouping == Grouping::kStaffMember  ? "c.resolved_by"
                    : grouping == Grouping::kDepartment ? "c.department"
                                                        : "''";
  if (grouping == Grouping::kTemplate) return std::map<std::string, RatingStats>();
  absl::StatusOr<Statement> stmt = db_.Prepare(
      absl::StrCat("SELECT ", key,
                   ", COUNT(*), AVG(c.satisfaction_rating) FROM conversations c "
                   "WHERE c.property_id = ?1 AND c.resolved_at >= ?2 AND c.resolved_at < ?3 "
                   "AND c.satisfaction_rating > 0 GROUP BY 1"));
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, scope.property_id).BindTime(2, scope.start).BindTime(3, scope.end);
  std::map<std::string, RatingStats> out;
  while (true) {
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out[stmt->ColumnText(0)] = RatingStats{stmt->ColumnInt(1), stmt->ColumnDouble(2)};
  }
}

}  // namespace wa::storage
