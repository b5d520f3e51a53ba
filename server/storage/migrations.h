#pragma once

#include "absl/status/status.h"
#include "server/storage/database.h"

namespace wa::storage {

// Brings the schema up to the newest version. Each migration runs in its
// own transaction together with the bump of PRAGMA user_version, so a crash
// leaves the database at a whole version.
absl::Status Migrate(Database& db);

// The version Migrate() brings a database to.
int LatestSchemaVersion();

}  // namespace wa::storage
