#include "server/storage/guest_identity_repository.h"

#include "server/storage/statements.h"

namespace wa::storage {
namespace {

constexpr char kSelect[] =
    "SELECT property_id, user_id, guest_key, phone, parent_user_id, username, profile_name, "
    "updated_at FROM guest_identities ";

GuestIdentityRecord ReadIdentity(const Statement& s) {
  return GuestIdentityRecord{s.ColumnText(0), s.ColumnText(1), s.ColumnText(2), s.ColumnText(3),
                             s.ColumnText(4), s.ColumnText(5), s.ColumnText(6), s.ColumnTime(7)};
}

// ?1 property, ?2 the key moved from, ?3 the key moved to. SQLite needs the
// WHERE in INSERT ... SELECT ... ON CONFLICT to tell the two apart.
constexpr const char* kMoveStatements[] = {
    "INSERT INTO guests (property_id, guest_phone, profile_name, last_inbound_at) "
    "SELECT property_id, CAST(?3 AS TEXT), profile_name, last_inbound_at FROM guests "
    "WHERE property_id = ?1 AND guest_phone = ?2 "
    "ON CONFLICT (property_id, guest_phone) DO UPDATE SET "
    "last_inbound_at = CASE WHEN COALESCE(guests.last_inbound_at, 0) > "
    "COALESCE(excluded.last_inbound_at, 0) THEN guests.last_inbound_at "
    "ELSE excluded.last_inbound_at END, "
    "profile_name = CASE WHEN guests.profile_name = '' THEN excluded.profile_name "
    "ELSE guests.profile_name END",
    "DELETE FROM guests WHERE property_id = ?1 AND guest_phone = ?2",
    "INSERT INTO guest_consent (property_id, guest_phone, opted_out, marketing_opted_out, "
    "updated_at) SELECT property_id, CAST(?3 AS TEXT), opted_out, marketing_opted_out, updated_at "
    "FROM guest_consent WHERE property_id = ?1 AND guest_phone = ?2 "
    "ON CONFLICT (property_id, guest_phone) DO UPDATE SET "
    "opted_out = CASE WHEN excluded.updated_at > guest_consent.updated_at "
    "THEN excluded.opted_out ELSE guest_consent.opted_out END, "
    "marketing_opted_out = CASE WHEN excluded.updated_at > guest_consent.updated_at "
    "THEN excluded.marketing_opted_out ELSE guest_consent.marketing_opted_out END, "
    "updated_at = CASE WHEN excluded.updated_at > guest_consent.updated_at "
    "THEN excluded.updated_at ELSE guest_consent.updated_at END",
    "DELETE FROM guest_consent WHERE property_id = ?1 AND guest_phone = ?2",
    "UPDATE consent_events SET guest_phone = ?3 WHERE property_id = ?1 AND guest_phone = ?2",
    "UPDATE conversations SET guest_phone = ?3 WHERE property_id = ?1 AND guest_phone = ?2",
    "UPDATE messages SET guest_phone = ?3 WHERE property_id = ?1 AND guest_phone = ?2",
    "UPDATE batch_items SET phone = ?3 WHERE phone = ?2 AND batch_id IN "
    "(SELECT batch_id FROM batches WHERE property_id = ?1)",
    "UPDATE guest_identities SET guest_key = ?3 WHERE property_id = ?1 AND guest_key = ?2",
};

}  // namespace

absl::StatusOr<std::optional<GuestIdentityRecord>> GuestIdentityRepository::FindByUserId(
    const std::string& property_id, const std::string& user_id) {
  return QueryOne<GuestIdentityRecord>(
      db_, std::string(kSelect) + "WHERE property_id = ? AND user_id = ?", ReadIdentity,
      property_id, user_id);
}

absl::StatusOr<std::optional<GuestIdentityRecord>> GuestIdentityRepository::LatestForKey(
    const std::string& property_id, const std::string& guest_key) {
  return QueryOne<GuestIdentityRecord>(
      db_,
      std::string(kSelect) +
          "WHERE property_id = ? AND guest_key = ? ORDER BY updated_at DESC LIMIT 1",
      ReadIdentity, property_id, guest_key);
}

absl::Status GuestIdentityRepository::Upsert(const GuestIdentityRecord& r) {
  return ExecOne(
      db_,
      "INSERT INTO guest_identities (property_id, user_id, guest_key, phone, parent_user_id, "
      "username, profile_name, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
      "ON CONFLICT (property_id, user_id) DO UPDATE SET guest_key = ?3, "
      "phone = CASE WHEN ?4 = '' THEN guest_identities.phone ELSE ?4 END, "
      "parent_user_id = CASE WHEN ?5 = '' THEN guest_identities.parent_user_id ELSE ?5 END, "
      "username = CASE WHEN ?6 = '' THEN guest_identities.username ELSE ?6 END, "
      "profile_name = CASE WHEN ?7 = '' THEN guest_identities.profile_name ELSE ?7 END, "
      "updated_at = CASE WHEN ?8 > guest_identities.updated_at THEN ?8 "
      "ELSE guest_identities.updated_at END",
      r.property_id, r.user_id, r.guest_key, r.phone, r.parent_user_id, r.username, r.profile_name,
      r.updated_at);
}

absl::Status GuestIdentityRepository::RenameUserId(const std::string& property_id,
                                                   const std::string& previous,
                                                   const std::string& current, absl::Time at) {
  return ExecOne(db_,
                 "UPDATE guest_identities SET user_id = ?3, updated_at = ?4 "
                 "WHERE property_id = ?1 AND user_id = ?2",
                 property_id, previous, current, at);
}

absl::Status GuestIdentityRepository::Exec(const char* sql, const std::string& property_id,
                                           const std::string& from, const std::string& to) {
  return ExecOne(db_, sql, property_id, from, to);
}

absl::Status GuestIdentityRepository::MoveKey(const std::string& property_id,
                                              const std::string& from, const std::string& to) {
  if (from == to) return absl::OkStatus();
  for (const char* sql : kMoveStatements) {
    if (absl::Status s = Exec(sql, property_id, from, to); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace wa::storage
