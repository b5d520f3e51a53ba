#include "server/domain/conversation_service.h"

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"
#include "server/domain/inbound_service.h"
#include "tests/unit/server/test_db.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

class ConversationServiceTest : public ::testing::Test {
 protected:
  absl::StatusOr<InboundResult> GuestWrites(const std::string& phone, absl::Time at,
                                            const std::string& wamid,
                                            const std::string& property = "p1") {
    InboundMessage in;
    in.guest_phone = phone;
    in.profile_name = "Maria Lopez";
    in.whatsapp_message_id = wamid;
    in.body = "Hi, can I get two extra towels?";
    in.at = at;
    return inbound_.Record(property, in);
  }

  testing::TestDb t_;
  InboundService inbound_{t_.db(), ConsentKeywords{}};
  ConversationService conversations_{t_.db()};
};

TEST_F(ConversationServiceTest, InboundOpensAConversationAndTheWindow) {
  // Storage keeps microseconds.
  absl::Time at = absl::FromUnixMicros(absl::ToUnixMicros(absl::Now() - absl::Hours(2)));
  absl::StatusOr<InboundResult> in = GuestWrites("447700900123", at, "wamid.1");
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_FALSE(in->duplicate);
  EXPECT_EQ(in->message.guest_phone, "+447700900123");
  absl::StatusOr<ConversationView> view = conversations_.Get("p1", in->message.conversation_id, 0);
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->messages.size(), 1u);
  EXPECT_EQ(view->messages[0].direction, v1::DIRECTION_INBOUND);
  EXPECT_EQ(view->guest_profile_name, "Maria Lopez");
  absl::StatusOr<WindowView> window =
      conversations_.Window("p1", in->message.conversation_id, absl::Now());
  ASSERT_TRUE(window.ok());
  EXPECT_TRUE(window->window.within_window);
  EXPECT_EQ(*window->window.expires_at, at + absl::Hours(24));
}

TEST_F(ConversationServiceTest, ARepeatedInboundMessageIsStoredOnce) {
  ASSERT_TRUE(GuestWrites("+447700900123", absl::Now(), "wamid.1").ok());
  absl::StatusOr<InboundResult> again = GuestWrites("+447700900123", absl::Now(), "wamid.1");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  absl::StatusOr<ConversationView> view =
      conversations_.Get("p1", again->message.conversation_id, 0);
  EXPECT_EQ(view->messages.size(), 1u);
}

TEST_F(ConversationServiceTest, ReadsAreScopedToTheProperty) {
  absl::StatusOr<InboundResult> in = GuestWrites("+447700900123", absl::Now(), "wamid.1");
  const std::string id = in->message.conversation_id;
  EXPECT_EQ(conversations_.Get("p2", id, 0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(conversations_.Window("p2", id, absl::Now()).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(conversations_.List("p2", {})->conversations.empty());
}

TEST_F(ConversationServiceTest, ListsByGuestWithPageTokens) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        GuestWrites("+1555000" + std::to_string(100 + i), absl::Now(), "wamid." + std::to_string(i))
            .ok());
  }
  ConversationQuery query;
  query.page_size = 2;
  absl::StatusOr<ConversationPage> first = conversations_.List("p1", query);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->conversations.size(), 2u);
  ASSERT_FALSE(first->next_page_token.empty());
  query.page_token = first->next_page_token;
  absl::StatusOr<ConversationPage> second = conversations_.List("p1", query);
  ASSERT_EQ(second->conversations.size(), 1u);
  EXPECT_TRUE(second->next_page_token.empty());

  ConversationQuery by_guest;
  by_guest.guest_phone = "+1 555 000 101";
  by_guest.status = v1::CONVERSATION_STATUS_ACTIVE;
  absl::StatusOr<ConversationPage> one = conversations_.List("p1", by_guest);
  ASSERT_EQ(one->conversations.size(), 1u);
  EXPECT_EQ(one->conversations[0].conversation.guest_phone, "+1555000101");
  EXPECT_EQ(one->conversations[0].conversation.message_count, 1);
  // Listed as GetConversation shows them: the guest's last message time.
  ASSERT_TRUE(one->conversations[0].last_guest_message_at.has_value());

  ConversationQuery bad;
  bad.page_token = "garbage!";
  EXPECT_EQ(conversations_.List("p1", bad).status().code(), absl::StatusCode::kInvalidArgument);
  bad.page_token = "";
  bad.guest_phone = "not a phone";
  EXPECT_EQ(DetailOf(conversations_.List("p1", bad).status()).code(), "INVALID_PHONE_NUMBER");
}

}  // namespace
}  // namespace wa::domain
