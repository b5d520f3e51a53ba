#include "server/domain/guest_directory.h"

#include "absl/strings/match.h"
#include "server/domain/phone.h"
#include "server/util/status_macros.h"

namespace wa::domain {

absl::StatusOr<std::string> GuestDirectory::KeyFor(const std::string& property_id,
                                                   const GuestAddress& address) {
  if (address.user_id.empty()) return address.phone;
  absl::StatusOr<std::optional<storage::GuestIdentityRecord>> found =
      identities_.FindByUserId(property_id, address.user_id);
  if (!found.ok()) return found.status();
  if (*found) return (*found)->guest_key;
  return BsuidKey(address.user_id);
}

absl::StatusOr<std::string> GuestDirectory::Observe(const std::string& property_id,
                                                    const ObservedGuest& guest) {
  std::string phone;
  if (!guest.phone.empty()) {
    // Meta names guests by wa_id (digits without '+').
    absl::StatusOr<std::string> e164 =
        absl::StartsWith(guest.phone, "+") ? NormalizePhone(guest.phone) : FromWaId(guest.phone);
    if (!e164.ok()) return e164.status();
    phone = *e164;
  }
  if (guest.user_id.empty()) return phone;
  if (!IsValidBsuid(guest.user_id)) return InvalidGuestUserId(guest.user_id);
  absl::StatusOr<std::string> known = KeyFor(property_id, GuestAddress{"", guest.user_id});
  if (!known.ok()) return known.status();
  std::string key = *known;
  if (!phone.empty() && key != phone) {
    if (absl::Status s = identities_.MoveKey(property_id, key, phone); !s.ok()) return s;
    key = phone;
  }
  storage::GuestIdentityRecord r{
      property_id,    guest.user_id,      key,     phone, guest.parent_user_id,
      guest.username, guest.profile_name, guest.at};
  if (absl::Status s = identities_.Upsert(r); !s.ok()) return s;
  return key;
}

absl::Status GuestDirectory::FollowUserIdChange(const std::string& property_id,
                                                const std::string& previous,
                                                const std::string& current, absl::Time at) {
  if (!IsValidBsuid(previous)) return InvalidGuestUserId(previous);
  if (!IsValidBsuid(current)) return InvalidGuestUserId(current);
  absl::StatusOr<std::optional<storage::GuestIdentityRecord>> old =
      identities_.FindByUserId(property_id, previous);
  if (!old.ok()) return old.status();
  absl::StatusOr<std::optional<storage::GuestIdentityRecord>> now =
      identities_.FindByUserId(property_id, current);
  if (!now.ok()) return now.status();
  std::string key = *old ? (*old)->guest_key : BsuidKey(previous);
  if (*now) {
    // The new id already wrote to us: its history joins the old one.
    if (auto s = identities_.MoveKey(property_id, (*now)->guest_key, key); !s.ok()) return s;
  }
  // A "bsuid:" key names the id it was made from; it follows the new id so
  // that the key keeps telling where to send.
  if (IsBsuidKey(key)) {
    if (auto s = identities_.MoveKey(property_id, key, BsuidKey(current)); !s.ok()) return s;
    key = BsuidKey(current);
  }
  storage::GuestIdentityRecord r{property_id, current, key, "", "", "", "", at};
  if (*old) {
    r.phone = (*old)->phone;
    r.parent_user_id = (*old)->parent_user_id;
    r.username = (*old)->username;
    r.profile_name = (*old)->profile_name;
  }
  return identities_.Upsert(r);
}

absl::Status GuestDirectory::FollowPhoneChange(const std::string& property_id,
                                               const GuestAddress& before,
                                               const std::string& new_wa_id) {
  ASSIGN_OR_RETURN(std::string next, FromWaId(new_wa_id));
  ASSIGN_OR_RETURN(std::string key, KeyFor(property_id, before));
  if (key == next) return absl::OkStatus();
  return identities_.MoveKey(property_id, key, next);
}

absl::StatusOr<GuestView> GuestDirectory::Describe(const std::string& property_id,
                                                   const std::string& key) {
  GuestView view{PhoneOfKey(key), UserIdOfKey(key), ""};
  absl::StatusOr<std::optional<storage::GuestIdentityRecord>> latest =
      identities_.LatestForKey(property_id, key);
  if (!latest.ok()) return latest.status();
  if (*latest) {
    view.user_id = (*latest)->user_id;
    view.username = (*latest)->username;
  }
  return view;
}

absl::Status DescribeGuest(GuestDirectory& directory, storage::MessageRecord& m) {
  absl::StatusOr<GuestView> view = directory.Describe(m.property_id, m.guest_phone);
  if (!view.ok()) return view.status();
  m.guest_user_id = view->user_id;
  m.guest_username = view->username;
  return absl::OkStatus();
}

}  // namespace wa::domain
