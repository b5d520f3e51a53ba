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
  // Those of the messages that exist, in any order, in one statement (one
  // bound parameter an id: the caller keeps the list short; coalesced
  // status reads send at most 64, util/coalesced_lookup.h).
  absl::StatusOr<std::vector<MessageRecord>> GetAll(const std::vector<std::string>& message_ids);
  absl::StatusOr<std::optional<MessageRecord>> FindByWhatsAppId(const std::string& wamid);
  // The newest `limit` messages of a conversation, oldest first.
  absl::StatusOr<std::vector<MessageRecord>> ListByConversation(const std::string& conversation_id,
                                                                int limit);
  // Up to `limit` messages of a conversation numbered after `after_seq`, in
  // order: a conversation read page by page (a guest's export).
  absl::StatusOr<std::vector<MessageRecord>> ListAfter(const std::string& conversation_id,
                                                       int64_t after_seq, int limit);
  // The guest's newest message in the conversation, if the guest wrote.
  absl::StatusOr<std::optional<MessageRecord>> LatestInbound(const std::string& conversation_id);
  // Distinct staff members who sent in the conversation, in order of first message.
  absl::StatusOr<std::vector<std::string>> StaffParticipants(const std::string& conversation_id);

  // Messages waiting for the send queue whose attempt time has come.
  absl::StatusOr<std::vector<MessageRecord>> DueForSending(absl::Time now, int limit);
  // The same inside a claiming transaction: on PostgreSQL the rows are
  // locked to it, and those another transaction holds are skipped.
  absl::StatusOr<std::vector<MessageRecord>> LockDueForSending(absl::Time now, int limit);
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
  // The same for several messages in one statement: the ids taken.
  absl::StatusOr<std::vector<std::string>> ClaimAll(const std::vector<std::string>& message_ids,
                                                    absl::Time now, absl::Time hold_until);
  // Moves the next attempt of a message still due at `now` without counting
  // one (pacing); false when another instance took it meanwhile.
  absl::StatusOr<bool> DeferDue(const std::string& message_id, absl::Time now, absl::Time at,
                                const std::string& reason);
  // Moves the next attempt of a message this process holds without
  // counting one (a retry, bad credentials).
  absl::Status Defer(const std::string& message_id, absl::Time at, const std::string& reason);
  // The provider accepted these messages: record their wamids, leave the
  // queue (RunForRows, statements.h: one statement for a group of sends).
  struct Accepted {
    std::string message_id;
    std::string wamid;
  };
  absl::Status MarkAccepted(const std::vector<Accepted>& accepted);
  // Writes the status, its time columns and the wamid, and the queue state.
  absl::Status UpdateStatus(const MessageRecord& message);

  // --- Scheduled sends: status scheduled, scheduled_for set, no
  // next_attempt_at until released. Every change below is one conditional
  // update, so of two instances (or a cancel and a release) one wins.
  absl::StatusOr<std::vector<MessageRecord>> DueScheduled(absl::Time now, int limit);
  // The earliest scheduled_for of a message still scheduled.
  absl::StatusOr<std::optional<absl::Time>> NextScheduledAt();
  // Scheduled -> queued (due for the send queue at `now`) if still
  // scheduled and due; false when someone else got there first.
  absl::StatusOr<bool> Release(const std::string& message_id, absl::Time now);
  // Moves a scheduled message to `at`, with the relative spec it follows
  // ("" for an absolute time); false when it is no longer scheduled.
  absl::StatusOr<bool> Reschedule(const std::string& message_id, absl::Time at,
                                  const std::string& relative_to, absl::Duration offset);
  // Which messages End may end.
  enum class EndFrom {
    kScheduled,    // still scheduled (a release's checks failed, or it expired)
    kQueued,       // queued, claimed or not (expired by the instance holding it)
    kQueuedDue,    // queued and due at `at`: no instance holds it
    kCancellable,  // scheduled, or queued and not in a call to the provider
  };
  // Ends a message that never reached the provider (cancelled, expired, or
  // failed when released): status, failed_at, failure code and reason, out
  // of the queue. False when it is not (or no longer) in `from`.
  absl::StatusOr<bool> End(const std::string& message_id, EndFrom from,
                           hotel::whatsapp::v1::MessageStatus status, absl::Time at, int code,
                           const std::string& reason);
  // The conversation's scheduled messages that follow a metadata time.
  absl::StatusOr<std::vector<MessageRecord>> ScheduledRelative(const std::string& conversation_id);

  struct Filter {
    std::string property_id;
    hotel::whatsapp::v1::MessageStatus status = hotel::whatsapp::v1::MESSAGE_STATUS_UNSPECIFIED;
    std::string conversation_id;
    std::string guest_key;  // "" for any
    std::optional<absl::Time> scheduled_before;
    // The page's cursor: strictly older than (created_at, message_id).
    std::optional<absl::Time> before_created_at;
    std::string before_message_id;
  };
  // The property's outbound messages, newest first.
  absl::StatusOr<std::vector<MessageRecord>> List(const Filter& filter, int limit);

 private:
  // SQLite: the conversation's next sequence number (inside the
  // transaction); its update time moves forward to `at`.
  absl::StatusOr<int64_t> BumpConversation(const std::string& conversation_id, absl::Time at);

  Database& db_;
};

}  // namespace wa::storage
