#include "server/domain/guest_hash.h"

#include "absl/strings/str_cat.h"
#include "server/domain/errors.h"
#include "server/util/hmac.h"
#include "server/util/status_macros.h"

namespace wa::domain {

absl::StatusOr<std::string> GuestHasher::Hash(const std::string& property_id,
                                              const std::string& guest_key) const {
  ASSIGN_OR_RETURN(std::string key, keys_.KeyFor(property_id));
  RETURN_IF_ERROR(CheckClaimed(property_id, key));
  return absl::StrCat(kErasedKeyPrefix, util::HmacSha256Hex(key, guest_key));
}

absl::Status GuestHasher::CheckClaimed(const std::string& property_id,
                                       const std::string& key) const {
  {
    absl::MutexLock lock(&mu_);
    if (claimed_.contains(property_id)) return absl::OkStatus();
  }
  // A fingerprint, not the key: the database must not be able to hash.
  const std::string fingerprint = util::HmacSha256Hex(key, "erasure key fingerprint");
  std::string recorded;
  RETURN_IF_ERROR(db_.Autocommit([&]() -> absl::Status {
    ASSIGN_OR_RETURN(recorded, claims_.Claim(property_id, fingerprint));
    return absl::OkStatus();
  }));
  if (recorded != fingerprint) {
    return Error(absl::StatusCode::kFailedPrecondition, "ERASURE_KEY_MISMATCH",
                 "This instance's erasure key for the property differs from the one the "
                 "database's erasures were made with: instances sharing a database must share "
                 "--erasure_key_dir (and --media_dir)");
  }
  absl::MutexLock lock(&mu_);
  claimed_.insert(property_id);
  return absl::OkStatus();
}

absl::StatusOr<GuestAddress> ParseNamedGuest(const std::string& path_segment,
                                             const std::string& guest_user_id) {
  if (guest_user_id.empty()) return ParseGuestPathSegment(path_segment);
  if (path_segment.empty() || path_segment == "-") return ParseGuestAddress("", guest_user_id);
  absl::StatusOr<GuestAddress> named = ParseGuestPathSegment(path_segment);
  if (named.ok() && named->user_id == guest_user_id) return named;
  return ParseGuestAddress(path_segment, guest_user_id);  // refuses both at once
}

}  // namespace wa::domain
