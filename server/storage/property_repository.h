#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/database.h"

namespace wa::storage {

struct PropertyRecord {
  std::string property_id;
  std::string display_name;
  std::string time_zone = "UTC";  // IANA name
  absl::Time updated_at;
  // Quiet hours, local "HH:MM" times; both empty when off.
  std::string quiet_hours_start = "21:00";
  std::string quiet_hours_end = "08:00";
};

// A WhatsApp number a property sends and receives on. Where its Meta access
// token comes from is kept (an environment variable's name or a file's
// path); the token itself never is.
struct PhoneNumberRecord {
  std::string phone_number_id;
  std::string property_id;
  std::string waba_id;
  std::string display_phone_number;
  std::string access_token_env;
  std::string access_token_file;
  bool is_default = false;
  std::string quality_rating;        // as Meta last reported it, else empty
  std::string messaging_limit_tier;  // likewise
  absl::Time created_at;
};

// The chain's properties and their numbers. Methods run inside the
// caller's Database::Transaction or Database::Read.
class PropertyRepository {
 public:
  explicit PropertyRepository(Database& db) : db_(db) {}

  absl::StatusOr<std::optional<PropertyRecord>> Get(const std::string& property_id);
  absl::StatusOr<std::vector<PropertyRecord>> List();
  // Inserts or replaces the property's row.
  absl::Status Upsert(const PropertyRecord& property);

  absl::StatusOr<std::vector<PhoneNumberRecord>> ListNumbers();
  absl::StatusOr<std::optional<PhoneNumberRecord>> GetNumber(const std::string& phone_number_id);
  // Inserts or replaces the number's row; false (and nothing written) when
  // the number belongs to another property, which a concurrent writer may
  // have made it since the caller looked.
  absl::StatusOr<bool> UpsertNumber(const PhoneNumberRecord& number);
  // False when the property has no such number.
  absl::StatusOr<bool> DeleteNumber(const std::string& property_id,
                                    const std::string& phone_number_id);
  // Makes `phone_number_id` the property's only default number.
  absl::Status SetDefaultNumber(const std::string& property_id, const std::string& phone_number_id);
  // Meta's report of a number's quality and limit; empty values keep the
  // stored ones. Matched by the display number's digits.
  absl::Status NoteQuality(const std::string& display_digits, const std::string& quality_rating,
                           const std::string& messaging_limit_tier);

 private:
  Database& db_;
};

}  // namespace wa::storage
