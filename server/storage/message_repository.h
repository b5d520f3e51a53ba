#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/storage/database.h"
#include "server/storage/records.h"

namespace wa::storage {

class MessageRepository {
 public:
  explicit MessageRepository(Database& db) : db_(db) {}

  // Appends to the conversation; assigns the next sequence number.
  absl::Status Insert(MessageRecord& message);
  absl::StatusOr<std::optional<MessageRecord>> Get(const std::string& message_id);
  absl::StatusOr<std::optional<MessageRecord>> FindByWhatsAppId(const std::string& wamid);
  // The newest `limit` messages of a conversation, oldest first.
  absl::StatusOr<std::vector<MessageRecord>> ListByConversation(const std::string& conversation_id,
                                                                int limit);
  // Distinct staff members who sent in the conversation, in order of first message.
  absl::StatusOr<std::vector<std::string>> StaffParticipants(const std::string& conversation_id);

  // Messages waiting for the send queue whose attempt time has come.
  absl::StatusOr<std::vector<MessageRecord>> DueForSending(absl::Time now, int limit);
  // How many of the property's messages wait for the send queue, counted
  // up to `limit` (the bound a caller checks against).
  absl::StatusOr<int> CountBacklog(const std::string& property_id, int limit);
  // The earliest pending attempt time, if any message waits.
  absl::StatusOr<std::optional<absl::Time>> NextAttemptAt();
  // Takes a due message for an attempt: counts the attempt and holds the
  // message until `hold_until`, so that if the process dies during the
  // provider call the message is retried only after that time.
  absl::Status Claim(const std::string& message_id, absl::Time hold_until);
  // Moves the next attempt without counting one (pacing, bad credentials).
  absl::Status Defer(const std::string& message_id, absl::Time at, const std::string& reason);
  // The provider accepted the message: record its wamid, leave the queue.
  absl::Status MarkAccepted(const std::string& message_id, const std::string& wamid);
  // Writes the status, its time columns and the wamid, and the queue state.
  absl::Status UpdateStatus(const MessageRecord& message);

 private:
  Database& db_;
};

}  // namespace wa::storage
