#pragma once

#include "absl/status/status.h"
#include "server/storage/database.h"

namespace wa::storage {

// Brings the schema up to the newest version. Each migration runs in its
// own transaction together with the bump of the schema version (SQLite's
// PRAGMA user_version, a table in PostgreSQL), so a crash leaves the
// database at a whole version; instances starting together on one
// PostgreSQL apply each migration once.
absl::Status Migrate(Database& db);

// The version Migrate() brings a database to.
int LatestSchemaVersion();

}  // namespace wa::storage
