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
  // The earliest pending attempt time, if any message waits.
  absl::StatusOr<std::optional<absl::Time>> NextAttemptAt();
  // The provider accepted the message: record its wamid, leave the queue.
  absl::Status MarkAccepted(const std::string& message_id, const std::string& wamid);
  absl::Status ScheduleRetry(const std::string& message_id, absl::Time at, int attempts,
                             const std::string& last_error);
  // Writes the status and its time column, and takes the message off the queue.
  absl::Status UpdateStatus(const MessageRecord& message);

 private:
  Database& db_;
};

}  // namespace wa::storage
