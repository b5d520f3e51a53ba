#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "server/domain/guest_key.h"
#include "server/storage/erasure_keys.h"

namespace wa::domain {

// What stands for an erased guest: "erased:" and the hex HMAC-SHA256 of
// their key ("+E164" or "bsuid:<BSUID>") under the property's erasure key
// (storage/erasure_keys.h). The same guest hashes the same way for as long
// as the key file lives, which is how an erased guest's opt-out is still
// found when they are written to again; nobody without the file can tell
// whose hash it is.
inline constexpr absl::string_view kErasedKeyPrefix = "erased:";

class GuestHasher {
 public:
  explicit GuestHasher(storage::ErasureKeys& keys) : keys_(keys) {}
  absl::StatusOr<std::string> Hash(const std::string& property_id,
                                   const std::string& guest_key) const;

 private:
  storage::ErasureKeys& keys_;
};

// The guest an erasure or export names: the path's segment (a phone, a
// BSUID, or "-") and guest_user_id; one of them, or the same BSUID twice.
absl::StatusOr<GuestAddress> ParseNamedGuest(const std::string& path_segment,
                                             const std::string& guest_user_id);

}  // namespace wa::domain
