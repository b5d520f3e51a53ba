#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/storage/database.h"

namespace wa::storage {

// Creates the data directory if needed, opens its database (wa.db) and
// migrates it to the newest schema. Used by the server and the operator
// commands alike.
absl::StatusOr<std::unique_ptr<Database>> OpenDataDir(const std::string& data_dir);

}  // namespace wa::storage
