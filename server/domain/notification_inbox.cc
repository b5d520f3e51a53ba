#include "server/domain/notification_inbox.h"

#include "absl/time/clock.h"

namespace wa::domain {

absl::StatusOr<int64_t> NotificationInbox::Store(const std::string& body) {
  return storage::TransactValue(db_, [&] { return notifications_.Insert(body, absl::Now()); });
}

}  // namespace wa::domain
