#include "server/storage/database.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "server/storage/migrations.h"
#include "tests/unit/server/test_db.h"

namespace wa::storage {
namespace {

int64_t CountRows(Database& db, const char* table) {
  absl::StatusOr<int64_t> count = ReadValue(db, [&]() -> absl::StatusOr<int64_t> {
    absl::StatusOr<Statement> stmt = db.Prepare(std::string("SELECT COUNT(*) FROM ") + table);
    if (!stmt.ok()) return stmt.status();
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    return stmt->ColumnInt(0);
  });
  EXPECT_TRUE(count.ok()) << count.status();
  return count.value_or(-1);
}

TEST(Database, UsesWalAndFullSync) {
  testing::TestDb t;
  // The writer's checkpoints come every 500 pages (sqlite_backend.cc).
  absl::StatusOr<int64_t> pages = TransactValue(t.db(), [&]() -> absl::StatusOr<int64_t> {
    absl::StatusOr<Statement> stmt = t.db().Prepare("PRAGMA wal_autocheckpoint");
    if (!stmt.ok()) return stmt.status();
    if (auto row = stmt->Step(); !row.ok()) return row.status();
    return stmt->ColumnInt(0);
  });
  EXPECT_EQ(pages.value_or(-1), 500);
  absl::StatusOr<std::string> mode = TransactValue(t.db(), [&]() -> absl::StatusOr<std::string> {
    absl::StatusOr<Statement> stmt = t.db().Prepare("PRAGMA journal_mode");
    if (!stmt.ok()) return stmt.status();
    if (auto row = stmt->Step(); !row.ok()) return row.status();
    return stmt->ColumnText(0);
  });
  EXPECT_EQ(*mode, "wal");
  absl::StatusOr<int64_t> sync = TransactValue(t.db(), [&]() -> absl::StatusOr<int64_t> {
    absl::StatusOr<Statement> stmt = t.db().Prepare("PRAGMA synchronous");
    if (!stmt.ok()) return stmt.status();
    if (auto row = stmt->Step(); !row.ok()) return row.status();
    return stmt->ColumnInt(0);
  });
  EXPECT_EQ(*sync, 2);  // FULL
}

TEST(Database, FailedTransactionChangesNothing) {
  testing::TestDb t;
  absl::Status status = t.db().Transaction([&]() -> absl::Status {
    if (auto s = t.db().Exec("INSERT INTO guests (property_id, guest_phone) VALUES ('p', '+1')");
        !s.ok()) {
      return s;
    }
    return absl::AbortedError("changed my mind");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(CountRows(t.db(), "guests"), 0);
}

TEST(Database, CommittedRowsSurviveReopen) {
  testing::TestDb t;
  ASSERT_TRUE(t.db()
                  .Transaction([&] {
                    return t.db().Exec(
                        "INSERT INTO guests (property_id, guest_phone) VALUES ('p', '+1')");
                  })
                  .ok());
  t.Reopen();
  EXPECT_EQ(CountRows(t.db(), "guests"), 1);
}

TEST(Database, ConcurrentTransactionsShareCommitsAndFailAlone) {
  testing::TestDb t;
  constexpr int kThreads = 16;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < kPerThread; ++j) {
        std::string phone = "+1" + std::to_string(1000000 + i * kPerThread + j);
        bool fail = j % 10 == 0;
        absl::Status status = t.db().Transaction([&]() -> absl::Status {
          auto s = t.db().Exec("INSERT INTO guests (property_id, guest_phone) VALUES ('p', '" +
                               phone + "')");
          if (!s.ok()) return s;
          return fail ? absl::AbortedError("undo me") : absl::OkStatus();
        });
        EXPECT_EQ(status.ok(), !fail);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  // Every successful transaction is there, no failed one is.
  EXPECT_EQ(CountRows(t.db(), "guests"), kThreads * kPerThread * 9 / 10);
  EXPECT_EQ(t.db().transactions(), kThreads * kPerThread + LatestSchemaVersion());
  EXPECT_LT(t.db().commits(), t.db().transactions()) << "concurrent work was grouped";
}

// The writer thread runs every transaction: one started from inside another
// would wait for itself.
TEST(Database, ANestedTransactionIsRefusedNotHung) {
  testing::TestDb t;
  absl::Status inner;
  absl::Status outer = t.db().Transaction([&] {
    inner = t.db().Transaction([] { return absl::OkStatus(); });
    return inner;
  });
  EXPECT_EQ(inner.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(outer.code(), absl::StatusCode::kInternal);
}

TEST(Migrations, BringTheSchemaToTheLatestVersionOnceOnly) {
  testing::TestDb t;
  absl::StatusOr<int64_t> version = ReadValue(t.db(), [&]() -> absl::StatusOr<int64_t> {
    absl::StatusOr<Statement> stmt = t.db().Prepare("PRAGMA user_version");
    if (!stmt.ok()) return stmt.status();
    if (auto row = stmt->Step(); !row.ok()) return row.status();
    return stmt->ColumnInt(0);
  });
  EXPECT_EQ(*version, LatestSchemaVersion());
  EXPECT_TRUE(Migrate(t.db()).ok());  // already migrated: a no-op
}

TEST(Migrations, RefuseADatabaseFromANewerBuild) {
  testing::TestDb t;
  ASSERT_TRUE(t.db().Transaction([&] { return t.db().Exec("PRAGMA user_version = 999"); }).ok());
  absl::Status status = Migrate(t.db());
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace wa::storage
