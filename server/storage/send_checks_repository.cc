#include "server/storage/send_checks_repository.h"

#include "absl/strings/str_cat.h"
#include "server/storage/conversation_repository.h"
#include "server/storage/statements.h"

namespace wa::storage {
namespace {

// Columns: the consent (0-2, NULL when none), the guest's last inbound
// time (3), then the conversation's (4 on, NULL when none).
// Each part is a derived table of at most one row, joined to one row, so a
// part that finds nothing leaves its columns NULL and the others stand.
constexpr int kConversationColumn = 4;

const std::string& Sql() {
  static const std::string* sql = new std::string(absl::StrCat(
      "SELECT k.opted_out, k.marketing_opted_out, k.updated_at, g.last_inbound_at, ",
      kConversationFields,
      "0 FROM (SELECT 1 AS one) AS o "
      // As GetOrErased: the live consent before an erasure's kept one.
      "LEFT JOIN (SELECT opted_out, marketing_opted_out, updated_at, 0 AS erased "
      "FROM guest_consent WHERE property_id = ?1 AND guest_phone = ?2 "
      "UNION ALL SELECT opted_out, marketing_opted_out, erased_at, 1 FROM guest_erasures "
      "WHERE property_id = ?1 AND guest_hash = ?3 ORDER BY 4 LIMIT 1) AS k ON 1 = 1 "
      "LEFT JOIN (SELECT last_inbound_at FROM guests "
      "WHERE property_id = ?1 AND guest_phone = ?2) AS g ON 1 = 1 "
      "LEFT JOIN conversations c ON c.conversation_id = CASE WHEN ?4 <> '' THEN ?4 ELSE "
      "(SELECT a.conversation_id FROM conversations a WHERE a.property_id = ?1 "
      "AND a.guest_phone = ?2 AND a.status = ?5 ORDER BY a.updated_at DESC LIMIT 1) END"));
  return *sql;
}

SendChecksRecord ReadChecks(const Statement& stmt) {
  SendChecksRecord checks;
  if (!stmt.ColumnIsNull(0)) {
    checks.consent =
        ConsentRecord{stmt.ColumnInt(0) != 0, stmt.ColumnInt(1) != 0, stmt.ColumnOptionalTime(2)};
  }
  checks.last_inbound_at = stmt.ColumnOptionalTime(3);
  if (!stmt.ColumnIsNull(kConversationColumn)) {
    checks.conversation = ReadConversationAt(stmt, kConversationColumn);
  }
  return checks;
}

}  // namespace

absl::StatusOr<SendChecksRecord> SendChecksRepository::Read(const std::string& property_id,
                                                            const std::string& guest_key,
                                                            const std::string& guest_hash,
                                                            const std::string& conversation_id) {
  ASSIGN_OR_RETURN(std::optional<SendChecksRecord> checks,
                   QueryOne<SendChecksRecord>(db_, Sql(), ReadChecks, property_id, guest_key,
                                              guest_hash, conversation_id,
                                              static_cast<int>(v1::CONVERSATION_STATUS_ACTIVE)));
  // The statement always answers its one row.
  return checks.value_or(SendChecksRecord{});
}

}  // namespace wa::storage
