#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/database.h"

namespace wa::storage {

// Messages waiting for the send queue, per sender (property).
struct QueueDepth {
  std::string property_id;
  int64_t queued = 0;
  absl::Time oldest;
};

// Webhook events by delivery status (1 pending, 2 delivered, 3 failed).
struct EventCount {
  int status = 0;
  int64_t count = 0;
};

// What operators watch, read by /metrics and /readyz.
class OpsRepository {
 public:
  explicit OpsRepository(Database& db) : db_(db) {}

  absl::StatusOr<std::vector<QueueDepth>> Queues();
  absl::StatusOr<std::vector<EventCount>> WebhookEvents();
  absl::StatusOr<int> SchemaVersion();

 private:
  Database& db_;
};

}  // namespace wa::storage
