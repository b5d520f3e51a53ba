#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/guest_directory.h"
#include "server/domain/guest_hash.h"
#include "server/storage/consent_repository.h"
#include "server/storage/database.h"

namespace wa::domain {

// Whole-message keywords (any case) with which guests opt out and back in.
struct ConsentKeywords {
  std::vector<std::string> stop = {"STOP", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"};
  std::vector<std::string> start = {"START", "SUBSCRIBE"};
};

struct ConsentView {
  std::string guest_phone;  // "" when only the BSUID is known
  std::string guest_user_id;
  std::string guest_username;
  storage::ConsentRecord consent;
  std::vector<storage::ConsentEventRecord> history;
};

// Inside a transaction: refuses with GUEST_OPTED_OUT (403) a send to a
// guest who opted out (of marketing, for a marketing template). A guest
// with no consent of their own who was erased keeps the consent erasure
// kept for them, found by their hash (`hasher`; none: not looked for).
absl::Status CheckConsent(storage::ConsentRepository& consent, const std::string& property_id,
                          const std::string& guest_phone, bool marketing,
                          const GuestHasher* hasher = nullptr);
// The same refusal for a consent already read (EffectiveConsent, or a
// send's checks: storage::SendChecksRepository).
absl::Status ConsentRefusal(const storage::ConsentRecord& record, const std::string& guest_phone,
                            bool marketing);
// The key an erased guest's kept consent is found by (`hasher`'s hash);
// empty without a hasher, which finds none.
absl::StatusOr<std::string> ErasureHash(const GuestHasher* hasher, const std::string& property_id,
                                        const std::string& guest_phone);
// The guest's consent: their own, else the one kept when they were erased.
absl::StatusOr<storage::ConsentRecord> EffectiveConsent(storage::ConsentRepository& consent,
                                                        const std::string& property_id,
                                                        const std::string& guest_phone,
                                                        const GuestHasher* hasher);

// Inside a transaction: records an opt-out or opt-in if an inbound text is
// one of the keywords. Returns whether it was.
absl::StatusOr<bool> ApplyConsentKeyword(storage::ConsentRepository& consent,
                                         const ConsentKeywords& keywords,
                                         const std::string& property_id,
                                         const std::string& guest_phone, const std::string& text,
                                         absl::Time at);

// Reading and setting consent (admins), and Meta's marketing preferences.
class ConsentService {
 public:
  explicit ConsentService(storage::Database& db) : db_(db), consent_(db), directory_(db) {}
  // Erased guests' kept consent shows (and holds) once this is set.
  void set_guest_hasher(const GuestHasher* hasher) { hasher_ = hasher; }

  // `guest_phone` is a phone or a BSUID (the REST path's one segment).
  absl::StatusOr<ConsentView> Get(const std::string& property_id, const std::string& guest_phone);
  // `scope` is "all" or "marketing".
  absl::StatusOr<ConsentView> Set(const std::string& property_id, const std::string& guest_phone,
                                  const std::string& scope, bool opted_in,
                                  const std::string& reason);
  // Inside a transaction: Meta's user_preferences (marketing stop/resume).
  absl::Status ApplyMarketingPreference(const std::string& property_id,
                                        const std::string& guest_phone, bool opted_in,
                                        absl::Time at);

 private:
  storage::Database& db_;
  storage::ConsentRepository consent_;
  GuestDirectory directory_;
  const GuestHasher* hasher_ = nullptr;
};

}  // namespace wa::domain
