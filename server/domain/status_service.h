#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "server/domain/status_machine.h"
#include "server/storage/database.h"
#include "server/storage/message_repository.h"

namespace wa::domain {

// Applies provider status reports to stored messages.
class StatusService {
 public:
  explicit StatusService(storage::Database& db) : messages_(db) {}

  // Applies one update inside the caller's transaction. Returns the message
  // if it changed, nullopt if the update was stale, repeated or for an
  // unknown wamid.
  absl::StatusOr<std::optional<storage::MessageRecord>> ApplyInTransaction(
      const StatusUpdate& update);

 private:
  storage::MessageRepository messages_;
};

}  // namespace wa::domain
