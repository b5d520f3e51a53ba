#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "server/storage/data_dir.h"
#include "tests/common/postgres_server.h"

namespace wa::testing {

// A fresh, migrated database in its own temporary directory: SQLite, or a
// new database on a throwaway PostgreSQL server when WA_TEST_DATABASE is
// "postgresql" (the suite's second run, tests/unit/server/CMakeLists.txt).
class TestDb {
 public:
  TestDb() {
    dir_ = std::filesystem::temp_directory_path() /
           ("wa-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::remove_all(dir_);
    if (OnPostgres()) {
      absl::StatusOr<PostgresServer*> server = SharedPostgresServer();
      EXPECT_TRUE(server.ok()) << server.status();
      if (server.ok()) {
        absl::StatusOr<std::string> url = (*server)->CreateDatabase();
        EXPECT_TRUE(url.ok()) << url.status();
        url_ = url.value_or("postgresql://unavailable");
      }
    }
    auto db = storage::OpenDataDir(dir_.string(), url_);
    EXPECT_TRUE(db.ok()) << db.status();
    if (db.ok()) db_ = std::move(*db);
  }
  ~TestDb() {
    db_.reset();
    std::filesystem::remove_all(dir_);
    if (!url_.empty()) {
      absl::StatusOr<PostgresServer*> server = SharedPostgresServer();
      if (server.ok()) (*server)->DropDatabase(url_).IgnoreError();
    }
  }
  storage::Database& db() { return *db_; }
  const std::filesystem::path& dir() const { return dir_; }
  // The --database_url of this database (empty: SQLite in dir()).
  const std::string& url() const { return url_; }
  // Closes and reopens the database, as a restart would.
  void Reopen() {
    db_.reset();
    auto db = storage::OpenDataDir(dir_.string(), url_);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }

  // A second Database on the same data, as another instance would open it.
  std::unique_ptr<storage::Database> OpenAnother() {
    auto db = storage::OpenDataDir(dir_.string(), url_);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? std::move(*db) : nullptr;
  }

  static bool OnPostgres() {
    const char* engine = std::getenv("WA_TEST_DATABASE");
    return engine != nullptr && std::string(engine) == "postgresql";
  }

 private:
  static inline int counter_ = 0;
  std::filesystem::path dir_;
  std::string url_;  // empty: SQLite in dir_
  std::unique_ptr<storage::Database> db_;
};

}  // namespace wa::testing
