// Claims on both engines (docs/postgres-port.md, "Claims"): several
// instances read the same due rows and race to take them; each row goes to
// one of them, and a hold that ran out (a crashed instance) can be taken
// again. On PostgreSQL the racers are separate Database objects (separate
// instances, each with its pool); on SQLite the one writer serializes them.
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/barrier.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "server/storage/batch_repository.h"
#include "server/storage/notification_repository.h"
#include "server/storage/scheduled_status_repository.h"
#include "server/storage/webhook_repository.h"
#include "tests/unit/server/storage_backends_fixture.h"

namespace wa::storage {
namespace {

constexpr int kRacers = 4;
constexpr int kRows = 40;
const absl::Duration kHold = absl::Minutes(1);

class StorageClaimsTest : public StorageBackendsTest {
 protected:
  // The database of racer `i`: on PostgreSQL a Database of its own on the
  // same server database (another instance), on SQLite the shared one.
  Database& Racer(int i) {
    if (GetParam() == Engine::kSqlite || i == 0) return db();
    while (static_cast<int>(others_.size()) < i) {
      absl::StatusOr<std::unique_ptr<Database>> other = Database::Open(*ParseDatabaseUrl(url_));
      EXPECT_TRUE(other.ok()) << other.status();
      if (!other.ok()) return db();
      others_.push_back(*std::move(other));
    }
    return *others_[i - 1];
  }

  // Every racer reads the due rows first (all see the same ones, as two
  // instances polling together do), then all claim at once; returns the
  // rows each racer won.
  template <typename ReadDue, typename ClaimOne>
  std::vector<std::vector<std::string>> Race(ReadDue read_due, ClaimOne claim_one) {
    std::vector<std::vector<std::string>> seen(kRacers), won(kRacers);
    for (int i = 0; i < kRacers; ++i) {
      absl::StatusOr<std::vector<std::string>> due =
          ReadValue(Racer(i), [&] { return read_due(); });
      EXPECT_TRUE(due.ok()) << due.status();
      if (due.ok()) seen[i] = *due;
      EXPECT_EQ(seen[i].size(), static_cast<size_t>(kRows));
    }
    absl::Barrier* start = new absl::Barrier(kRacers);
    std::vector<std::thread> threads;
    for (int i = 0; i < kRacers; ++i) {
      threads.emplace_back([&, i] {
        if (start->Block()) delete start;
        absl::Status status = Racer(i).Transaction([&]() -> absl::Status {
          won[i].clear();
          for (const std::string& id : seen[i]) {
            absl::StatusOr<bool> taken = claim_one(id);
            if (!taken.ok()) return taken.status();
            if (*taken) won[i].push_back(id);
          }
          return absl::OkStatus();
        });
        EXPECT_TRUE(status.ok()) << status;
      });
    }
    for (std::thread& t : threads) t.join();
    return won;
  }

  // Each row won by exactly one racer.
  static void ExpectDisjointAndComplete(const std::vector<std::vector<std::string>>& won) {
    std::multiset<std::string> all;
    for (const auto& w : won) all.insert(w.begin(), w.end());
    EXPECT_EQ(all.size(), static_cast<size_t>(kRows));
    for (const std::string& id : all) EXPECT_EQ(all.count(id), 1u) << id << " taken twice";
  }

  void SetUpRacers() {
    for (int i = 0; i < kRacers; ++i) Racer(i);
  }
  void TearDown() override {
    others_.clear();
    StorageBackendsTest::TearDown();
  }

  std::vector<std::unique_ptr<Database>> others_;
};

std::vector<std::string> MessageIds(const std::vector<MessageRecord>& messages) {
  std::vector<std::string> ids;
  for (const MessageRecord& m : messages) ids.push_back(m.message_id);
  return ids;
}

TEST_P(StorageClaimsTest, ARoundSkipsTheMessagesAnotherRoundIsClaiming) {
  if (GetParam() == Engine::kSqlite) GTEST_SKIP() << "one writer: rounds never overlap";
  SetUpRacers();
  ASSERT_TRUE(AddConversation("c1", kT0).ok());
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(AddMessage(absl::StrCat("m", i), "c1").ok());
  absl::Notification locked, done;
  std::vector<std::string> held;
  std::thread first([&] {
    absl::Status s = Racer(0).Transaction([&]() -> absl::Status {
      auto due = MessageRepository(Racer(0)).LockDueForSending(kT0, 2);
      EXPECT_TRUE(due.ok() && due->size() == 2u) << due.status();
      if (due.ok()) held = MessageIds(*due);
      locked.Notify();
      done.WaitForNotification();  // holds its two rows meanwhile
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
  });
  locked.WaitForNotification();
  // Another instance's round at once: the other two, without waiting.
  auto rest = TransactValue(Racer(1),
                            [&] { return MessageRepository(Racer(1)).LockDueForSending(kT0, 10); });
  done.Notify();
  first.join();
  ASSERT_TRUE(rest.ok()) << rest.status();
  std::set<std::string> all(held.begin(), held.end());
  for (const std::string& id : MessageIds(*rest)) EXPECT_TRUE(all.insert(id).second) << id;
  EXPECT_EQ(all.size(), 4u);
}

TEST_P(StorageClaimsTest, RacingInstancesClaimEachMessageOnce) {
  SetUpRacers();
  ASSERT_TRUE(AddConversation("c1", kT0).ok());
  for (int i = 0; i < kRows; ++i) ASSERT_TRUE(AddMessage(absl::StrCat("m", i), "c1").ok());
  auto won = Race(
      [&]() -> absl::StatusOr<std::vector<std::string>> {
        auto due = MessageRepository(db()).DueForSending(kT0, 1000);
        if (!due.ok()) return due.status();
        return MessageIds(*due);
      },
      [&](const std::string& id) {
        // The connection of the racer's transaction is the thread's.
        return MessageRepository(db()).Claim(id, kT0, kT0 + kHold);
      });
  ExpectDisjointAndComplete(won);
  EXPECT_EQ(Count("SELECT SUM(attempts) FROM messages").value_or(-1), kRows);

  // Held: nothing is due until the hold runs out, then all is, once more.
  MessageRepository messages(db());
  EXPECT_TRUE(Read([&] { return messages.DueForSending(kT0 + kHold / 2, 1000); })->empty());
  auto again = Read([&] { return messages.DueForSending(kT0 + 2 * kHold, 1000); });
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_EQ(again->size(), static_cast<size_t>(kRows));
  absl::StatusOr<bool> retaken =
      TransactValue(db(), [&] { return messages.Claim("m0", kT0 + 2 * kHold, kT0 + 3 * kHold); });
  ASSERT_TRUE(retaken.ok()) << retaken.status();
  EXPECT_TRUE(*retaken);
  // A stale read of a held message takes nothing, nor does pacing move it.
  EXPECT_FALSE(
      *TransactValue(db(), [&] { return messages.Claim("m0", kT0 + 2 * kHold, kT0 + 4 * kHold); }));
  EXPECT_FALSE(*TransactValue(db(), [&] {
    return messages.DeferDue("m0", kT0 + 2 * kHold, kT0 + 2 * kHold + absl::Seconds(1), "");
  }));
  auto m0 = Read([&] { return messages.Get("m0"); });
  ASSERT_TRUE(m0.ok() && m0->has_value());
  EXPECT_EQ((*m0)->attempts, 2);
  EXPECT_EQ((*m0)->next_attempt_at, kT0 + 3 * kHold);
}

TEST_P(StorageClaimsTest, RacingInstancesClaimEachWebhookEventOnce) {
  SetUpRacers();
  WebhookRepository webhooks(db());
  WebhookConfigRecord config;
  config.property_id = "p1";
  config.webhook_url = "https://hotel.example/hook";
  config.events = {"inbound_message"};
  config.secret = "s";
  config.updated_at = kT0;
  ASSERT_TRUE(Tx([&] { return webhooks.PutConfig(config); }).ok());
  ASSERT_TRUE(Tx([&]() -> absl::Status {
                for (int i = 0; i < kRows; ++i) {
                  WebhookEventRecord e;
                  e.event_id = absl::StrCat("e", i);
                  e.property_id = "p1";
                  e.event = "inbound_message";
                  e.ordering_key = absl::StrCat("conversation", i);  // all due at once
                  e.payload = "{}";
                  e.occurred_at = kT0;
                  e.next_attempt_at = kT0;
                  if (auto s = webhooks.InsertEvent(e); !s.ok()) return s;
                }
                return absl::OkStatus();
              }).ok());
  auto won = Race(
      [&]() -> absl::StatusOr<std::vector<std::string>> {
        auto due = webhooks.DueEvents(kT0, 1000);
        if (!due.ok()) return due.status();
        std::vector<std::string> ids;
        for (const WebhookEventRecord& e : *due) ids.push_back(e.event_id);
        return ids;
      },
      [&](const std::string& id) { return WebhookRepository(db()).Claim(id, kT0, kT0 + kHold); });
  ExpectDisjointAndComplete(won);
  EXPECT_TRUE(Read([&] { return webhooks.DueEvents(kT0 + kHold / 2, 1000); })->empty());
  auto expired = Read([&] { return webhooks.DueEvents(kT0 + 2 * kHold, 1000); });
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(expired->size(), static_cast<size_t>(kRows));
  EXPECT_TRUE(
      *TransactValue(db(), [&] { return webhooks.Claim("e0", kT0 + 2 * kHold, kT0 + 3 * kHold); }));
}

TEST_P(StorageClaimsTest, RacingInstancesProcessEachNotificationOnce) {
  SetUpRacers();
  NotificationRepository notifications(db());
  for (int i = 0; i < kRows; ++i) {
    ASSERT_TRUE(TransactValue(db(), [&] { return notifications.Insert("{}", kT0); }).ok());
  }
  auto won = Race(
      [&]() -> absl::StatusOr<std::vector<std::string>> {
        auto pending = notifications.Pending(1000);
        if (!pending.ok()) return pending.status();
        std::vector<std::string> ids;
        for (const NotificationRecord& n : *pending) ids.push_back(std::to_string(n.id));
        return ids;
      },
      [&](const std::string& id) {
        return NotificationRepository(db()).MarkProcessed(std::stoll(id), kT0, "");
      });
  ExpectDisjointAndComplete(won);
}

TEST_P(StorageClaimsTest, RacingInstancesApplyEachScheduledStatusOnce) {
  SetUpRacers();
  ScheduledStatusRepository scheduled(db());
  ASSERT_TRUE(
      Tx([&]() -> absl::Status {
        for (int i = 0; i < kRows; ++i) {
          ScheduledStatus s{
              0,  absl::StrCat("wamid.", i), hotel::whatsapp::v1::MESSAGE_STATUS_DELIVERED, 0, "",
              kT0};
          if (auto st = scheduled.Insert({s}); !st.ok()) return st;
        }
        return absl::OkStatus();
      }).ok());
  auto won = Race(
      [&]() -> absl::StatusOr<std::vector<std::string>> {
        auto due = scheduled.Due(kT0, 1000);
        if (!due.ok()) return due.status();
        std::vector<std::string> ids;
        for (const ScheduledStatus& s : *due) ids.push_back(std::to_string(s.id));
        return ids;
      },
      [&](const std::string& id) {
        return ScheduledStatusRepository(db()).Delete(std::stoll(id));
      });
  ExpectDisjointAndComplete(won);
}

TEST_P(StorageClaimsTest, OneInstanceTakesABatchRoundUntilItsHoldRunsOut) {
  BatchRepository batches(db());
  BatchRecord b;
  b.batch_id = "b1";
  b.property_id = "p1";
  b.messages_per_second = 10;
  b.batch_size = 10;
  b.total = 1;
  b.created_at = kT0;
  b.next_release_at = kT0;
  ASSERT_TRUE(Tx([&] { return batches.Insert(b); }).ok());
  auto due = Read([&] { return batches.DueForRelease(kT0, 10); });
  ASSERT_TRUE(due.ok()) << due.status();
  ASSERT_EQ(due->size(), 1u);
  absl::Time seen = *(*due)[0].next_release_at;
  // Two instances read it; the first claim wins, the stale one does not.
  EXPECT_TRUE(*TransactValue(db(), [&] { return batches.ClaimRelease("b1", seen, kT0 + kHold); }));
  EXPECT_FALSE(*TransactValue(db(), [&] { return batches.ClaimRelease("b1", seen, kT0 + kHold); }));
  EXPECT_TRUE(Read([&] { return batches.DueForRelease(kT0 + kHold / 2, 10); })->empty());
  // The holder died: after the hold another instance takes it.
  due = Read([&] { return batches.DueForRelease(kT0 + kHold, 10); });
  ASSERT_EQ(due->size(), 1u);
  EXPECT_TRUE(*TransactValue(db(), [&] {
    return batches.ClaimRelease("b1", *(*due)[0].next_release_at, kT0 + 3 * kHold);
  }));
}

TEST_P(StorageClaimsTest, ConcurrentSendsToOneConversationGetDistinctNumbers) {
  SetUpRacers();
  ASSERT_TRUE(AddConversation("c1", kT0).ok());
  constexpr int kPerRacer = 10;
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int i = 0; i < kRacers; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < kPerRacer; ++j) {
        MessageRecord m;
        m.message_id = absl::StrCat("m", i, "-", j);
        m.property_id = "p1";
        m.conversation_id = "c1";
        m.guest_phone = "+1234567890";
        m.created_at = kT0;
        Database& racer = Racer(i);
        if (!racer.Transaction([&] { return MessageRepository(racer).Insert(m); }).ok()) ++failed;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT seq) FROM messages").value_or(-1), kRacers * kPerRacer);
  EXPECT_EQ(Count("SELECT MAX(seq) FROM messages").value_or(-1), kRacers * kPerRacer);
}

TEST_P(StorageClaimsTest, AUniqueKeyTakenIsAlreadyExistsOnBothEngines) {
  ASSERT_TRUE(AddConversation("c1", kT0).ok());
  absl::Status again = AddConversation("c1", kT0);
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists) << again;
}

TEST_P(StorageClaimsTest, AnAbortedOfTheWorkIsNotRetried) {
  int runs = 0;
  absl::Status status = Tx([&] {
    ++runs;
    return absl::AbortedError("lost a race of our own");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_FALSE(IsConflict(status));
  EXPECT_EQ(runs, 1);
}

TEST_P(StorageClaimsTest, ADeadlockedTransactionIsRetried) {
  if (GetParam() == Engine::kSqlite) GTEST_SKIP() << "one writer: no deadlock";
  ASSERT_TRUE(AddConversation("a", kT0).ok());
  ASSERT_TRUE(AddConversation("b", kT0).ok());
  // Each locks one row, waits for the other to hold its own, then wants
  // the other's: PostgreSQL ends one with 40P01, which is run again.
  std::atomic<int> runs{0};
  std::atomic<int> holding{0};
  auto touch = [&](Database& db, const std::string& id) {
    absl::StatusOr<Statement> stmt =
        db.Prepare("UPDATE conversations SET status = status WHERE conversation_id = ?");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, id);
    return stmt->Run();
  };
  auto crosswise = [&](Database& db, const std::string& first, const std::string& second) {
    return db.Transaction([&]() -> absl::Status {
      bool first_run = ++runs <= 2;
      if (auto s = touch(db, first); !s.ok()) return s;
      if (first_run) {
        ++holding;
        for (absl::Time end = absl::Now() + absl::Seconds(5); holding < 2 && absl::Now() < end;) {
          absl::SleepFor(absl::Milliseconds(5));
        }
      }
      return touch(db, second);
    });
  };
  absl::Status one, two;
  std::thread t1([&] { one = crosswise(Racer(0), "a", "b"); });
  std::thread t2([&] { two = crosswise(Racer(1), "b", "a"); });
  t1.join();
  t2.join();
  EXPECT_TRUE(one.ok()) << one;
  EXPECT_TRUE(two.ok()) << two;
  EXPECT_EQ(runs.load(), 3);
}

INSTANTIATE_TEST_SUITE_P(Engines, StorageClaimsTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres), EngineName);

}  // namespace
}  // namespace wa::storage
