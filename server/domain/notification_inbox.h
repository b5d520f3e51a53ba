#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "server/storage/database.h"
#include "server/storage/notification_repository.h"

namespace wa::domain {

// Where a provider's signed callbacks are kept, raw, before anything is
// parsed: durable before the provider gets its acknowledgement, so that a
// crash loses none. The notification processor takes them from here.
class NotificationInbox {
 public:
  explicit NotificationInbox(storage::Database& db) : db_(db), notifications_(db) {}

  // Stores the body in a transaction of its own; returns its id.
  absl::StatusOr<int64_t> Store(const std::string& body);

 private:
  storage::Database& db_;
  storage::NotificationRepository notifications_;
};

}  // namespace wa::domain
