#include "server/domain/guest_hash.h"

#include "absl/strings/str_cat.h"
#include "server/util/hmac.h"

namespace wa::domain {

absl::StatusOr<std::string> GuestHasher::Hash(const std::string& property_id,
                                              const std::string& guest_key) const {
  absl::StatusOr<std::string> key = keys_.KeyFor(property_id);
  if (!key.ok()) return key.status();
  return absl::StrCat(kErasedKeyPrefix, util::HmacSha256Hex(*key, guest_key));
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
