#include "server/storage/guest_repository.h"

#include "server/storage/statements.h"

namespace wa::storage {

absl::StatusOr<std::optional<GuestRecord>> GuestRepository::Get(const std::string& property_id,
                                                                const std::string& guest_phone) {
  absl::StatusOr<Statement> stmt = db_.Prepare(
      "SELECT profile_name, last_inbound_at FROM guests WHERE property_id = ? AND guest_phone = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, property_id).Bind(2, guest_phone);
  return FirstRow<GuestRecord>(*stmt, [&](const Statement& row) {
    return GuestRecord{property_id, guest_phone, row.ColumnText(0), row.ColumnOptionalTime(1)};
  });
}

absl::Status GuestRepository::RecordInbound(const std::string& property_id,
                                            const std::string& guest_phone, absl::Time at,
                                            const std::string& profile_name) {
  return ExecOne(db_,
                 "INSERT INTO guests (property_id, guest_phone, profile_name, last_inbound_at) "
                 "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (property_id, guest_phone) DO UPDATE SET "
                 "last_inbound_at = CASE WHEN COALESCE(guests.last_inbound_at, 0) > ?4 "
                 "THEN guests.last_inbound_at ELSE ?4 END, "
                 "profile_name = CASE WHEN ?3 = '' THEN guests.profile_name ELSE ?3 END",
                 property_id, guest_phone, profile_name, at);
}

}  // namespace wa::storage
