#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "server/domain/event_outbox.h"
#include "server/domain/status_machine.h"
#include "server/domain/wake_ups.h"
#include "server/storage/database.h"
#include "server/storage/message_repository.h"

namespace wa::domain {

// Applies provider status reports to stored messages, and emits the
// webhook events of each change in the same transaction.
class StatusService {
 public:
  // `event_waker` wakes what follows events (EventWaker).
  explicit StatusService(storage::Database& db, EventWaker* event_waker = nullptr)
      : messages_(db), outbox_(db, event_waker) {}

  // Applies one update inside the caller's transaction. Returns the message
  // if it changed, nullopt if the update was stale, repeated or for an
  // unknown wamid.
  absl::StatusOr<std::optional<storage::MessageRecord>> ApplyInTransaction(
      const StatusUpdate& update);
  // The send queue gave up on a message (refused, or out of attempts):
  // inside the caller's transaction, marks it failed.
  absl::Status FailInTransaction(const storage::MessageRecord& message, absl::Time at,
                                 int failure_code, const std::string& reason);
  // Inside the caller's transaction: ends a message that never reached the
  // provider (cancelled, expired, or failed when released; see
  // MessageRepository::End) and emits its events. Returns the message as
  // ended, or nullopt when it was no longer in `from` (another instance, a
  // cancel or a release got there first).
  absl::StatusOr<std::optional<storage::MessageRecord>> EndInTransaction(
      const storage::MessageRecord& message, storage::MessageRepository::EndFrom from,
      hotel::whatsapp::v1::MessageStatus status, absl::Time at, const std::string& reason);

 private:
  // Stores `after` and emits the events of the change from `before`.
  absl::Status Store(const storage::MessageRecord& before, const storage::MessageRecord& after);

  storage::MessageRepository messages_;
  EventOutbox outbox_;
};

}  // namespace wa::domain
