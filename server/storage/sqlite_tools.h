#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace wa::storage {

// Operator tools on a SQLite database file (`wa-server backup`, `restore`,
// `check`), each on a connection of its own beside a running server's.

// A consistent copy of the database as of one moment, written to `target`
// (VACUUM INTO: one read transaction, so a server may go on writing; the
// copy is compact and holds no WAL).
absl::Status SnapshotSqlite(const std::string& db_path, const std::string& target);

// PRAGMA integrity_check: "ok", or SQLite's list of problems.
absl::StatusOr<std::string> SqliteIntegrity(const std::string& db_path);

// The media files the database names: SHA-256 to size.
absl::StatusOr<std::map<std::string, int64_t>> SqliteMediaFiles(const std::string& db_path);

// Turns on incremental vacuum (README, "Guest data") in a database made
// before it (a VACUUM, which rewrites the file: offline only). Returns
// whether it had to.
absl::StatusOr<bool> MakeIncrementalVacuum(const std::string& db_path);

}  // namespace wa::storage
