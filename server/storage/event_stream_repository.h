#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/database.h"

namespace wa::storage {

// One recorded event of a property's stream.
struct StreamEventRecord {
  std::string property_id;
  int64_t cursor = 0;
  std::string event_id;
  std::string event;
  std::string conversation_id;
  absl::Time created_at;
  std::string data;  // the webhook envelope's `data`, a JSON object
};

// The range of a property's stream: the newest cursor given out (0: none
// yet) and the oldest still kept (0: none kept).
struct StreamBounds {
  int64_t latest = 0;
  int64_t oldest = 0;
};

// The events of the live streams, every event whatever the webhook
// subscribes to (migration 14).
class EventStreamRepository {
 public:
  explicit EventStreamRepository(Database& db) : db_(db) {}

  // Inside a Transaction(): gives the event the property's next cursor and
  // stores it. The counter row stays locked until the commit (PostgreSQL),
  // so another transaction of the same property, on any instance, takes
  // the next cursor only after this one has committed: cursors grow in
  // commit order. On PostgreSQL the commit also notifies kEventChannel
  // with the property id. Returns the cursor.
  absl::StatusOr<int64_t> Append(StreamEventRecord& record);

  // Up to `limit` events of the property with a cursor above `after`, oldest first.
  absl::StatusOr<std::vector<StreamEventRecord>> ReadAfter(const std::string& property_id,
                                                           int64_t after, int limit);
  absl::StatusOr<StreamBounds> Bounds(const std::string& property_id);

 private:
  Database& db_;
};

// The PostgreSQL NOTIFY channel of committed stream events (payload: the property id).
inline constexpr char kEventChannel[] = "wa_stream_events";

}  // namespace wa::storage
