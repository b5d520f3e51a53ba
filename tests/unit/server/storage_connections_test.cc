// The storage layer's connections on both engines: concurrent writers,
// small pools, statements kept per connection, deferred BEGIN and COMMIT,
// one-statement and many-id reads, and commits that skip the flush. The
// fixture and the engines come from storage_backends_fixture.h and
// storage_backends_test.cc.
#include <algorithm>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/storage/conversation_repository.h"
#include "server/storage/data_dir.h"
#include "server/storage/guest_repository.h"
#include "server/storage/message_repository.h"
#include "server/util/status_macros.h"
#include "tests/unit/server/storage_backends_fixture.h"

namespace wa::storage {
namespace {

// Several writers on one conversation (PostgreSQL: connections that do not
// wait for each other's commits): every message gets its own number, each
// writer's numbers increase in the order it stored them, and the
// conversation's update time ends at a message's time, never back.
TEST_P(StorageBackendsTest, ConcurrentMessagesToOneConversationGetUniqueIncreasingNumbers) {
  ASSERT_TRUE(AddConversation("c1", kT0).ok());
  ASSERT_TRUE(AddConversation("c2", kT0).ok());
  constexpr int kThreads = 6;
  constexpr int kPerThread = 15;
  std::vector<std::vector<int64_t>> numbers(kThreads);
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < kPerThread; ++j) {
        // Two conversations interleaved: the numbers are per conversation.
        std::string conversation = j % 3 == 0 ? "c2" : "c1";
        absl::StatusOr<MessageRecord> m =
            AddMessage(absl::StrCat("m", i, "_", j), conversation, kT0 + absl::Seconds(1 + j));
        if (!m.ok()) {
          ++failed;
          continue;
        }
        if (conversation == "c1") numbers[i].push_back(m->seq);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(failed.load(), 0);
  std::set<int64_t> all;
  for (const std::vector<int64_t>& mine : numbers) {
    EXPECT_TRUE(std::is_sorted(mine.begin(), mine.end()));
    all.insert(mine.begin(), mine.end());
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread * 2 / 3));
  EXPECT_EQ(
      Count("SELECT COUNT(DISTINCT seq) FROM messages WHERE conversation_id = 'c1'").value_or(-1),
      kThreads * kPerThread * 2 / 3);
  // The stored order is the numbers' order.
  MessageRepository messages(db());
  auto listed = Read([&] { return messages.ListByConversation("c1", 1000); });
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), all.size());
  EXPECT_EQ(listed->front().seq, *all.begin());
  EXPECT_EQ(listed->back().seq, *all.rbegin());
  auto c1 = Read([&] { return ConversationRepository(db()).Get("c1"); });
  ASSERT_TRUE(c1.ok() && c1->has_value()) << c1.status();
  // Some message's time, later than the conversation's start.
  EXPECT_GT((*c1)->updated_at, kT0);
  EXPECT_LE((*c1)->updated_at, kT0 + absl::Seconds(kPerThread));
  // A message alone moves it to its own time, a later one only forward.
  ASSERT_TRUE(AddMessage("late", "c1", kT0 + absl::Hours(1)).ok());
  ASSERT_TRUE(AddMessage("early", "c1", kT0 + absl::Minutes(1)).ok());
  c1 = Read([&] { return ConversationRepository(db()).Get("c1"); });
  ASSERT_TRUE(c1.ok() && c1->has_value()) << c1.status();
  EXPECT_EQ((*c1)->updated_at, kT0 + absl::Hours(1));
  EXPECT_FALSE(AddMessage("nowhere", "c9").ok());
}

TEST_P(StorageBackendsTest, ConcurrentTransactionsAllLandOrFailAlone) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20;
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      GuestRepository guests(db());
      for (int j = 0; j < kPerThread; ++j) {
        bool fail = j % 5 == 0;
        absl::Status status = db().Transaction([&]() -> absl::Status {
          std::string phone = "+1" + std::to_string(1000000 + i * kPerThread + j);
          if (auto s = guests.RecordInbound("p1", phone, kT0, ""); !s.ok()) return s;
          return fail ? absl::AbortedError("undo") : absl::OkStatus();
        });
        if (status.ok() == fail) ++wrong;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM guests").value_or(-1), kThreads * kPerThread * 4 / 5);
}

// PostgreSQL prepares each statement once per connection and parameter
// types (the server fixes the types when it prepares): the same text with
// other types must get a statement of its own, also past the executions
// after which the server plans generically.
TEST_P(StorageBackendsTest, OneTextRunsAgainWithOtherParameterTypes) {
  for (int i = 0; i < 12; ++i) {
    absl::StatusOr<int64_t> is_null = Read([&]() -> absl::StatusOr<int64_t> {
      ASSIGN_OR_RETURN(Statement stmt, db().Prepare("SELECT CAST(? AS TEXT) IS NULL"));
      if (i % 3 == 0) stmt.BindNull(1);
      if (i % 3 == 1) stmt.Bind(1, static_cast<int64_t>(i));
      if (i % 3 == 2) stmt.Bind(1, absl::string_view("text"));
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) return absl::InternalError("no row");
      return stmt.ColumnInt(0);
    });
    ASSERT_TRUE(is_null.ok()) << i << ": " << is_null.status();
    EXPECT_EQ(*is_null, i % 3 == 0 ? 1 : 0) << i;
  }
}

// BEGIN goes out with a transaction's first statement and a read's COMMIT
// is not waited for: work without statements, failures on the first
// statement and many reads in a row on the same connections must all
// leave the connections ready for the next user.
TEST_P(StorageBackendsTest, ConnectionsStayUsableAroundDeferredBeginAndCommit) {
  EXPECT_TRUE(Tx([] { return absl::OkStatus(); }).ok());
  EXPECT_EQ(Tx([] { return absl::FailedPreconditionError("before any statement"); }).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(db().Read([] { return absl::OkStatus(); }).ok());
  EXPECT_FALSE(Count("SELECT COUNT(*) FROM no_such_table").ok());
  EXPECT_FALSE(Tx([&]() -> absl::Status {
                 ASSIGN_OR_RETURN(Statement stmt, db().Prepare("DELETE FROM no_such_table"));
                 return stmt.Step().status();
               }).ok());
  GuestRepository guests(db());
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(Tx([&] {
                  return guests.RecordInbound("p1", "+1" + std::to_string(5550000 + i), kT0, "");
                }).ok());
    // Read back at once: the read must see the commit just made.
    EXPECT_EQ(Count("SELECT COUNT(*) FROM guests").value_or(-1), i + 1);
  }
}

// A one-statement read (ReadScope::kOneStatement) runs its statement with
// no transaction around it (on PostgreSQL: no BEGIN, so READ COMMITTED,
// the server's default, where a snapshot read says REPEATABLE READ), sees
// the latest commit, and refuses a second statement on either engine, so
// a read that grows one is caught here rather than reading two snapshots.
// A transaction inside it is not its statement.
TEST_P(StorageBackendsTest, AOneStatementReadRunsOneStatementAlone) {
  ASSERT_TRUE(AddConversation("c1", kT0).ok());
  ASSERT_TRUE(AddMessage("m1", "c1").ok());
  MessageRepository messages(db());
  for (int i = 0; i < 3; ++i) {  // the connections stay usable between kinds of read
    absl::StatusOr<std::optional<MessageRecord>> found = ReadValue(
        db(), [&] { return messages.Get("m1"); }, ReadScope::kOneStatement);
    ASSERT_TRUE(found.ok()) << found.status();
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->conversation_id, "c1");
    EXPECT_EQ(Count("SELECT COUNT(*) FROM messages").value_or(-1), 1);
  }

  absl::Status second = db().Read(
      [&]() -> absl::Status {
        RETURN_IF_ERROR(messages.Get("m1").status());
        return messages.Get("m1").status();
      },
      ReadScope::kOneStatement);
  EXPECT_EQ(second.code(), absl::StatusCode::kInternal) << second;
  EXPECT_TRUE(
      db().Read([&] { return messages.Get("m1").status(); }, ReadScope::kOneStatement).ok());
  EXPECT_TRUE(db().Read(
                      [&]() -> absl::Status {
                        RETURN_IF_ERROR(Tx([&] {
                          return GuestRepository(db()).RecordInbound("p1", "+15550001", kT0, "");
                        }));
                        return messages.Get("m1").status();
                      },
                      ReadScope::kOneStatement)
                  .ok());

  if (GetParam() == Engine::kPostgres) {
    auto isolation = [&](ReadScope scope) {
      return ReadValue(
          db(),
          [&]() -> absl::StatusOr<std::string> {
            ASSIGN_OR_RETURN(Statement stmt,
                             db().Prepare("SELECT current_setting('transaction_isolation')"));
            ASSIGN_OR_RETURN(bool row, stmt.Step());
            if (!row) return absl::NotFoundError("no row");
            return stmt.ColumnText(0);
          },
          scope);
    };
    EXPECT_EQ(isolation(ReadScope::kOneStatement).value_or(""), "read committed");
    EXPECT_EQ(isolation(ReadScope::kSnapshot).value_or(""), "repeatable read");
  }
}

// Coalesced status reads: any number of ids (padded to a power of two in
// the statement), repeated or unknown, in one one-statement read.
TEST_P(StorageBackendsTest, MessagesAreReadManyAtOnce) {
  ASSERT_TRUE(AddConversation("c1", kT0).ok());
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(AddMessage("m" + std::to_string(i), "c1").ok());
  MessageRepository messages(db());
  auto ids_of = [&](const std::vector<std::string>& ids) {
    absl::StatusOr<std::vector<MessageRecord>> rows = ReadValue(
        db(), [&] { return messages.GetAll(ids); }, ReadScope::kOneStatement);
    std::set<std::string> found;
    if (!rows.ok()) return std::set<std::string>{rows.status().ToString()};
    for (const MessageRecord& m : *rows) found.insert(m.message_id + "/" + m.conversation_id);
    return found;
  };
  EXPECT_EQ(ids_of({"m3"}), (std::set<std::string>{"m3/c1"}));
  EXPECT_EQ(ids_of({"m5", "nope", "m1", "m5", "m2"}),
            (std::set<std::string>{"m1/c1", "m2/c1", "m5/c1"}));
  EXPECT_EQ(ids_of({"nope"}), std::set<std::string>{});
  EXPECT_EQ(ids_of({}), std::set<std::string>{});
}

// Autocommit's Flush::kSkip (the shared rate limits): on PostgreSQL its
// statements commit without waiting for the WAL flush, and the setting does
// not stay with the connection for the next default Autocommit, nor reach
// a transaction. Either way the write lands.
TEST_P(StorageBackendsTest, AnAutocommitMaySkipTheFlushAndOnlyThatOne) {
  auto setting = [&](Flush flush) -> absl::StatusOr<std::string> {
    std::string value;
    RETURN_IF_ERROR(db().Autocommit(
        [&]() -> absl::Status {
          RETURN_IF_ERROR(GuestRepository(db()).RecordInbound(
              "p1", absl::StrCat("+1555", static_cast<int>(flush), value.size()), kT0, ""));
          if (GetParam() == Engine::kSqlite) return absl::OkStatus();
          ASSIGN_OR_RETURN(Statement stmt,
                           db().Prepare("SELECT current_setting('synchronous_commit')"));
          ASSIGN_OR_RETURN(bool row, stmt.Step());
          if (row) value = stmt.ColumnText(0);
          return absl::OkStatus();
        },
        flush));
    return value;
  };
  const bool postgres = GetParam() == Engine::kPostgres;
  if (postgres) {
    // The tests' server does not wait for flushes at all: this database
    // does, as a production one, from its next sessions on.
    ASSERT_TRUE(Tx([&] {
                  return db().Exec(
                      "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = "
                      "on', current_database()); END $$");
                }).ok());
    Open();
  }
  // More rounds than the autocommit pool has connections, in both orders.
  for (int i = 0; i < 6; ++i) {
    absl::StatusOr<std::string> skipped = setting(Flush::kSkip);
    ASSERT_TRUE(skipped.ok()) << skipped.status();
    EXPECT_EQ(*skipped, postgres ? "off" : "");
    absl::StatusOr<std::string> waited = setting(Flush::kWait);
    ASSERT_TRUE(waited.ok()) << waited.status();
    EXPECT_EQ(*waited, postgres ? "on" : "");
  }
  if (postgres) {
    absl::StatusOr<std::string> in_transaction = absl::InternalError("not run");
    ASSERT_TRUE(Tx([&]() -> absl::Status {
                  ASSIGN_OR_RETURN(Statement stmt,
                                   db().Prepare("SELECT current_setting('synchronous_commit')"));
                  ASSIGN_OR_RETURN(bool row, stmt.Step());
                  in_transaction = row ? stmt.ColumnText(0) : "";
                  return absl::OkStatus();
                }).ok());
    EXPECT_EQ(in_transaction.value_or(""), "on");
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM guests").value_or(-1), 2);
}

// The send queue's statements over a batch of messages (the claim, the
// settle, the status reads' IN list) are planned for each run on
// PostgreSQL (kPlanEachRun). Prepared once, their generic plan, made while
// the table was small, read the whole table on every run until the next
// ANALYZE, however large it had grown. On one connection, run often on a
// few rows, then on a table of 5,000: still found by key.
TEST_P(StorageBackendsTest, BatchStatementsFindTheirRowsByKeyAfterTheTableGrew) {
  if (GetParam() == Engine::kSqlite) GTEST_SKIP() << "SQLite plans with its indexes, no statistics";
  db_.reset();
  absl::StatusOr<std::unique_ptr<Database>> one =
      OpenDataDir(dir_.string(), url_, {.readers = 1, .writers = 1});
  ASSERT_TRUE(one.ok()) << one.status();
  db_ = *std::move(one);
  ASSERT_TRUE(AddConversation("c1", kT0).ok());
  std::vector<std::string> ids = {"m1", "m2", "m3", "m4"};
  for (const std::string& id : ids) ASSERT_TRUE(AddMessage(id, "c1").ok());
  MessageRepository messages(db());
  int round = 0;
  auto run_batches = [&]() -> absl::Status {
    ++round;
    std::vector<MessageRepository::Accepted> accepted;
    for (const std::string& id : ids) accepted.push_back({id, absl::StrCat("wamid.", id, round)});
    RETURN_IF_ERROR(messages.ClaimAll(ids, kT0, kT0 + absl::Minutes(1)).status());
    RETURN_IF_ERROR(messages.MarkAccepted(accepted));
    return messages.GetAll(ids).status();
  };
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(Tx(run_batches).ok());

  ASSERT_TRUE(Tx([&]() -> absl::Status {
                ASSIGN_OR_RETURN(
                    Statement bulk,
                    db().Prepare("INSERT INTO messages (message_id, property_id, conversation_id, "
                                 "seq, direction, message_type, guest_phone, status, created_at) "
                                 "SELECT 'bulk' || n, 'p1', 'c1', 100 + n, 2, 1, '+1234567890', "
                                 "1, 0 FROM generate_series(1, 5000) AS n"));
                return bulk.Run();
              }).ok());
  // This session's scans not yet reported, so read before and after.
  auto scans = [&]() -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(Statement stmt, db().Prepare("SELECT seq_scan FROM pg_stat_xact_user_tables "
                                                  "WHERE relname = 'messages'"));
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return absl::NotFoundError("no statistics for messages");
    return stmt.ColumnInt(0);
  };
  absl::StatusOr<int64_t> full_scans = TransactValue(db(), [&]() -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(int64_t before, scans());
    RETURN_IF_ERROR(run_batches());
    ASSIGN_OR_RETURN(int64_t after, scans());
    return after - before;
  });
  ASSERT_TRUE(full_scans.ok()) << full_scans.status();
  EXPECT_EQ(*full_scans, 0);
}

TEST_P(StorageBackendsTest, SmallPoolsServeManyThreads) {
  db_.reset();
  absl::StatusOr<std::unique_ptr<Database>> small =
      OpenDataDir(dir_.string(), url_, {.readers = 1, .writers = 1});
  ASSERT_TRUE(small.ok()) << small.status();
  db_ = *std::move(small);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      GuestRepository guests(db());
      for (int j = 0; j < 10; ++j) {
        EXPECT_TRUE(Tx([&] {
                      return guests.RecordInbound("p1", "+1" + std::to_string(7000000 + i * 10 + j),
                                                  kT0, "");
                    }).ok());
        EXPECT_TRUE(Count("SELECT COUNT(*) FROM guests").ok());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM guests").value_or(-1), 40);
}

}  // namespace
}  // namespace wa::storage
