#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "server/storage/data_dir.h"

namespace wa::testing {

// A fresh, migrated database in its own temporary directory.
class TestDb {
 public:
  TestDb() {
    dir_ = std::filesystem::temp_directory_path() /
           ("wa-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::remove_all(dir_);
    auto db = storage::OpenDataDir(dir_.string());
    EXPECT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }
  ~TestDb() {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  storage::Database& db() { return *db_; }
  const std::filesystem::path& dir() const { return dir_; }
  // Closes and reopens the database, as a restart would.
  void Reopen() {
    db_.reset();
    auto db = storage::OpenDataDir(dir_.string());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }

 private:
  static inline int counter_ = 0;
  std::filesystem::path dir_;
  std::unique_ptr<storage::Database> db_;
};

}  // namespace wa::testing
