#include "server/storage/migrations.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "server/storage/schema_history.h"

namespace wa::storage {
namespace {

absl::StatusOr<int> CurrentVersion(Database& db) {
  return ReadValue(db, [&] { return db.SchemaVersion(); });
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(Migrations().size()); }

absl::Status Migrate(Database& db) {
  absl::StatusOr<int> current = CurrentVersion(db);
  if (!current.ok()) return current.status();
  if (*current > LatestSchemaVersion()) {
    return absl::FailedPreconditionError(absl::StrCat("database schema version ", *current,
                                                      " is newer than this build (",
                                                      LatestSchemaVersion(), ")"));
  }
  for (int version = *current + 1; version <= LatestSchemaVersion(); ++version) {
    absl::Status status = db.Transaction([&]() -> absl::Status {
      // Another instance may have applied it since we looked: once locked,
      // look again.
      if (absl::Status s = db.LockSchema(); !s.ok()) return s;
      absl::StatusOr<int> now = db.SchemaVersion();
      if (!now.ok()) return now.status();
      if (*now >= version) return absl::OkStatus();
      if (absl::Status s = db.Exec(db.SchemaSql(Migrations()[version - 1])); !s.ok()) return s;
      return db.SetSchemaVersion(version);
    });
    if (!status.ok()) {
      return absl::InternalError(absl::StrCat("migration ", version, ": ", status.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace wa::storage
