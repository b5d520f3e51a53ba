#include "server/domain/guest_key.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/domain/errors.h"
#include "server/domain/phone.h"

namespace wa::domain {
namespace {

constexpr size_t kMaxBsuidBody = 128;

bool IsAlnum(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

bool IsValidBsuid(absl::string_view id) {
  if (id.size() < 4 || !absl::ascii_isupper(static_cast<unsigned char>(id[0])) ||
      !absl::ascii_isupper(static_cast<unsigned char>(id[1])) || id[2] != '.') {
    return false;
  }
  absl::string_view body = id.substr(3);
  absl::ConsumePrefix(&body, "ENT.");
  return !body.empty() && body.size() <= kMaxBsuidBody && IsAlnum(body);
}

absl::Status InvalidGuestUserId(const std::string& user_id) {
  return Error(absl::StatusCode::kInvalidArgument, "INVALID_GUEST_USER_ID",
               absl::StrCat("guest_user_id must be ", kBsuidFormat))
      .Detail("field", "guest_user_id")
      .Detail("guest_user_id", user_id)
      .Detail("expected_format", "CC.<1-128 letters or digits>")
      .Recovery({"Use the user_id WhatsApp reported for this guest",
                 "Address the guest by guest_phone instead"});
}

std::string BsuidKey(absl::string_view user_id) { return absl::StrCat(kBsuidKeyPrefix, user_id); }

bool IsBsuidKey(absl::string_view key) { return absl::StartsWith(key, kBsuidKeyPrefix); }

std::string PhoneOfKey(absl::string_view key) {
  return absl::StartsWith(key, "+") ? std::string(key) : std::string();
}

std::string UserIdOfKey(absl::string_view key) {
  return IsBsuidKey(key) ? std::string(key.substr(kBsuidKeyPrefix.size())) : std::string();
}

absl::StatusOr<GuestAddress> ParseGuestAddress(absl::string_view phone, absl::string_view user_id) {
  if (!phone.empty() && !user_id.empty()) {
    return InvalidArgument("give guest_phone or guest_user_id, not both", "guest_user_id");
  }
  if (phone.empty() && user_id.empty()) {
    return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT",
                 "guest_phone is required (or guest_user_id, for a guest known by BSUID)")
        .Detail("field", "guest_phone")
        .Recovery({"Send guest_phone in E.164 form, e.g. \"+1234567890\"",
                   "Or send guest_user_id, the guest's BSUID"});
  }
  if (!user_id.empty()) {
    if (!IsValidBsuid(user_id)) return InvalidGuestUserId(std::string(user_id));
    return GuestAddress{"", std::string(user_id)};
  }
  absl::StatusOr<std::string> e164 = NormalizePhone(phone);
  if (!e164.ok()) return e164.status();
  return GuestAddress{*e164, ""};
}

absl::StatusOr<GuestAddress> ParseGuestPathSegment(absl::string_view phone_or_user_id) {
  // A BSUID starts with letters, which no phone number does.
  if (!phone_or_user_id.empty() &&
      absl::ascii_isalpha(static_cast<unsigned char>(phone_or_user_id[0]))) {
    return ParseGuestAddress("", phone_or_user_id);
  }
  return ParseGuestAddress(phone_or_user_id, "");
}

}  // namespace wa::domain
