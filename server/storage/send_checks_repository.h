#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/consent_repository.h"
#include "server/storage/database.h"
#include "server/storage/records.h"

namespace wa::storage {

// What a send checks of its guest before it stores the message.
struct SendChecksRecord {
  // The guest's consent, or the one their erasure kept; the default (not
  // opted out) when there is neither.
  ConsentRecord consent;
  // When the guest last wrote (the window), if ever.
  std::optional<absl::Time> last_inbound_at;
  // The conversation the send names, or else the guest's newest active
  // one (ConversationRepository::Find, FindActive), if any.
  std::optional<ConversationRecord> conversation;
};

// A send's checks read together, in one statement: on PostgreSQL one round
// trip instead of three (consent, window, conversation), on the path of
// every send. The rows are the ones ConsentRepository::GetOrErased,
// GuestRepository::Get and ConversationRepository's lookups read.
class SendChecksRepository {
 public:
  explicit SendChecksRepository(Database& db) : db_(db) {}

  // `guest_hash` is the guest's erasure key (ConsentRepository); empty
  // where erasures are not kept. `conversation_id` empty: the active one.
  absl::StatusOr<SendChecksRecord> Read(const std::string& property_id,
                                        const std::string& guest_key, const std::string& guest_hash,
                                        const std::string& conversation_id);

 private:
  Database& db_;
};

}  // namespace wa::storage
