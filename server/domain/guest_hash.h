#pragma once

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/domain/guest_key.h"
#include "server/storage/database.h"
#include "server/storage/erasure_key_claims.h"
#include "server/storage/erasure_keys.h"

namespace wa::domain {

// What stands for an erased guest: "erased:" and the hex HMAC-SHA256 of
// their key ("+E164" or "bsuid:<BSUID>") under the property's erasure key
// (storage/erasure_keys.h). The same guest hashes the same way for as long
// as the key file lives, which is how an erased guest's opt-out is still
// found when they are written to again; nobody without the file can tell
// whose hash it is.
//
// Instances on one database must hash alike, so the key's fingerprint is
// recorded in the database at its first use (storage/erasure_key_claims.h):
// an instance whose key differs (a --erasure_key_dir that is not shared)
// answers ERASURE_KEY_MISMATCH instead of missing an erased guest's opt-out.
inline constexpr absl::string_view kErasedKeyPrefix = "erased:";

class GuestHasher {
 public:
  GuestHasher(storage::ErasureKeys& keys, storage::Database& db)
      : keys_(keys), db_(db), claims_(db) {}
  absl::StatusOr<std::string> Hash(const std::string& property_id,
                                   const std::string& guest_key) const;

 private:
  // OK once the database holds this key's fingerprint for the property.
  absl::Status CheckClaimed(const std::string& property_id, const std::string& key) const;

  storage::ErasureKeys& keys_;
  storage::Database& db_;
  mutable storage::ErasureKeyClaims claims_;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_set<std::string> claimed_ ABSL_GUARDED_BY(mu_);
};

// The guest an erasure or export names: the path's segment (a phone, a
// BSUID, or "-") and guest_user_id; one of them, or the same BSUID twice.
absl::StatusOr<GuestAddress> ParseNamedGuest(const std::string& path_segment,
                                             const std::string& guest_user_id);

}  // namespace wa::domain
