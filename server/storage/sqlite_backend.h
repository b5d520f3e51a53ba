#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/storage/backend.h"

namespace wa::storage {

// One SQLite database in WAL mode with synchronous=FULL, so a committed
// transaction is on disk before the caller acknowledges anything.
//
// Writes go through one connection with group commit: concurrent
// Transaction() calls are run one after another inside a single SQLite
// transaction, each under its own savepoint (so one failing rolls back
// only itself), and committed with one fsync; every caller returns once
// the commit holding its work is durable. Reads run on a small pool of
// read-only connections and see the latest commit (WAL snapshots), never
// waiting for a writer's fsync.
absl::StatusOr<std::unique_ptr<Backend>> OpenSqlite(const std::string& path, int read_connections);

}  // namespace wa::storage
