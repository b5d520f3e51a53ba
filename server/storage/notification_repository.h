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

// Callbacks kept for a number or business account that no property owns.
struct ParkedCount {
  std::string route_key;  // a phone_number_id, or "waba:" + a business account id
  int64_t count = 0;
  absl::Time first_received_at;
  absl::Time last_received_at;
};

// Meta's raw callbacks, kept before they are processed so that a crash
// between the acknowledgement and the processing loses nothing.
class NotificationRepository {
 public:
  explicit NotificationRepository(Database& db) : db_(db) {}

  absl::StatusOr<int64_t> Insert(const std::string& body, absl::Time received_at);
  // Keeps the part of a notification that no property owns yet, under its
  // routing key, out of the pending ones until Unpark().
  absl::Status InsertParked(const std::string& body, absl::Time received_at,
                            const std::string& route_key);
  // Makes what was parked under `route_key` pending again.
  absl::Status Unpark(const std::string& route_key);
  absl::StatusOr<std::vector<ParkedCount>> CountParked();
  // Unprocessed notifications that are not parked, oldest first.
  absl::StatusOr<std::vector<NotificationRecord>> Pending(int limit);
  // Marks a pending notification processed; false when it was not pending
  // any more (another instance processed it): the caller applies it only
  // when this is true, in the same transaction.
  absl::StatusOr<bool> MarkProcessed(int64_t id, absl::Time at, const std::string& error);

 private:
  Database& db_;
};

}  // namespace wa::storage
