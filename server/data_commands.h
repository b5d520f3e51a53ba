#pragma once

#include <string>

namespace wa {

struct DataCommandOptions {
  std::string data_dir;
  std::string database_url;     // empty: SQLite in data_dir
  std::string media_dir;        // empty: <data_dir>/media
  std::string erasure_key_dir;  // empty: <data_dir>/keys
  std::string to;               // backup
  std::string from;             // restore
};

// `wa-server backup --to=FILE`: a consistent copy of a SQLite service,
// running or not, with the media files and erasure keys it needs, in one
// tar archive (README, "Guest data"). PostgreSQL: refused, pointing at
// pg_dump.
int RunBackupCommand(const DataCommandOptions& options);
// `wa-server restore --from=FILE --data_dir=NEW`: the archive unpacked into
// a data directory that has no database yet, checked, and set up for
// incremental vacuum; a server started on NEW serves the same data.
int RunRestoreCommand(const DataCommandOptions& options);
// `wa-server check`: PRAGMA integrity_check (SQLite) and the media store
// against the database: files missing, of the wrong size, or unreferenced.
// Exit status 0 when sound, 1 when a problem was found, 2 on a refusal.
int RunCheckCommand(const DataCommandOptions& options);

}  // namespace wa
