#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/database.h"

namespace wa::storage {

struct NotificationRecord {
  int64_t id = 0;
  absl::Time received_at;
  std::string body;
};

// Meta's raw callbacks, kept before they are processed so that a crash
// between the acknowledgement and the processing loses nothing.
class NotificationRepository {
 public:
  explicit NotificationRepository(Database& db) : db_(db) {}

  absl::StatusOr<int64_t> Insert(const std::string& body, absl::Time received_at);
  // Unprocessed notifications, oldest first.
  absl::StatusOr<std::vector<NotificationRecord>> Pending(int limit);
  // Marks a pending notification processed; false when it was not pending
  // any more (another instance processed it): the caller applies it only
  // when this is true, in the same transaction.
  absl::StatusOr<bool> MarkProcessed(int64_t id, absl::Time at, const std::string& error);

 private:
  Database& db_;
};

}  // namespace wa::storage
