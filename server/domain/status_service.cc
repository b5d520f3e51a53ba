#include "server/domain/status_service.h"

#include "server/domain/message_events.h"

namespace wa::domain {

absl::StatusOr<std::optional<storage::MessageRecord>> StatusService::ApplyInTransaction(
    const StatusUpdate& update) {
  absl::StatusOr<std::optional<storage::MessageRecord>> found =
      messages_.FindByWhatsAppId(update.whatsapp_message_id);
  if (found.ok() && !*found && !update.message_id.empty()) {
    // Meta echoes our id: the callback can settle a send whose acceptance
    // we have not recorded (yet, or ever, if we crashed during the call).
    found = messages_.Get(update.message_id);
    if (found.ok() && *found && !(*found)->whatsapp_message_id.empty()) return std::nullopt;
    if (found.ok() && *found) (*found)->whatsapp_message_id = update.whatsapp_message_id;
  }
  if (!found.ok() || !*found) return found;
  storage::MessageRecord& message = **found;
  storage::MessageRecord before = message;
  if (!ApplyStatus(message, update)) return std::nullopt;
  if (absl::Status s = Store(before, message); !s.ok()) return s;
  return found;
}

absl::Status StatusService::FailInTransaction(const storage::MessageRecord& message, absl::Time at,
                                              int failure_code, const std::string& reason) {
  storage::MessageRecord failed = message;
  StatusUpdate update;
  update.status = hotel::whatsapp::v1::MESSAGE_STATUS_FAILED;
  update.at = at;
  update.failure_code = failure_code;
  update.failure_reason = reason;
  if (!ApplyStatus(failed, update)) {
    return absl::OkStatus();
  }
  return Store(message, failed);
}

absl::StatusOr<std::optional<storage::MessageRecord>> StatusService::EndInTransaction(
    const storage::MessageRecord& message, storage::MessageRepository::EndFrom from,
    hotel::whatsapp::v1::MessageStatus status, absl::Time at, const std::string& reason) {
  absl::StatusOr<bool> ended = messages_.End(message.message_id, from, status, at, 0, reason);
  if (!ended.ok()) return ended.status();
  if (!*ended) return std::optional<storage::MessageRecord>();
  storage::MessageRecord after = message;
  after.status = status;
  after.failed_at = at;
  after.failure_code = 0;
  after.failure_reason = reason;
  after.next_attempt_at.reset();
  if (absl::Status s = EmitScheduleEvents(outbox_, after, at); !s.ok()) return s;
  return std::optional<storage::MessageRecord>(std::move(after));
}

absl::Status StatusService::Store(const storage::MessageRecord& before,
                                  const storage::MessageRecord& after) {
  if (absl::Status s = messages_.UpdateStatus(after); !s.ok()) return s;
  return EmitStatusEvents(outbox_, before, after);
}

}  // namespace wa::domain
