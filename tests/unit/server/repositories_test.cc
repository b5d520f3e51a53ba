#include <algorithm>

#include "gtest/gtest.h"
#include "server/storage/conversation_repository.h"
#include "server/storage/guest_repository.h"
#include "server/storage/message_repository.h"
#include "server/storage/scheduled_status_repository.h"
#include "tests/unit/server/test_db.h"

namespace wa::storage {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1767254400);

ConversationRecord Conversation(const std::string& id, const std::string& phone, int minute) {
  ConversationRecord c;
  c.conversation_id = id;
  c.property_id = "p1";
  c.guest_phone = phone;
  c.metadata = {{"room", "412"}};
  c.created_at = c.updated_at = kT0 + absl::Minutes(minute);
  return c;
}

MessageRecord Outbound(const std::string& id, const std::string& conversation_id) {
  MessageRecord m;
  m.message_id = id;
  m.property_id = "p1";
  m.conversation_id = conversation_id;
  m.guest_phone = "+1234567890";
  m.body = "hello";
  m.created_at = kT0;
  m.next_attempt_at = kT0;
  return m;
}

class RepositoriesTest : public ::testing::Test {
 protected:
  template <typename F>
  auto InTx(F&& f) {
    return TransactValue(t_.db(), std::forward<F>(f));
  }
  absl::Status Tx(const std::function<absl::Status()>& f) { return t_.db().Transaction(f); }

  testing::TestDb t_;
  ConversationRepository conversations_{t_.db()};
  MessageRepository messages_{t_.db()};
  GuestRepository guests_{t_.db()};
  ScheduledStatusRepository scheduled_{t_.db()};
};

TEST_F(RepositoriesTest, ConversationsRoundTripWithMetadata) {
  ASSERT_TRUE(Tx([&] { return conversations_.Insert(Conversation("c1", "+1234567890", 0)); }).ok());
  auto found = ReadValue(t_.db(), [&] { return conversations_.Get("c1"); });
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->guest_phone, "+1234567890");
  EXPECT_EQ((*found)->metadata.at("room"), "412");
  EXPECT_EQ((*found)->created_at, kT0);
  auto missing = ReadValue(t_.db(), [&] { return conversations_.Get("nope"); });
  EXPECT_FALSE(missing->has_value());
}

TEST_F(RepositoriesTest, ListFiltersAndPagesNewestFirst) {
  ASSERT_TRUE(Tx([&]() -> absl::Status {
                for (int i = 0; i < 5; ++i) {
                  auto s = conversations_.Insert(
                      Conversation("c" + std::to_string(i), i % 2 ? "+1999" : "+1234567890", i));
                  if (!s.ok()) return s;
                }
                return absl::OkStatus();
              }).ok());
  ConversationFilter filter;
  filter.property_id = "p1";
  filter.guest_phone = "+1234567890";
  filter.limit = 2;
  auto page = ReadValue(t_.db(), [&] { return conversations_.List(filter); });
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].conversation_id, "c4");
  EXPECT_EQ((*page)[1].conversation_id, "c2");
  filter.before_updated_at = (*page)[1].updated_at;
  filter.before_id = (*page)[1].conversation_id;
  auto next = ReadValue(t_.db(), [&] { return conversations_.List(filter); });
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].conversation_id, "c0");
  filter.property_id = "p2";
  EXPECT_TRUE(ReadValue(t_.db(), [&] { return conversations_.List(filter); })->empty());
}

TEST_F(RepositoriesTest, MessagesGetSequenceNumbersPerConversation) {
  ASSERT_TRUE(Tx([&] { return conversations_.Insert(Conversation("c1", "+1234567890", 0)); }).ok());
  std::vector<MessageRecord> inserted;
  for (int i = 0; i < 3; ++i) {
    MessageRecord m = Outbound("m" + std::to_string(i), "c1");
    ASSERT_TRUE(Tx([&] { return messages_.Insert(m); }).ok());
    EXPECT_EQ(m.seq, i + 1);
  }
  auto last_two = ReadValue(t_.db(), [&] { return messages_.ListByConversation("c1", 2); });
  ASSERT_EQ(last_two->size(), 2u);
  EXPECT_EQ((*last_two)[0].message_id, "m1");
  EXPECT_EQ((*last_two)[1].message_id, "m2");
}

TEST_F(RepositoriesTest, SendQueueSeesOnlyDueMessagesUntilAccepted) {
  ASSERT_TRUE(Tx([&] { return conversations_.Insert(Conversation("c1", "+1234567890", 0)); }).ok());
  MessageRecord now = Outbound("now", "c1");
  MessageRecord later = Outbound("later", "c1");
  later.next_attempt_at = kT0 + absl::Minutes(5);
  ASSERT_TRUE(Tx([&]() -> absl::Status {
                auto s = messages_.Insert(now);
                return s.ok() ? messages_.Insert(later) : s;
              }).ok());
  auto due = ReadValue(t_.db(), [&] { return messages_.DueForSending(kT0, 10); });
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].message_id, "now");
  EXPECT_EQ(**ReadValue(t_.db(), [&] { return messages_.NextAttemptAt(); }), kT0);
  // Claimed: counted as an attempt and held, so it is not due again.
  absl::StatusOr<bool> taken =
      TransactValue(t_.db(), [&] { return messages_.Claim("now", kT0, kT0 + absl::Minutes(5)); });
  ASSERT_TRUE(taken.ok() && *taken) << taken.status();
  EXPECT_TRUE(ReadValue(t_.db(), [&] { return messages_.DueForSending(kT0, 10); })->empty());
  EXPECT_EQ(ReadValue(t_.db(), [&] { return messages_.DueForSending(kT0 + absl::Minutes(5), 10); })
                ->size(),
            2u);
  ASSERT_TRUE(Tx([&] { return messages_.MarkAccepted({{"now", "wamid.1"}}); }).ok());
  EXPECT_EQ(ReadValue(t_.db(), [&] { return messages_.DueForSending(kT0 + absl::Minutes(5), 10); })
                ->size(),
            1u);
  auto by_wamid = ReadValue(t_.db(), [&] { return messages_.FindByWhatsAppId("wamid.1"); });
  ASSERT_TRUE(by_wamid->has_value());
  EXPECT_EQ((*by_wamid)->message_id, "now");
  EXPECT_EQ((*by_wamid)->attempts, 1);
}

TEST_F(RepositoriesTest, ClaimingSeveralTakesOnlyThoseStillDueEachOnce) {
  constexpr absl::Duration kHour = absl::Hours(1);
  ASSERT_TRUE(Tx([&] { return conversations_.Insert(Conversation("c1", "+1234567890", 0)); }).ok());
  std::vector<std::string> ids;
  for (const char* id : {"later", "a", "b", "c", "d"}) {
    MessageRecord m = Outbound(id, "c1");
    if (std::string(id) == "later") m.next_attempt_at = kT0 + absl::Minutes(5);
    ASSERT_TRUE(Tx([&] { return messages_.Insert(m); }).ok());
    ids.push_back(id);
  }
  // "b" is someone else's already: taken since the round read it.
  ASSERT_TRUE(*TransactValue(t_.db(), [&] { return messages_.Claim("b", kT0, kT0 + kHour); }));
  auto taken = TransactValue(t_.db(), [&] { return messages_.ClaimAll(ids, kT0, kT0 + kHour); });
  ASSERT_TRUE(taken.ok()) << taken.status();
  std::sort(taken->begin(), taken->end());
  EXPECT_EQ(*taken, (std::vector<std::string>{"a", "c", "d"}));
  for (const char* id : {"a", "c", "d"}) {
    auto m = ReadValue(t_.db(), [&] { return messages_.Get(id); });
    ASSERT_TRUE(m.ok() && m->has_value());
    EXPECT_EQ((*m)->attempts, 1) << id;  // once, though five ids were padded to eight with "d"
    EXPECT_EQ((*m)->next_attempt_at, kT0 + kHour) << id;
  }
  EXPECT_TRUE(ReadValue(t_.db(), [&] { return messages_.DueForSending(kT0, 10); })->empty());
}

TEST_F(RepositoriesTest, GuestWindowNeverMovesBackwards) {
  ASSERT_TRUE(Tx([&] { return guests_.RecordInbound("p1", "+1", kT0, "Maria"); }).ok());
  ASSERT_TRUE(Tx([&] { return guests_.RecordInbound("p1", "+1", kT0 - absl::Hours(1), ""); }).ok());
  auto guest = ReadValue(t_.db(), [&] { return guests_.Get("p1", "+1"); });
  EXPECT_EQ(*(*guest)->last_inbound_at, kT0);
  EXPECT_EQ((*guest)->profile_name, "Maria");
  EXPECT_FALSE(ReadValue(t_.db(), [&] { return guests_.Get("p2", "+1"); })->has_value());
}

TEST_F(RepositoriesTest, ScheduledStatusesComeDueInOrder) {
  ScheduledStatus a{0, "w1", hotel::whatsapp::v1::MESSAGE_STATUS_DELIVERED, 0, "", kT0};
  ScheduledStatus b{0, "w1", hotel::whatsapp::v1::MESSAGE_STATUS_READ,
                    0, "",   kT0 + absl::Seconds(1)};
  ASSERT_TRUE(Tx([&]() -> absl::Status {
                auto s = scheduled_.Insert({b});
                return s.ok() ? scheduled_.Insert({a}) : s;
              }).ok());
  auto due = ReadValue(t_.db(), [&] { return scheduled_.Due(kT0, 10); });
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].status, hotel::whatsapp::v1::MESSAGE_STATUS_DELIVERED);
  ASSERT_TRUE(Tx([&] { return scheduled_.Delete((*due)[0].id).status(); }).ok());
  EXPECT_EQ(**ReadValue(t_.db(), [&] { return scheduled_.NextDueAt(); }), kT0 + absl::Seconds(1));
}

}  // namespace
}  // namespace wa::storage
