#include "server/storage/database_url.h"

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/storage/postgres_backend.h"

namespace wa::storage {

absl::StatusOr<DatabaseUrl> ParseDatabaseUrl(absl::string_view url) {
  DatabaseUrl parsed;
  if (absl::ConsumePrefix(&url, "sqlite://")) {
    if (url.empty()) return absl::InvalidArgumentError("a sqlite:// URL needs a file path");
    if (absl::EndsWith(url, "/")) {
      return absl::InvalidArgumentError("a sqlite:// URL names a file, not a directory");
    }
    parsed.engine = DatabaseUrl::Engine::kSqlite;
    parsed.sqlite_path = std::string(url);
    return parsed;
  }
  if (absl::StartsWith(url, "postgresql://") || absl::StartsWith(url, "postgres://")) {
    if (absl::Status s = CheckPostgresUri(url); !s.ok()) return s;
    parsed.engine = DatabaseUrl::Engine::kPostgres;
    parsed.postgres_uri = std::string(url);
    return parsed;
  }
  absl::string_view scheme = url.substr(0, url.find("://"));
  if (scheme.size() == url.size() || scheme.size() > 20) scheme = "";
  return absl::InvalidArgumentError(
      absl::StrCat(scheme.empty() ? "not a URL" : absl::StrCat("unsupported scheme '", scheme, "'"),
                   " (expected sqlite:///path/to/file.db or postgresql://user@host/database)"));
}

std::string DefaultDatabaseUrl(const std::string& data_dir) {
  return absl::StrCat("sqlite://", (std::filesystem::path(data_dir) / "wa.db").string());
}

}  // namespace wa::storage
