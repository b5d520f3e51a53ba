#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/storage/backend.h"

namespace wa::storage {

// A PostgreSQL database through libpq. Each Transaction() runs on a
// connection of its own (BEGIN ... COMMIT, READ COMMITTED), so several run
// at once, here and in other processes; each Read() is one REPEATABLE READ
// READ ONLY snapshot on a connection of a separate pool; Autocommit() runs
// on a third pool, without BEGIN. Round trips are what a statement costs
// here: each SQL text is prepared once per connection (named, at most 256
// a connection), BEGIN travels with a transaction's first statement in one
// pipeline, and a read's COMMIT is not waited for, so a read of one
// statement is one round trip. The repositories'
// SQL is translated by sql_dialect.h; on open, the SQLite functions it uses
// and the schema_version table are created if missing. Pool sizes:
// PoolSizes (flags --db_read_connections, --db_write_connections).
absl::StatusOr<std::unique_ptr<Backend>> OpenPostgres(const std::string& uri,
                                                      const PoolSizes& pools);

// Whether libpq can parse `uri`, without connecting. The error is one line.
absl::Status CheckPostgresUri(absl::string_view uri);

}  // namespace wa::storage
