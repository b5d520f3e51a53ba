#include "server/domain/consent_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "server/domain/errors.h"
#include "server/domain/guest_key.h"
#include "server/domain/phone.h"

namespace wa::domain {
namespace {

constexpr int kHistoryLimit = 50;

bool IsKeyword(const std::vector<std::string>& words, absl::string_view text) {
  return std::any_of(words.begin(), words.end(),
                     [&](const std::string& w) { return absl::EqualsIgnoreCase(w, text); });
}

}  // namespace

absl::StatusOr<storage::ConsentRecord> EffectiveConsent(storage::ConsentRepository& consent,
                                                        const std::string& property_id,
                                                        const std::string& guest_phone,
                                                        const GuestHasher* hasher) {
  if (hasher == nullptr) return consent.Get(property_id, guest_phone);
  absl::StatusOr<std::string> hash = hasher->Hash(property_id, guest_phone);
  if (!hash.ok()) return hash.status();
  return consent.GetOrErased(property_id, guest_phone, *hash);
}

absl::StatusOr<std::string> ErasureHash(const GuestHasher* hasher, const std::string& property_id,
                                        const std::string& guest_phone) {
  if (hasher == nullptr) return std::string();
  return hasher->Hash(property_id, guest_phone);
}

absl::Status CheckConsent(storage::ConsentRepository& consent, const std::string& property_id,
                          const std::string& guest_phone, bool marketing,
                          const GuestHasher* hasher) {
  absl::StatusOr<storage::ConsentRecord> record =
      EffectiveConsent(consent, property_id, guest_phone, hasher);
  if (!record.ok()) return record.status();
  return ConsentRefusal(*record, guest_phone, marketing);
}

absl::Status ConsentRefusal(const storage::ConsentRecord& record, const std::string& guest_phone,
                            bool marketing) {
  if (!record.opted_out && !(marketing && record.marketing_opted_out)) return absl::OkStatus();
  return Error(absl::StatusCode::kFailedPrecondition, "GUEST_OPTED_OUT",
               record.opted_out ? "Guest has opted out of WhatsApp communications"
                                : "Guest has opted out of marketing messages")
      .Detail("guest_phone", PhoneOfKey(guest_phone))
      .Detail("guest_user_id", UserIdOfKey(guest_phone))
      .Detail("scope", record.opted_out ? "all" : "marketing")
      .Recovery({"Contact guest via alternative channel",
                 "Wait for the guest to opt back in (they can write START)"});
}

absl::StatusOr<bool> ApplyConsentKeyword(storage::ConsentRepository& consent,
                                         const ConsentKeywords& keywords,
                                         const std::string& property_id,
                                         const std::string& guest_phone, const std::string& text,
                                         absl::Time at) {
  absl::string_view word = absl::StripAsciiWhitespace(text);
  bool stop = IsKeyword(keywords.stop, word);
  if (!stop && !IsKeyword(keywords.start, word)) return false;
  absl::Status status = consent.Record(
      property_id, guest_phone,
      storage::ConsentEventRecord{"all", !stop, "inbound_keyword", std::string(word), at});
  if (!status.ok()) return status;
  return true;
}

absl::StatusOr<ConsentView> ConsentService::Get(const std::string& property_id,
                                                const std::string& guest_phone) {
  // The path names a guest by phone or by BSUID.
  absl::StatusOr<GuestAddress> address = ParseGuestPathSegment(guest_phone);
  if (!address.ok()) return address.status();
  return storage::ReadValue(db_, [&]() -> absl::StatusOr<ConsentView> {
    absl::StatusOr<std::string> phone = directory_.KeyFor(property_id, *address);
    if (!phone.ok()) return phone.status();
    absl::StatusOr<GuestView> guest = directory_.Describe(property_id, *phone);
    if (!guest.ok()) return guest.status();
    ConsentView view;
    view.guest_phone = guest->phone;
    view.guest_user_id = guest->user_id;
    view.guest_username = guest->username;
    absl::StatusOr<storage::ConsentRecord> record =
        EffectiveConsent(consent_, property_id, *phone, hasher_);
    if (!record.ok()) return record.status();
    view.consent = *record;
    absl::StatusOr<std::vector<storage::ConsentEventRecord>> history =
        consent_.History(property_id, *phone, kHistoryLimit);
    if (!history.ok()) return history.status();
    view.history = *std::move(history);
    return view;
  });
}

absl::StatusOr<ConsentView> ConsentService::Set(const std::string& property_id,
                                                const std::string& guest_phone,
                                                const std::string& scope, bool opted_in,
                                                const std::string& reason) {
  absl::StatusOr<GuestAddress> address = ParseGuestPathSegment(guest_phone);
  if (!address.ok()) return address.status();
  std::string normalized_scope = absl::AsciiStrToLower(scope);
  if (normalized_scope != "all" && normalized_scope != "marketing") {
    return InvalidArgument("scope must be \"all\" or \"marketing\"", "scope");
  }
  if (absl::StripAsciiWhitespace(reason).empty()) {
    return InvalidArgument("a reason is required to change a guest's consent", "reason");
  }
  absl::Status status = db_.Transaction([&]() -> absl::Status {
    absl::StatusOr<std::string> key = directory_.KeyFor(property_id, *address);
    if (!key.ok()) return key.status();
    return consent_.Record(
        property_id, *key,
        storage::ConsentEventRecord{normalized_scope, opted_in, "admin", reason, absl::Now()});
  });
  if (!status.ok()) return status;
  return Get(property_id, guest_phone);
}

absl::Status ConsentService::ApplyMarketingPreference(const std::string& property_id,
                                                      const std::string& guest_phone, bool opted_in,
                                                      absl::Time at) {
  return consent_.Record(property_id, guest_phone,
                         storage::ConsentEventRecord{"marketing", opted_in, "meta_user_preferences",
                                                     opted_in ? "resume" : "stop", at});
}

}  // namespace wa::domain
