#include "server/data_commands.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/storage/backup_archive.h"
#include "server/storage/database_url.h"
#include "server/storage/media_store.h"
#include "server/storage/sqlite_tools.h"

namespace wa {
namespace {

namespace fs = std::filesystem;

int Fail(const char* command, const std::string& reason) {
  std::fprintf(stderr, "wa-server %s: %s\n", command, reason.c_str());
  return 2;
}

std::string MediaRoot(const DataCommandOptions& o) {
  return o.media_dir.empty() ? o.data_dir + "/media" : o.media_dir;
}
std::string KeyDir(const DataCommandOptions& o) {
  return o.erasure_key_dir.empty() ? o.data_dir + "/keys" : o.erasure_key_dir;
}

// The SQLite file the options name; PostgreSQL is refused.
absl::StatusOr<std::string> SqlitePath(const DataCommandOptions& o) {
  absl::StatusOr<storage::DatabaseUrl> url = storage::ParseDatabaseUrl(
      o.database_url.empty() ? storage::DefaultDatabaseUrl(o.data_dir) : o.database_url);
  if (!url.ok()) return url.status();
  if (url->engine != storage::DatabaseUrl::Engine::kSqlite) {
    return absl::FailedPreconditionError(
        "PostgreSQL is backed up with pg_dump, with a copy of the media and key directories "
        "(README, \"Guest data\")");
  }
  return url->sqlite_path;
}

bool IsSha256(const std::string& name) {
  return name.size() == 64 && name.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// The files of the media store: SHA-256 to size.
std::map<std::string, int64_t> StoredFiles(const std::string& root) {
  std::map<std::string, int64_t> files;
  std::error_code error;
  for (fs::recursive_directory_iterator it(root, error), end; !error && it != end;
       it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (it->is_regular_file(error) && IsSha256(name)) {
      files[name] = static_cast<int64_t>(it->file_size(error));
    }
  }
  return files;
}

struct MediaReport {
  std::vector<std::string> missing;  // named by the database, absent or of another size
  std::vector<std::string> unreferenced;
};

MediaReport CompareMedia(const std::map<std::string, int64_t>& named,
                         const std::map<std::string, int64_t>& stored) {
  MediaReport report;
  for (const auto& [sha, size] : named) {
    auto it = stored.find(sha);
    if (it == stored.end() || it->second != size) report.missing.push_back(sha);
  }
  for (const auto& [sha, size] : stored) {
    if (!named.contains(sha)) report.unreferenced.push_back(sha);
  }
  return report;
}

// Prints the report; true when nothing is missing.
bool PrintMedia(const std::map<std::string, int64_t>& named, const MediaReport& report) {
  std::printf("media: %zu files named by the database, %zu missing or damaged, %zu unreferenced\n",
              named.size(), report.missing.size(), report.unreferenced.size());
  for (const std::string& sha : report.missing) std::printf("  missing: %s\n", sha.c_str());
  for (const std::string& sha : report.unreferenced) {
    std::printf("  unreferenced: %s\n", sha.c_str());
  }
  return report.missing.empty();
}

}  // namespace

int RunBackupCommand(const DataCommandOptions& o) {
  if (o.to.empty()) return Fail("backup", "needs --to=FILE");
  absl::StatusOr<std::string> db_path = SqlitePath(o);
  if (!db_path.ok()) return Fail("backup", std::string(db_path.status().message()));
  if (!fs::exists(*db_path)) return Fail("backup", "no database at " + *db_path);
  if (fs::exists(o.to)) return Fail("backup", o.to + " exists; choose a new file");
  const absl::Time start = absl::Now();
  storage::MediaStore store(MediaRoot(o));
  // From before the snapshot until every file it names is copied, no file
  // is removed (erasure and retention wait): the archive is whole.
  absl::StatusOr<std::unique_ptr<storage::MediaStore::BackupHold>> hold = store.HoldForBackup();
  if (!hold.ok()) return Fail("backup", std::string(hold.status().message()));
  const std::string snapshot = o.to + ".db.partial";
  const std::string partial = o.to + ".partial";
  fs::remove(snapshot);
  fs::remove(partial);
  auto cleanup = [&] {
    std::error_code ignored;
    fs::remove(snapshot, ignored);
    fs::remove(partial, ignored);
  };
  absl::Status status = storage::SnapshotSqlite(*db_path, snapshot);
  absl::StatusOr<std::map<std::string, int64_t>> named =
      status.ok() ? storage::SqliteMediaFiles(snapshot)
                  : absl::StatusOr<std::map<std::string, int64_t>>(status);
  absl::StatusOr<std::unique_ptr<storage::ArchiveWriter>> archive =
      named.ok() ? storage::ArchiveWriter::Create(partial)
                 : absl::StatusOr<std::unique_ptr<storage::ArchiveWriter>>(named.status());
  if (!archive.ok()) {
    cleanup();
    return Fail("backup", std::string(archive.status().message()));
  }
  status = (*archive)->Add("wa.db", snapshot);
  for (auto it = named->begin(); status.ok() && it != named->end(); ++it) {
    status = (*archive)->Add(absl::StrCat("media/", it->first.substr(0, 2), "/", it->first),
                             store.PathFor(it->first));
  }
  std::error_code error;
  for (fs::directory_iterator it(KeyDir(o), error), end; status.ok() && !error && it != end;
       it.increment(error)) {
    status = (*archive)->Add("keys/" + it->path().filename().string(), it->path().string());
  }
  if (status.ok()) status = (*archive)->Finish();
  if (status.ok()) fs::rename(partial, o.to, error);
  if (!status.ok() || error) {
    cleanup();
    return Fail("backup", status.ok() ? error.message() : std::string(status.message()));
  }
  const int64_t db_bytes = static_cast<int64_t>(fs::file_size(snapshot, error));
  const int64_t total = (*archive)->bytes();
  cleanup();
  std::printf("backup %s: database %lld bytes, %zu media files, %lld bytes in all, %.1f s\n",
              o.to.c_str(), static_cast<long long>(db_bytes), named->size(),
              static_cast<long long>(total), absl::ToDoubleSeconds(absl::Now() - start));
  return 0;
}

namespace {

// Where an archive entry goes, or "" for an entry no backup holds.
std::string TargetOf(const DataCommandOptions& o, const std::string& db_path,
                     const std::string& name) {
  if (name == "wa.db") return db_path;
  if (name.rfind("media/", 0) == 0) return MediaRoot(o) + name.substr(5);
  if (name.rfind("keys/", 0) == 0) return KeyDir(o) + name.substr(4);
  return "";
}

absl::Status Unpack(const DataCommandOptions& o, const std::string& db_path) {
  return storage::ReadArchive(o.from, [&](const std::string& name, int64_t, const auto& read) {
    const std::string target = TargetOf(o, db_path, name);
    if (target.empty()) return absl::DataLossError("not a wa-server backup: holds " + name);
    std::error_code error;
    fs::create_directories(fs::path(target).parent_path(), error);
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(target.c_str(), "wbx"),
                                                        &std::fclose);
    if (out == nullptr) return absl::FailedPreconditionError("cannot create " + target);
    std::vector<char> buffer(1 << 20);
    while (true) {
      absl::StatusOr<size_t> n = read(buffer.data(), buffer.size());
      if (!n.ok()) return n.status();
      if (*n == 0) break;
      if (std::fwrite(buffer.data(), 1, *n, out.get()) != *n) {
        return absl::InternalError("cannot write " + target);
      }
    }
    if (std::fflush(out.get()) != 0 || fsync(fileno(out.get())) != 0) {
      return absl::InternalError("cannot flush " + target);
    }
    return absl::OkStatus();
  });
}

}  // namespace

int RunRestoreCommand(const DataCommandOptions& o) {
  if (o.from.empty()) return Fail("restore", "needs --from=FILE");
  absl::StatusOr<std::string> db_path = SqlitePath(o);
  if (!db_path.ok()) return Fail("restore", std::string(db_path.status().message()));
  // Never over a service's data: the target is a new directory.
  if (fs::exists(*db_path))
    return Fail("restore", *db_path + " exists; restore into a new --data_dir");
  std::error_code error;
  if (fs::exists(MediaRoot(o)) && !fs::is_empty(MediaRoot(o), error)) {
    return Fail("restore", MediaRoot(o) + " is not empty; restore into a new --data_dir");
  }
  fs::create_directories(o.data_dir, error);
  fs::permissions(o.data_dir, fs::perms::owner_all, fs::perm_options::replace, error);
  if (absl::Status s = Unpack(o, *db_path); !s.ok()) {
    return Fail("restore", std::string(s.message()) + " (the data directory is incomplete)");
  }
  absl::StatusOr<std::string> integrity = storage::SqliteIntegrity(*db_path);
  if (!integrity.ok() || *integrity != "ok") {
    return Fail("restore", "the restored database fails its integrity check: " +
                               (integrity.ok() ? *integrity : integrity.status().ToString()));
  }
  absl::StatusOr<bool> converted = storage::MakeIncrementalVacuum(*db_path);
  if (!converted.ok()) return Fail("restore", std::string(converted.status().message()));
  absl::StatusOr<std::map<std::string, int64_t>> named = storage::SqliteMediaFiles(*db_path);
  if (!named.ok()) return Fail("restore", std::string(named.status().message()));
  std::printf("restored %s into %s: integrity ok%s\n", o.from.c_str(), o.data_dir.c_str(),
              *converted ? ", incremental vacuum turned on" : "");
  return PrintMedia(*named, CompareMedia(*named, StoredFiles(MediaRoot(o)))) ? 0 : 1;
}

int RunCheckCommand(const DataCommandOptions& o) {
  absl::StatusOr<std::string> db_path = SqlitePath(o);
  if (!db_path.ok()) return Fail("check", std::string(db_path.status().message()));
  if (!fs::exists(*db_path)) return Fail("check", "no database at " + *db_path);
  absl::StatusOr<std::string> integrity = storage::SqliteIntegrity(*db_path);
  if (!integrity.ok()) return Fail("check", std::string(integrity.status().message()));
  std::printf("integrity: %s\n", integrity->c_str());
  absl::StatusOr<std::map<std::string, int64_t>> named = storage::SqliteMediaFiles(*db_path);
  if (!named.ok()) return Fail("check", std::string(named.status().message()));
  bool media_ok = PrintMedia(*named, CompareMedia(*named, StoredFiles(MediaRoot(o))));
  return *integrity == "ok" && media_ok ? 0 : 1;
}

}  // namespace wa
