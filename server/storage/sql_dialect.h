#pragma once

// The few differences between the SQL the repositories write (SQLite's
// spelling, in a subset both engines run: docs/postgres-port.md) and what
// PostgreSQL accepts, resolved here and nowhere else.

#include <string>

#include "absl/strings/string_view.h"

namespace wa::storage {

struct PostgresStatement {
  std::string sql;     // with $1, $2, ...
  int parameters = 0;  // the highest parameter number
};

// Rewrites SQLite's `?` and `?NNN` placeholders as `$n`, numbered as SQLite
// numbers them: `?NNN` is NNN, a bare `?` one more than the largest so far.
// Quoted text and comments are left alone.
PostgresStatement ToPostgresPlaceholders(absl::string_view sql);

// A line of a migration that starts with this runs on PostgreSQL only (the
// rest of the line, translated as any other); SQLite reads a
// comment. For what SQLite has no word for, e.g. a sequence.
inline constexpr char kPostgresOnly[] = "-- postgresql: ";

// A migration's DDL in PostgreSQL's types: INTEGER PRIMARY KEY AUTOINCREMENT
// becomes an identity column, INTEGER BIGINT (times are microseconds), REAL
// DOUBLE PRECISION, BLOB BYTEA, and TEXT compares bytewise (COLLATE "C") as
// in SQLite, whatever the server's locale.
std::string ToPostgresSchema(absl::string_view ddl);

// SQL functions with the names and meaning of the SQLite (JSON1) ones the
// repositories call, over text: json_patch on flat objects, json_extract
// with a '$.a.b' path, json_each over an array's values. Safe to run again.
absl::string_view PostgresCompatFunctions();

}  // namespace wa::storage
