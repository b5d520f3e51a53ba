#include "server/domain/audit_service.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/workers/audit_writer.h"
#include "tests/unit/server/test_db.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

storage::AuditRecord Event(const std::string& property, const std::string& token,
                           const std::string& method, absl::Time at) {
  storage::AuditRecord r;
  r.property_id = property;
  r.token_id = token;
  r.role = v1::ROLE_ADMIN;
  r.method = method;
  r.occurred_at = at;
  r.resources = {{"message_id", "msg_1"}, {"guest_phone", "+1234567890"}};
  r.grpc_code = 0;
  r.code = "OK";
  return r;
}

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

TEST(AuditService, RecordsAndListsNewestFirstWithinOneProperty) {
  testing::TestDb t;
  AuditService audit(t.db());
  ASSERT_TRUE(
      audit.Record(Event("p1", "tok_a", "hotel.whatsapp.v1.MessagesService.SendMessage", kT0))
          .ok());
  ASSERT_TRUE(
      audit.Record(Event("p2", "tok_b", "hotel.whatsapp.v1.MessagesService.SendMessage", kT0))
          .ok());
  ASSERT_TRUE(audit
                  .Record(Event("p1", "tok_a", "hotel.whatsapp.v1.AdminService.CreateToken",
                                kT0 + absl::Seconds(1)))
                  .ok());
  absl::StatusOr<AuditPage> page = audit.List({.property_id = "p1"});
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->events.size(), 2u);
  EXPECT_EQ(page->events[0].method, "hotel.whatsapp.v1.AdminService.CreateToken");
  EXPECT_EQ(page->events[1].method, "hotel.whatsapp.v1.MessagesService.SendMessage");
  EXPECT_GT(page->events[0].seq, page->events[1].seq);
  EXPECT_EQ(page->events[1].resources.at("message_id"), "msg_1");
  EXPECT_EQ(page->events[1].occurred_at, kT0);
  EXPECT_EQ(page->events[1].code, "OK");
  EXPECT_TRUE(page->next_page_token.empty());
}

TEST(AuditService, FiltersByTokenMethodAndTime) {
  testing::TestDb t;
  AuditService audit(t.db());
  const std::string send = "hotel.whatsapp.v1.MessagesService.SendMessage";
  const std::string media = "hotel.whatsapp.v1.MessagesService.SendMediaMessage";
  ASSERT_TRUE(audit.Record(Event("p", "tok_a", send, kT0)).ok());
  ASSERT_TRUE(audit.Record(Event("p", "tok_b", send, kT0 + absl::Seconds(10))).ok());
  ASSERT_TRUE(audit.Record(Event("p", "tok_a", media, kT0 + absl::Seconds(20))).ok());
  auto count = [&](AuditQuery q) {
    q.property_id = "p";
    absl::StatusOr<AuditPage> page = audit.List(q);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->events.size() : 0;
  };
  EXPECT_EQ(count({.token_id = "tok_a"}), 2u);
  EXPECT_EQ(count({.method = send}), 2u);
  EXPECT_EQ(count({.method = "SendMessage"}), 2u);
  EXPECT_EQ(count({.method = "MessagesService.SendMessage"}), 2u);
  EXPECT_EQ(count({.method = "Message"}), 0u);  // a tail after a dot, not any suffix
  EXPECT_EQ(count({.method = "Send_Message"}), 0u);
  EXPECT_EQ(count({.since = kT0 + absl::Seconds(10)}), 2u);
  EXPECT_EQ(count({.until = kT0 + absl::Seconds(10)}), 1u);
  EXPECT_EQ(count({.token_id = "tok_a", .method = "SendMediaMessage"}), 1u);
}

TEST(AuditService, PagesThroughEveryEventOnce) {
  testing::TestDb t;
  AuditService audit(t.db());
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(audit.Record(Event("p", absl::StrCat("tok_", i), "m.S.M", kT0)).ok());
  }
  std::vector<std::string> seen;
  AuditQuery query{.property_id = "p", .page_size = 3};
  for (int pages = 0; pages < 10; ++pages) {
    absl::StatusOr<AuditPage> page = audit.List(query);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& e : page->events) seen.push_back(e.token_id);
    if (page->next_page_token.empty()) break;
    query.page_token = page->next_page_token;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"tok_6", "tok_5", "tok_4", "tok_3", "tok_2", "tok_1",
                                            "tok_0"}));
}

TEST(AuditService, RefusesBadPaging) {
  testing::TestDb t;
  AuditService audit(t.db());
  EXPECT_EQ(audit.List({.property_id = "p", .page_size = -1}).status().code(),
            absl::StatusCode::kInvalidArgument);
  for (const char* token : {"x", "0", "-4", "1.5"}) {
    EXPECT_EQ(audit.List({.property_id = "p", .page_token = token}).status().code(),
              absl::StatusCode::kInvalidArgument)
        << token;
  }
}

// Each record is committed before its `done` runs, whichever thread
// submitted it, and Stop() writes what is still queued.
TEST(AuditWriter, CommitsEachRecordBeforeItsDone) {
  testing::TestDb t;
  AuditService audit(t.db());
  workers::AuditWriter writer(audit);
  writer.Start();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::atomic<int> done{0};
  std::atomic<int> unseen{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < kPerThread; ++j) {
        std::string token = absl::StrCat("tok_", i, "_", j);
        writer.Submit(Event("p", token, "m.S.M", kT0), [&, token] {
          absl::StatusOr<AuditPage> page = audit.List({.property_id = "p", .token_id = token});
          if (!page.ok() || page->events.size() != 1) ++unseen;
          ++done;
        });
      }
    });
  }
  for (std::thread& th : threads) th.join();
  writer.Stop();
  EXPECT_EQ(done.load(), kThreads * kPerThread);
  EXPECT_EQ(unseen.load(), 0);
  absl::StatusOr<AuditPage> all = audit.List({.property_id = "p", .page_size = 500});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->events.size(), static_cast<size_t>(kThreads * kPerThread));
  // After Stop() a record is written on the caller's thread.
  writer.Submit(Event("p", "after_stop", "m.S.M", kT0), [] {});
  EXPECT_EQ(audit.List({.property_id = "p", .token_id = "after_stop"})->events.size(), 1u);
}

}  // namespace
}  // namespace wa::domain
