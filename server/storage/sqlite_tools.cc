#include "server/storage/sqlite_tools.h"

#include <sqlite3.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace wa::storage {
namespace {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;

absl::StatusOr<Db> OpenFile(const std::string& path, bool write) {
  sqlite3* raw = nullptr;
  int flags = write ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
  if (sqlite3_open_v2(path.c_str(), &raw, flags, nullptr) != SQLITE_OK) {
    std::string why = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return absl::UnavailableError(absl::StrCat("cannot open database ", path, ": ", why));
  }
  sqlite3_busy_timeout(raw, 30000);  // a server's commit in progress
  return Db(raw);
}

absl::Status Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) == SQLITE_OK) {
    return absl::OkStatus();
  }
  absl::Status status = absl::InternalError(absl::StrCat(sql, ": ", error ? error : "failed"));
  sqlite3_free(error);
  return status;
}

// Runs `sql`, calling `row` for each row.
template <typename Row>
absl::Status Query(sqlite3* db, const std::string& sql, Row row) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    return absl::InternalError(absl::StrCat(sql, ": ", sqlite3_errmsg(db)));
  }
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) row(stmt);
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return absl::InternalError(absl::StrCat(sql, ": ", sqlite3_errmsg(db)));
  return absl::OkStatus();
}

std::string Text(sqlite3_stmt* stmt, int col) {
  const unsigned char* text = sqlite3_column_text(stmt, col);
  return text == nullptr ? "" : reinterpret_cast<const char*>(text);
}

std::string Quote(const std::string& text) {
  char* quoted = sqlite3_mprintf("%Q", text.c_str());
  std::string out = quoted;
  sqlite3_free(quoted);
  return out;
}

}  // namespace

absl::Status SnapshotSqlite(const std::string& db_path, const std::string& target) {
  // Read-write: a reader of a WAL database needs the shared-memory file.
  absl::StatusOr<Db> db = OpenFile(db_path, /*write=*/true);
  if (!db.ok()) return db.status();
  return Exec(db->get(), absl::StrCat("VACUUM INTO ", Quote(target)));
}

absl::StatusOr<std::string> SqliteIntegrity(const std::string& db_path) {
  absl::StatusOr<Db> db = OpenFile(db_path, /*write=*/true);
  if (!db.ok()) return db.status();
  std::string report;
  absl::Status s = Query(db->get(), "PRAGMA integrity_check", [&](sqlite3_stmt* stmt) {
    absl::StrAppend(&report, report.empty() ? "" : "\n", Text(stmt, 0));
  });
  if (!s.ok()) return s;
  return report;
}

absl::StatusOr<std::map<std::string, int64_t>> SqliteMediaFiles(const std::string& db_path) {
  absl::StatusOr<Db> db = OpenFile(db_path, /*write=*/true);
  if (!db.ok()) return db.status();
  std::map<std::string, int64_t> files;
  absl::Status s =
      Query(db->get(), "SELECT sha256, MAX(size_bytes) FROM media GROUP BY sha256",
            [&](sqlite3_stmt* stmt) { files[Text(stmt, 0)] = sqlite3_column_int64(stmt, 1); });
  if (!s.ok()) return s;
  return files;
}

absl::StatusOr<bool> MakeIncrementalVacuum(const std::string& db_path) {
  absl::StatusOr<Db> db = OpenFile(db_path, /*write=*/true);
  if (!db.ok()) return db.status();
  int mode = -1;
  absl::Status s = Query(db->get(), "PRAGMA auto_vacuum",
                         [&](sqlite3_stmt* stmt) { mode = sqlite3_column_int(stmt, 0); });
  if (!s.ok()) return s;
  if (mode == 2) return false;  // INCREMENTAL already
  if (absl::Status v = Exec(db->get(), "PRAGMA auto_vacuum=INCREMENTAL"); !v.ok()) return v;
  if (absl::Status v = Exec(db->get(), "VACUUM"); !v.ok()) return v;
  return true;
}

}  // namespace wa::storage
