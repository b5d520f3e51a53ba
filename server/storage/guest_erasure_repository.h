#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/consent_repository.h"
#include "server/storage/database.h"
#include "server/storage/guest_identity_repository.h"

namespace wa::storage {

// A message as erasure needs it: where its media is named.
struct ErasableMessage {
  std::string message_id;
  int64_t seq = 0;
  int direction = 0;
  std::string payload;
};

// The SQL of erasing one guest (domain/guest_erasure_service.h decides what
// goes). The guest is named by their key (the guest_phone columns) and
// replaced by `hash`. Unless said otherwise, calls run inside the caller's
// transaction (or Read() for reads).
class GuestErasureRepository {
 public:
  explicit GuestErasureRepository(Database& db) : db_(db) {}

  absl::StatusOr<std::vector<std::string>> ConversationIds(const std::string& property_id,
                                                           const std::string& key);
  // The guest's messages of a conversation after `after_seq`, in order.
  absl::StatusOr<std::vector<ErasableMessage>> MessagesPage(const std::string& conversation_id,
                                                            const std::string& key,
                                                            int64_t after_seq, int limit);
  // Empties the contents of the guest's messages numbered (after, through]
  // in the conversation and names them by `hash`; a message still waiting
  // to be sent fails (there is nothing left to send).
  absl::StatusOr<int64_t> ClearMessages(const std::string& conversation_id, const std::string& key,
                                        int64_t after, int64_t through, const std::string& hash,
                                        absl::Time at);
  // Whether a message that still has its content names the media.
  absl::StatusOr<bool> MediaInUse(const std::string& property_id, const std::string& media_id);
  // Deletes the media record; returns its SHA-256 when no media record
  // (of any property) is left with the same bytes, i.e. the file can go.
  absl::StatusOr<std::optional<std::string>> DeleteMedia(const std::string& property_id,
                                                         const std::string& media_id);
  // The guest's identities (BSUIDs, usernames), before they are deleted.
  absl::StatusOr<std::vector<GuestIdentityRecord>> Identities(const std::string& property_id,
                                                              const std::string& key);
  // Conversations (metadata and notes emptied), the guest row, consent and
  // its history (reasons emptied), batch items and identities: renamed to
  // `hash` or deleted. Returns the conversations renamed.
  absl::StatusOr<int64_t> Rekey(const std::string& property_id, const std::string& key,
                                const std::string& phone, const std::string& hash);
  // Remembers the erasure of one of the guest's names (its hash) with the
  // consent to keep honouring and the request's reason (the first one);
  // false if it was already recorded.
  absl::StatusOr<bool> RecordErasure(const std::string& property_id, const std::string& hash,
                                     const ConsentRecord& consent, const std::string& reason,
                                     absl::Time at);
  // Rows of Meta's raw callbacks, and of the property's webhook events (with
  // their attempts and the live streams' copies), whose text holds any of `quoted` (JSON strings,
  // quotes included): deleted.
  absl::StatusOr<int64_t> DeleteRawCallbacks(const std::vector<std::string>& quoted);
  absl::StatusOr<int64_t> DeleteWebhookEvents(const std::string& property_id,
                                              const std::vector<std::string>& quoted);
  // Remembered answers of sends (idempotency keys) that hold any of `needles`.
  absl::StatusOr<int64_t> DeleteIdempotentAnswers(const std::string& property_id,
                                                  const std::vector<std::string>& needles);
  // The audit records of `seq` in (after, after + span] whose resources
  // hold one of `needles`: each needle, and each of `also` (names that
  // alone do not tell the guest apart), replaced by `hash`. Returns the
  // highest seq there is, so the caller knows when to stop (one
  // transaction per span).
  absl::StatusOr<int64_t> RewriteAudit(const std::string& property_id,
                                       const std::vector<std::string>& needles,
                                       const std::vector<std::string>& also,
                                       const std::string& hash, int64_t after, int64_t span);
  // The name WhatsApp showed for the guest (the guests row), or "".
  absl::StatusOr<std::string> ProfileName(const std::string& property_id, const std::string& key);

 private:
  absl::StatusOr<int64_t> Run(const std::string& sql, const std::vector<std::string>& params);

  Database& db_;
};

}  // namespace wa::storage
