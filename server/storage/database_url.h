#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wa::storage {

// Where the database lives, from --database_url (WA_DATABASE_URL):
//   sqlite://<path>           a SQLite file (sqlite:///var/lib/wa/wa.db is absolute)
//   postgresql://... or postgres://...   a PostgreSQL server, in libpq's URI form
struct DatabaseUrl {
  enum class Engine { kSqlite, kPostgres };
  Engine engine = Engine::kSqlite;
  std::string sqlite_path;   // kSqlite
  std::string postgres_uri;  // kPostgres: handed to libpq as it is
};

// Checks and splits `url`. The error names what is wrong in one line and
// never repeats the URL, which may hold a password.
absl::StatusOr<DatabaseUrl> ParseDatabaseUrl(absl::string_view url);

// The default when --database_url is empty: SQLite in the data directory.
std::string DefaultDatabaseUrl(const std::string& data_dir);

}  // namespace wa::storage
