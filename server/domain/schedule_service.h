#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/guest_directory.h"
#include "server/domain/send_timing.h"
#include "server/domain/status_service.h"
#include "server/domain/wake_ups.h"
#include "server/storage/conversation_repository.h"
#include "server/storage/database.h"
#include "server/storage/message_repository.h"
#include "server/storage/property_repository.h"

namespace wa::domain {

// Which messages ListMessages shows.
struct MessageQuery {
  hotel::whatsapp::v1::MessageStatus status = hotel::whatsapp::v1::MESSAGE_STATUS_UNSPECIFIED;
  std::string conversation_id;
  std::string guest_phone;       // as the caller gives it
  std::string scheduled_before;  // RFC 3339, or ""
  int page_size = 0;
  std::string page_token;
};

struct MessagePage {
  std::vector<storage::MessageRecord> messages;
  std::string next_page_token;
};

// What staff do to messages that have not gone yet: cancel one (scheduled,
// or queued and not in a call to the provider), move a scheduled one to
// another time, and list them.
class ScheduleService {
 public:
  // `event_waker` wakes what follows events (EventWaker).
  ScheduleService(storage::Database& db, EventWaker* event_waker)
      : db_(db),
        messages_(db),
        conversations_(db),
        properties_(db),
        directory_(db),
        statuses_(db, event_waker),
        event_waker_(event_waker) {}
  // A moved schedule wakes `releaser` (workers::ScheduleReleaser).
  void set_releaser(ScheduleWaker* releaser) { releaser_ = releaser; }

  // `reason` (optional, at most 200 characters) is kept as the end reason.
  absl::StatusOr<storage::MessageRecord> Cancel(const std::string& property_id,
                                                const std::string& message_id,
                                                const std::string& reason);
  // A new send_at (absolute or relative; its valid_until still applies).
  absl::StatusOr<storage::MessageRecord> Reschedule(const std::string& property_id,
                                                    const std::string& message_id,
                                                    const TimingRequest& send_at);
  absl::StatusOr<MessagePage> List(const std::string& property_id, const MessageQuery& query);

 private:
  // Inside a transaction: the property's message, else NOT_FOUND.
  absl::StatusOr<storage::MessageRecord> Load(const std::string& property_id,
                                              const std::string& message_id);
  // The refusal for a message that is past changing.
  static absl::Status NotChangeable(const storage::MessageRecord& m, const char* what);

  storage::Database& db_;
  storage::MessageRepository messages_;
  storage::ConversationRepository conversations_;
  storage::PropertyRepository properties_;
  GuestDirectory directory_;
  StatusService statuses_;
  ScheduleWaker* releaser_ = nullptr;
  EventWaker* event_waker_;
};

}  // namespace wa::domain
