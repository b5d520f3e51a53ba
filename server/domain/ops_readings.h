#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "server/storage/database.h"
#include "server/util/metrics.h"

namespace wa::domain {

// What the operator endpoints read from the database when asked: the
// gauges /metrics adds to the process's counters, and the schema version
// /readyz compares with the one this build migrates to.
class OpsReadings {
 public:
  explicit OpsReadings(storage::Database& db) : db_(db) {}

  // Queue depth and age per sender, webhook events by delivery status, and
  // Meta callbacks no property owns. A reading that fails is left out (the
  // process's own counters are still worth serving).
  std::vector<util::Metrics::Gauge> Gauges();

  struct Schema {
    int version = 0;
    int expected = 0;
  };
  absl::StatusOr<Schema> SchemaVersions();

 private:
  storage::Database& db_;
};

}  // namespace wa::domain
