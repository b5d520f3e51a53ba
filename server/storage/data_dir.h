#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/storage/database.h"

namespace wa::storage {

// Creates the data directory if needed (media files live there whatever
// the database), opens the database of `database_url` (empty: wa.db in the
// data directory) and migrates it to the newest schema. Used by the server
// and the operator commands alike; `pools` sizes its connection pools.
absl::StatusOr<std::unique_ptr<Database>> OpenDataDir(const std::string& data_dir,
                                                      const std::string& database_url = "",
                                                      const PoolSizes& pools = {});

}  // namespace wa::storage
