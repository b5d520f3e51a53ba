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

  // Appends to the conversation: assigns the next sequence number, and
  // moves the conversation's update time forward to the message's.
  absl::Status Insert(MessageRecord& message);
  absl::StatusOr<std::optional<MessageRecord>> Get(const std::string& message_id);
  absl::StatusOr<std::optional<MessageRecord>> FindByWhatsAppId(const std::string& wamid);
  // The newest `limit` messages of a conversation, oldest first.
  absl::StatusOr<std::vector<MessageRecord>> ListByConversation(const std::string& conversation_id,
                                                                int limit);
  // Up to `limit` messages of a conversation numbered after `after_seq`, in
  // order: a conversation read page by page (a guest's export).
  absl::StatusOr<std::vector<MessageRecord>> ListAfter(const std::string& conversation_id,
                                                       int64_t after_seq, int limit);
  // Distinct staff members who sent in the conversation, in order of first message.
  absl::StatusOr<std::vector<std::string>> StaffParticipants(const std::string& conversation_id);

  // Messages waiting for the send queue whose attempt time has come.
  absl::StatusOr<std::vector<MessageRecord>> DueForSending(absl::Time now, int limit);
  // How many of the property's messages wait for the send queue, counted
  // up to `limit` (the bound a caller checks against).
  absl::StatusOr<int> CountBacklog(const std::string& property_id, int limit);
  // The earliest pending attempt time, if any message waits.
  absl::StatusOr<std::optional<absl::Time>> NextAttemptAt();
  // Takes a message for an attempt if it is still due at `now`: counts the
  // attempt and holds the message until `hold_until`, so that if the
  // process dies during the provider call the message is retried (by any
  // instance) only after that time. False when it is no longer due: another
  // instance took it since it was read (docs/postgres-port.md, "Claims").
  absl::StatusOr<bool> Claim(const std::string& message_id, absl::Time now, absl::Time hold_until);
  // Moves the next attempt of a message still due at `now` without counting
  // one (pacing); false when another instance took it meanwhile.
  absl::StatusOr<bool> DeferDue(const std::string& message_id, absl::Time now, absl::Time at,
                                const std::string& reason);
  // Moves the next attempt of a message this process holds without
  // counting one (a retry, bad credentials).
  absl::Status Defer(const std::string& message_id, absl::Time at, const std::string& reason);
  // The provider accepted the message: record its wamid, leave the queue.
  absl::Status MarkAccepted(const std::string& message_id, const std::string& wamid);
  // Writes the status, its time columns and the wamid, and the queue state.
  absl::Status UpdateStatus(const MessageRecord& message);

 private:
  // The conversation's next sequence number (inside the transaction); its
  // update time moves forward to `at`.
  absl::StatusOr<int64_t> JoinConversation(const std::string& conversation_id, absl::Time at);

  Database& db_;
};

}  // namespace wa::storage
