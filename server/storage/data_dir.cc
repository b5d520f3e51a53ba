#include "server/storage/data_dir.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "server/storage/database_url.h"
#include "server/storage/migrations.h"

namespace wa::storage {

absl::StatusOr<std::unique_ptr<Database>> OpenDataDir(const std::string& data_dir,
                                                      const std::string& database_url,
                                                      const PoolSizes& pools) {
  std::error_code error;
  // It holds webhook signing secrets and token hashes: the server's user's
  // only (main() also sets the umask, so the files in it are 0600).
  bool created = std::filesystem::create_directories(data_dir, error);
  if (!error && created) {
    std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, error);
  }
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("data directory ", data_dir, " is unusable: ", error.message()));
  }
  absl::StatusOr<DatabaseUrl> url =
      ParseDatabaseUrl(database_url.empty() ? DefaultDatabaseUrl(data_dir) : database_url);
  if (!url.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--database_url: ", url.status().message()));
  }
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(*url, pools);
  if (!db.ok()) return db.status();
  if (absl::Status s = Migrate(**db); !s.ok()) return s;
  return db;
}

}  // namespace wa::storage
