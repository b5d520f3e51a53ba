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
// on a third pool, without BEGIN. The repositories'
// SQL is translated by sql_dialect.h; on open, the SQLite functions it uses
// and the schema_version table are created if missing.
absl::StatusOr<std::unique_ptr<Backend>> OpenPostgres(const std::string& uri, int connections);

// Whether libpq can parse `uri`, without connecting. The error is one line.
absl::Status CheckPostgresUri(absl::string_view uri);

}  // namespace wa::storage
