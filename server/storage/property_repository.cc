#include "server/storage/property_repository.h"

#include "server/storage/statements.h"

namespace wa::storage {
namespace {

constexpr char kNumberColumns[] =
    "SELECT phone_number_id, property_id, waba_id, display_phone_number, access_token_env, "
    "access_token_file, is_default, quality_rating, messaging_limit_tier, created_at "
    "FROM phone_numbers ";

PropertyRecord ReadProperty(const Statement& s) {
  return PropertyRecord{s.ColumnText(0), s.ColumnText(1), s.ColumnText(2),
                        s.ColumnTime(3), s.ColumnText(4), s.ColumnText(5)};
}

PhoneNumberRecord ReadNumber(const Statement& s) {
  PhoneNumberRecord n;
  n.phone_number_id = s.ColumnText(0);
  n.property_id = s.ColumnText(1);
  n.waba_id = s.ColumnText(2);
  n.display_phone_number = s.ColumnText(3);
  n.access_token_env = s.ColumnText(4);
  n.access_token_file = s.ColumnText(5);
  n.is_default = s.ColumnInt(6) != 0;
  n.quality_rating = s.ColumnText(7);
  n.messaging_limit_tier = s.ColumnText(8);
  n.created_at = s.ColumnTime(9);
  return n;
}

}  // namespace

absl::StatusOr<std::optional<PropertyRecord>> PropertyRepository::Get(
    const std::string& property_id) {
  return QueryOne<PropertyRecord>(
      db_,
      "SELECT property_id, display_name, time_zone, updated_at, quiet_hours_start, "
      "quiet_hours_end FROM properties "
      "WHERE property_id = ?",
      ReadProperty, property_id);
}

absl::StatusOr<std::vector<PropertyRecord>> PropertyRepository::List() {
  return QueryAll<PropertyRecord>(
      db_,
      "SELECT property_id, display_name, time_zone, updated_at, quiet_hours_start, "
      "quiet_hours_end FROM properties "
      "ORDER BY property_id",
      ReadProperty);
}

absl::Status PropertyRepository::Upsert(const PropertyRecord& p) {
  return ExecOne(db_,
                 "INSERT INTO properties (property_id, display_name, time_zone, updated_at, "
                 "quiet_hours_start, quiet_hours_end) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                 "ON CONFLICT (property_id) DO UPDATE SET display_name = ?2, time_zone = ?3, "
                 "updated_at = ?4, quiet_hours_start = ?5, quiet_hours_end = ?6",
                 p.property_id, p.display_name, p.time_zone, p.updated_at, p.quiet_hours_start,
                 p.quiet_hours_end);
}

absl::StatusOr<std::vector<PhoneNumberRecord>> PropertyRepository::ListNumbers() {
  static const std::string sql =
      std::string(kNumberColumns) + "ORDER BY property_id, is_default DESC, phone_number_id";
  return QueryAll<PhoneNumberRecord>(db_, sql, ReadNumber);
}

absl::StatusOr<std::optional<PhoneNumberRecord>> PropertyRepository::GetNumber(
    const std::string& phone_number_id) {
  static const std::string sql = std::string(kNumberColumns) + "WHERE phone_number_id = ?";
  return QueryOne<PhoneNumberRecord>(db_, sql, ReadNumber, phone_number_id);
}

absl::StatusOr<bool> PropertyRepository::UpsertNumber(const PhoneNumberRecord& n) {
  RETURN_IF_ERROR(ExecOne(
      db_,
      "INSERT INTO phone_numbers (phone_number_id, property_id, waba_id, display_phone_number, "
      "access_token_env, access_token_file, is_default, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (phone_number_id) DO UPDATE SET "
      "property_id = ?2, waba_id = ?3, display_phone_number = ?4, access_token_env = ?5, "
      "access_token_file = ?6, is_default = ?7 WHERE phone_numbers.property_id = ?2",
      n.phone_number_id, n.property_id, n.waba_id, n.display_phone_number, n.access_token_env,
      n.access_token_file, n.is_default ? 1 : 0, n.created_at));
  return db_.Changes() > 0;
}

absl::StatusOr<bool> PropertyRepository::DeleteNumber(const std::string& property_id,
                                                      const std::string& phone_number_id) {
  RETURN_IF_ERROR(ExecOne(db_,
                          "DELETE FROM phone_numbers WHERE property_id = ? AND phone_number_id = ?",
                          property_id, phone_number_id));
  return db_.Changes() > 0;
}

absl::Status PropertyRepository::SetDefaultNumber(const std::string& property_id,
                                                  const std::string& phone_number_id) {
  return ExecOne(
      db_,
      "UPDATE phone_numbers SET is_default = CASE WHEN phone_number_id = ?2 THEN 1 ELSE 0 END "
      "WHERE property_id = ?1",
      property_id, phone_number_id);
}

absl::Status PropertyRepository::NoteQuality(const std::string& display_digits,
                                             const std::string& quality_rating,
                                             const std::string& messaging_limit_tier) {
  return ExecOne(
      db_,
      "UPDATE phone_numbers SET "
      "quality_rating = CASE WHEN ?2 = '' THEN quality_rating ELSE ?2 END, "
      "messaging_limit_tier = CASE WHEN ?3 = '' THEN messaging_limit_tier ELSE ?3 END "
      "WHERE REPLACE(REPLACE(REPLACE(display_phone_number, '+', ''), ' ', ''), '-', '') = ?1",
      display_digits, quality_rating, messaging_limit_tier);
}

}  // namespace wa::storage
