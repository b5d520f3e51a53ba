#pragma once

// The fixture of the storage tests that run on both engines
// (storage_backends_test.cc, storage_claims_test.cc): a fresh database per
// test, a SQLite file or a database on the throwaway PostgreSQL server.
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "server/storage/conversation_repository.h"
#include "server/storage/data_dir.h"
#include "server/storage/database.h"
#include "server/storage/message_repository.h"
#include "tests/common/postgres_server.h"

namespace wa::storage {

inline const absl::Time kT0 = absl::FromUnixSeconds(1767254400);

enum class Engine { kSqlite, kPostgres };

inline std::string EngineName(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::kSqlite ? "Sqlite" : "Postgres";
}

class StorageBackendsTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("wa-backends-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    if (GetParam() == Engine::kPostgres) {
      absl::StatusOr<testing::PostgresServer*> server = testing::SharedPostgresServer();
      ASSERT_TRUE(server.ok()) << server.status();
      absl::StatusOr<std::string> created = (*server)->CreateDatabase();
      ASSERT_TRUE(created.ok()) << created.status();
      url_ = *created;
    }
    Open();
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
    if (!url_.empty()) testing::SharedPostgresServer().value()->DropDatabase(url_).IgnoreError();
  }
  void Open() {
    db_.reset();
    absl::StatusOr<std::unique_ptr<Database>> db = OpenDataDir(dir_.string(), url_);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }

  Database& db() { return *db_; }
  absl::Status Tx(const std::function<absl::Status()>& work) { return db_->Transaction(work); }
  template <typename F>
  auto Read(F&& work) {
    return ReadValue(*db_, std::forward<F>(work));
  }

  absl::StatusOr<int64_t> Count(const std::string& sql) {
    return Read([&]() -> absl::StatusOr<int64_t> {
      absl::StatusOr<Statement> stmt = db_->Prepare(sql);
      if (!stmt.ok()) return stmt.status();
      absl::StatusOr<bool> row = stmt->Step();
      if (!row.ok()) return row.status();
      return stmt->ColumnInt(0);
    });
  }

  absl::Status AddConversation(const std::string& id, absl::Time at) {
    ConversationRecord c;
    c.conversation_id = id;
    c.property_id = "p1";
    c.guest_phone = "+1234567890";
    c.metadata = {{"room", "412"}};
    c.created_at = c.updated_at = at;
    return Tx([&] { return ConversationRepository(*db_).Insert(c); });
  }

  absl::StatusOr<MessageRecord> AddMessage(const std::string& id, const std::string& conversation,
                                           absl::Time at = kT0) {
    MessageRecord m;
    m.message_id = id;
    m.property_id = "p1";
    m.conversation_id = conversation;
    m.guest_phone = "+1234567890";
    m.body = "hello";
    m.created_at = at;
    m.next_attempt_at = at;
    absl::Status status = Tx([&] { return MessageRepository(*db_).Insert(m); });
    if (!status.ok()) return status;
    return m;
  }

  std::filesystem::path dir_;
  std::string url_;  // empty: SQLite in dir_
  std::unique_ptr<Database> db_;
};

}  // namespace wa::storage
