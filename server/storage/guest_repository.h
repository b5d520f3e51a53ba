#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "server/storage/database.h"
#include "server/storage/records.h"

namespace wa::storage {

// What we know of a guest per property: the profile name WhatsApp gave and
// the time of their last inbound message, which opens the 24-hour window.
class GuestRepository {
 public:
  explicit GuestRepository(Database& db) : db_(db) {}

  absl::StatusOr<std::optional<GuestRecord>> Get(const std::string& property_id,
                                                 const std::string& guest_phone);
  // Records an inbound message at `at`; the window never moves backwards,
  // so a late, out-of-order message cannot shorten it.
  absl::Status RecordInbound(const std::string& property_id, const std::string& guest_phone,
                             absl::Time at, const std::string& profile_name);

 private:
  Database& db_;
};

}  // namespace wa::storage
