#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wa::domain {

// A guest's key: what the guest_phone columns hold. "+E164" for a guest
// known by phone; "bsuid:<BSUID>" for one Meta names only by a
// business-scoped user id (WhatsApp usernames, 2026). The key is internal:
// answers show PhoneOfKey() as guest_phone, never the "bsuid:" form.
inline constexpr absl::string_view kBsuidKeyPrefix = "bsuid:";

// Meta's BSUID: an ISO 3166 alpha-2 country code, a dot, then 1 to 128
// letters or digits ("US.13491208655302741918"); a parent BSUID has "ENT."
// after the country code ("US.ENT.11815799212886844830").
bool IsValidBsuid(absl::string_view user_id);
inline constexpr char kBsuidFormat[] =
    "a business-scoped user id: a two-letter country code, a dot, then up to 128 letters or "
    "digits, e.g. US.13491208655302741918";
// INVALID_GUEST_USER_ID (400), naming the expected format.
absl::Status InvalidGuestUserId(const std::string& user_id);

std::string BsuidKey(absl::string_view user_id);
bool IsBsuidKey(absl::string_view key);
// The phone shown for a key: the key itself for "+E164", else "".
std::string PhoneOfKey(absl::string_view key);
// The BSUID of a "bsuid:" key, else "".
std::string UserIdOfKey(absl::string_view key);

// How a request names its guest: exactly one of a phone (normalized to
// E.164) and a BSUID.
struct GuestAddress {
  std::string phone;
  std::string user_id;
};
// Fails with INVALID_PHONE_NUMBER for a bad phone (or none at all, as
// before BSUIDs), INVALID_GUEST_USER_ID for a bad BSUID, INVALID_ARGUMENT
// for both.
absl::StatusOr<GuestAddress> ParseGuestAddress(absl::string_view phone, absl::string_view user_id);
// The consent path's one segment, /guests/{guest_phone}/consent: a phone or
// a BSUID.
absl::StatusOr<GuestAddress> ParseGuestPathSegment(absl::string_view phone_or_user_id);

}  // namespace wa::domain
