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

// A statement whose text starts with this is planned for its own values
// each time it runs on PostgreSQL, not prepared once per connection.
// For statements over a batch of keys (an IN list, VALUES rows): a
// prepared statement's generic plan is made after its fifth run and kept
// until the tables' statistics change, and on a young database that plan
// was made over a few hundred rows: a hash join over a sequential scan of
// `messages`, which stayed the plan while the table grew to tens of
// thousands of rows in the first minute, before autovacuum's first ANALYZE
// (BENCHMARKS.md). A batch runs once for many rows, so its planning costs
// little per row. SQLite reads a comment.
inline constexpr char kPlanEachRun[] = "/* planned per run */ ";

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
