#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/guest_key.h"
#include "server/storage/database.h"
#include "server/storage/guest_identity_repository.h"
#include "server/storage/records.h"

namespace wa::domain {

// What WhatsApp revealed about a guest in one callback (or the sandbox).
struct ObservedGuest {
  std::string phone;  // E.164 or wa_id digits; empty when Meta withholds it
  std::string user_id;
  std::string parent_user_id;
  std::string username;
  std::string profile_name;
  absl::Time at;
};

// What an answer shows of a guest: never a "bsuid:" key as a phone.
struct GuestView {
  std::string phone;  // E.164 or ""
  std::string user_id;
  std::string username;
};

// Maps the ways WhatsApp names a guest (phone, BSUID) to the one key their
// conversations, window and consent are kept under. All calls run inside
// the caller's transaction.
class GuestDirectory {
 public:
  explicit GuestDirectory(storage::Database& db) : identities_(db) {}

  // The key of a guest a request names. A phone is its own key (a phone
  // guest keeps "+E164" even once a BSUID is linked); a BSUID is the key it
  // was linked to, else "bsuid:<BSUID>".
  absl::StatusOr<std::string> KeyFor(const std::string& property_id, const GuestAddress& address);
  // Records what Meta revealed and returns the guest's key. When a phone
  // and a BSUID arrive together, a history kept under the BSUID alone is
  // moved to the phone's key, so the guest has one history.
  absl::StatusOr<std::string> Observe(const std::string& property_id, const ObservedGuest& guest);
  // Meta issued a new BSUID (the guest changed number): the guest keeps
  // their history, now reached by the new id.
  absl::Status FollowUserIdChange(const std::string& property_id, const std::string& previous,
                                  const std::string& current, absl::Time at);
  // The guest changed phone number (Meta's "user_changed_number" system
  // message): their history, window and consent move to the new number,
  // which is their key from now on. `before` names the guest as the system
  // message did (the old phone, a BSUID or both).
  absl::Status FollowPhoneChange(const std::string& property_id, const GuestAddress& before,
                                 const std::string& new_wa_id);
  absl::StatusOr<GuestView> Describe(const std::string& property_id, const std::string& key);

 private:
  storage::GuestIdentityRepository identities_;
};

// Fills a record built in code (not read back) with its guest's ids, for
// the events it is about to emit.
absl::Status DescribeGuest(GuestDirectory& directory, storage::MessageRecord& m);

}  // namespace wa::domain
