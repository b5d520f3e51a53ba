#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/database.h"

namespace wa::storage {

// One business-scoped user id (BSUID) Meta gave a guest of a property, and
// the guest key (guest_phone columns) it stands for.
struct GuestIdentityRecord {
  std::string property_id;
  std::string user_id;
  std::string guest_key;
  std::string phone;  // E.164, empty while Meta withholds it
  std::string parent_user_id;
  std::string username;
  std::string profile_name;
  absl::Time updated_at;
};

class GuestIdentityRepository {
 public:
  explicit GuestIdentityRepository(Database& db) : db_(db) {}

  absl::StatusOr<std::optional<GuestIdentityRecord>> FindByUserId(const std::string& property_id,
                                                                  const std::string& user_id);
  // The newest identity behind a key (a guest may have had several BSUIDs).
  absl::StatusOr<std::optional<GuestIdentityRecord>> LatestForKey(const std::string& property_id,
                                                                  const std::string& guest_key);
  // Inserts or updates by (property, user_id); empty fields keep what was
  // known (Meta leaves out the phone and username when it likes).
  absl::Status Upsert(const GuestIdentityRecord& r);
  // Meta replaced a BSUID (user_id_update): the row keeps its guest.
  absl::Status RenameUserId(const std::string& property_id, const std::string& previous,
                            const std::string& current, absl::Time at);
  // Moves everything kept under guest key `from` to `to` (conversations,
  // messages, the window, consent and its history, batch items not yet
  // sent, identities), so that one guest has one history. Where both keys
  // have a row of their own (window, consent), the later one wins. Inside
  // the caller's transaction.
  absl::Status MoveKey(const std::string& property_id, const std::string& from,
                       const std::string& to);

 private:
  absl::Status Exec(const char* sql, const std::string& property_id, const std::string& from,
                    const std::string& to);

  Database& db_;
};

}  // namespace wa::storage
