#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/domain/sender_number.h"
#include "server/storage/database.h"
#include "server/storage/notification_repository.h"
#include "server/storage/property_repository.h"

namespace wa::domain {

// What `properties add-number` asks for.
struct NumberRequest {
  std::string property_id;
  std::string phone_number_id;
  std::string waba_id;
  std::string display_phone_number;
  std::string access_token_env;
  std::string access_token_file;
  bool make_default = false;
};

// A property as its own admins and staff see it (no tokens, no other
// property's numbers).
struct PropertyView {
  storage::PropertyRecord property;
  std::vector<storage::PhoneNumberRecord> numbers;
};

// The chain's properties and their WhatsApp numbers: the operator's
// changes (checked: a known time zone, one owner per number, a readable
// token file), and a snapshot of them in memory for the paths that run on
// every send and callback. The snapshot is read again from the database
// every `refresh` (another process, `wa-server properties`, may change it)
// or at once through Refresh().
class PropertyService {
 public:
  explicit PropertyService(storage::Database& db, absl::Duration refresh = absl::Seconds(2));

  // --- Operator changes (wa-server properties ...).
  // Sets the display name and/or time zone (an empty optional keeps it).
  absl::StatusOr<storage::PropertyRecord> SetProperty(const std::string& property_id,
                                                      std::optional<std::string> display_name,
                                                      std::optional<std::string> time_zone);
  // Adds or updates a number; Meta's callbacks parked for it (or its
  // business account) are released to be applied.
  absl::StatusOr<storage::PhoneNumberRecord> AddNumber(const NumberRequest& request);
  absl::Status RemoveNumber(const std::string& property_id, const std::string& phone_number_id);
  absl::StatusOr<std::vector<storage::PhoneNumberRecord>> ListNumbers();
  // Every property with its numbers (default first), those without numbers
  // too, by property id.
  absl::StatusOr<std::vector<PropertyView>> ListProperties();
  absl::StatusOr<std::vector<storage::ParkedCount>> Unrouted();

  // The number described by --phone_number_id, --waba_id and the access
  // token flags: the `default` property's, added at start if missing (its
  // default when it has none), so that one-number deployments keep working.
  absl::Status EnsureConfiguredNumber(const NumberRequest& request);

  // Inside a transaction: Meta's report of a number's quality and limit,
  // matched by its display digits.
  absl::Status NoteQualityInTransaction(const std::string& display_digits,
                                        const std::string& quality_event, const std::string& limit);

  // --- The property's own admins (PATCH /api/v1/whatsapp/property).
  // Sets the quiet hours ("HH:MM" local times; both empty: off).
  absl::StatusOr<storage::PropertyRecord> SetQuietHours(const std::string& property_id,
                                                        const std::string& start,
                                                        const std::string& end);

  // --- Reads for the API.
  absl::StatusOr<PropertyView> View(const std::string& property_id);

  // --- The snapshot (no database access unless stale).
  std::optional<SenderNumber> FindNumber(const std::string& phone_number_id);
  std::optional<SenderNumber> DefaultNumber(const std::string& property_id);
  // The properties owning a number of the business account.
  std::vector<std::string> PropertiesOfAccount(const std::string& waba_id);
  // The number a property sends from: `requested` (one of its own, else
  // PERMISSION_DENIED), else `preferred` when still its own, else its
  // default; nullopt when it has none.
  absl::StatusOr<std::optional<SenderNumber>> ChooseSender(const std::string& property_id,
                                                           const std::string& requested,
                                                           const std::string& preferred);
  // Reads the snapshot again now.
  absl::Status Refresh();

 private:
  struct Snapshot {
    std::map<std::string, SenderNumber> numbers;  // by phone_number_id
    std::map<std::string, std::string> defaults;  // property -> phone_number_id
    absl::Time read_at = absl::InfinitePast();
  };
  // The snapshot, read again first when older than `max_age`.
  std::shared_ptr<const Snapshot> Current(absl::Duration max_age);
  absl::Status ReloadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(refresh_mu_);
  // `find` on the snapshot, and on a fresher one when it finds nothing.
  template <typename Find>
  auto Lookup(Find find) -> decltype(find(std::declval<const Snapshot&>()));

  static constexpr absl::Duration kMissRefresh = absl::Milliseconds(250);

  storage::Database& db_;
  storage::PropertyRepository properties_;
  storage::NotificationRepository notifications_;
  const absl::Duration refresh_;
  absl::Mutex mu_;
  std::shared_ptr<const Snapshot> snapshot_ ABSL_GUARDED_BY(mu_);
  absl::Mutex refresh_mu_;  // one reader of the database at a time
};

}  // namespace wa::domain
