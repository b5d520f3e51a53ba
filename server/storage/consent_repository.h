#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/storage/database.h"

namespace wa::storage {

struct ConsentRecord {
  bool opted_out = false;
  bool marketing_opted_out = false;
  std::optional<absl::Time> updated_at;
};

struct ConsentEventRecord {
  std::string scope;  // "all" or "marketing"
  bool opted_in = false;
  std::string source;
  std::string reason;
  absl::Time at;
};

// `state` after one event, applied in time order.
void ApplyConsentEvent(absl::string_view scope, bool opted_in, absl::Time at, ConsentRecord& state);

// A guest's consent per property and every change to it.
class ConsentRepository {
 public:
  explicit ConsentRepository(Database& db) : db_(db) {}

  // A guest with no record has not opted out.
  absl::StatusOr<ConsentRecord> Get(const std::string& property_id, const std::string& guest_phone);
  // Records the event and the consent it leads to; call inside a
  // transaction. Consent is the guest's events replayed by their time
  // (`at`), whatever order they arrive in; an event already recorded (the
  // same scope, choice, source and time: a re-delivered callback) changes
  // nothing.
  absl::Status Record(const std::string& property_id, const std::string& guest_phone,
                      const ConsentEventRecord& event);
  // The consent kept for an erased guest under one of their hashes
  // (guest_erasures), if they were erased.
  absl::StatusOr<std::optional<ConsentRecord>> ErasedConsent(const std::string& property_id,
                                                             const std::string& guest_hash);
  // The guest's own record, else the consent kept from an erasure under
  // `guest_hash`, else none (not opted out): Get, then ErasedConsent, in
  // one statement (every send asks).
  absl::StatusOr<ConsentRecord> GetOrErased(const std::string& property_id,
                                            const std::string& guest_phone,
                                            const std::string& guest_hash);
  absl::StatusOr<std::vector<ConsentEventRecord>> History(const std::string& property_id,
                                                          const std::string& guest_phone,
                                                          int limit);

 private:
  absl::StatusOr<bool> Seen(const std::string& property_id, const std::string& guest_phone,
                            const ConsentEventRecord& event);
  absl::StatusOr<ConsentRecord> Replay(const std::string& property_id,
                                       const std::string& guest_phone);

  Database& db_;
};

}  // namespace wa::storage
