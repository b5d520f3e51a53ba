#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "server/storage/database.h"
#include "server/storage/retention_repository.h"

namespace wa::domain {

// Days given for an update; 0 keeps the stored value.
struct RetentionUpdate {
  int message_content_days = 0;
  int media_days = 0;
  int event_days = 0;
  int raw_callback_days = 0;
  int audit_days = 0;
};

// How long a property keeps each kind of data (README, "Guest data"); the
// worker that acts on it is workers/retention_pruner.h.
class RetentionService {
 public:
  explicit RetentionService(storage::Database& db) : db_(db), retention_(db) {}

  absl::StatusOr<storage::RetentionPolicy> Get(const std::string& property_id);
  // Each value 1 to 3650 days (0: unchanged); INVALID_ARGUMENT naming the
  // field otherwise, and nothing changes.
  absl::StatusOr<storage::RetentionPolicy> Update(const std::string& property_id,
                                                  const RetentionUpdate& update);

 private:
  storage::Database& db_;
  storage::RetentionRepository retention_;
};

}  // namespace wa::domain
