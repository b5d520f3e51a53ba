#include "server/domain/messaging_service.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"
#include "server/domain/inbound_service.h"
#include "tests/unit/server/counting_waker.h"
#include "tests/unit/server/test_db.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

class MessagingServiceTest : public ::testing::Test {
 protected:
  MessagingServiceTest() { messaging_.set_send_queue(&send_queue_); }

  void GuestWrites(const std::string& phone, absl::Time at, const std::string& property = "p1",
                   const std::string& conversation_id = "") {
    InboundMessage in;
    in.guest_phone = phone;
    in.whatsapp_message_id = "wamid.in." + std::to_string(++inbound_count_);
    in.body = "hello";
    in.at = at;
    in.new_conversation_id = conversation_id;
    ASSERT_TRUE(inbound_.Record(property, in).ok());
  }

  OutboundRequest Text(const std::string& phone, const std::string& text = "Welcome!") {
    OutboundRequest r;
    r.guest_phone = phone;
    r.body = text;
    r.staff_member_id = "staff_456";
    return r;
  }

  int64_t MessageCount() {
    return *storage::ReadValue(t_.db(), [&]() -> absl::StatusOr<int64_t> {
      auto stmt = t_.db().Prepare("SELECT COUNT(*) FROM messages");
      if (!stmt.ok()) return stmt.status();
      if (auto row = stmt->Step(); !row.ok()) return row.status();
      return stmt->ColumnInt(0);
    });
  }

  testing::TestDb t_;
  testing::CountingWaker<SendQueueWaker> send_queue_;
  int inbound_count_ = 0;
  MessagingService messaging_{t_.db()};
  InboundService inbound_{t_.db(), ConsentKeywords{}};
  Caller staff_{"tok_1", v1::ROLE_STAFF, "p1"};
};

TEST_F(MessagingServiceTest, QueuesATextInsideTheWindowInTheGuestsConversation) {
  GuestWrites("+1234567890", absl::Now() - absl::Hours(1), "p1", "conv_abc123");
  absl::StatusOr<storage::MessageRecord> sent =
      messaging_.SendText(staff_, Text("+1 (234) 567-890"));
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(sent->status, v1::MESSAGE_STATUS_QUEUED);
  EXPECT_EQ(sent->conversation_id, "conv_abc123");
  EXPECT_EQ(sent->guest_phone, "+1234567890");
  EXPECT_EQ(sent->staff_member_id, "staff_456");
  EXPECT_EQ(sent->seq, 2);
  EXPECT_EQ(send_queue_.wakes, 1);
  absl::StatusOr<storage::MessageRecord> stored = messaging_.Get("p1", sent->message_id);
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->next_attempt_at.has_value());
}

TEST_F(MessagingServiceTest, RefusesOutsideTheWindowWithTheReferencesDetails) {
  absl::Time last = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now() - absl::Hours(30)));
  GuestWrites("+1234567890", last);
  int64_t before = MessageCount();
  absl::StatusOr<storage::MessageRecord> sent = messaging_.SendText(staff_, Text("+1234567890"));
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.status().code(), absl::StatusCode::kFailedPrecondition);
  v1::ErrorDetail detail = DetailOf(sent.status());
  EXPECT_EQ(detail.code(), "MESSAGE_WINDOW_EXPIRED");
  EXPECT_EQ(detail.message(), "Cannot send free-form message outside 24-hour window");
  const auto& fields = detail.details().fields();
  EXPECT_EQ(fields.at("guest_phone").string_value(), "+1234567890");
  EXPECT_EQ(fields.at("last_guest_message").string_value(),
            absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", last, absl::UTCTimeZone()));
  EXPECT_EQ(fields.at("window_expires").string_value(),
            absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", last + absl::Hours(24), absl::UTCTimeZone()));
  EXPECT_TRUE(fields.at("suggested_templates").has_list_value());
  EXPECT_EQ(detail.recovery_options_size(), 3);
  EXPECT_EQ(MessageCount(), before);
  EXPECT_EQ(send_queue_.wakes, 0);
}

TEST_F(MessagingServiceTest, AGuestWhoNeverWroteHasNoWindow) {
  absl::StatusOr<storage::MessageRecord> sent = messaging_.SendText(staff_, Text("+1234567890"));
  EXPECT_EQ(DetailOf(sent.status()).code(), "MESSAGE_WINDOW_EXPIRED");
  EXPECT_EQ(DetailOf(sent.status()).details().fields().at("last_guest_message").string_value(), "");
}

TEST_F(MessagingServiceTest, TheWindowIsPerProperty) {
  GuestWrites("+1234567890", absl::Now(), "p2");
  EXPECT_EQ(DetailOf(messaging_.SendText(staff_, Text("+1234567890")).status()).code(),
            "MESSAGE_WINDOW_EXPIRED");
}

TEST_F(MessagingServiceTest, ValidatesPhoneAndText) {
  GuestWrites("+1234567890", absl::Now());
  EXPECT_EQ(DetailOf(messaging_.SendText(staff_, Text("12345")).status()).code(),
            "INVALID_PHONE_NUMBER");
  EXPECT_EQ(messaging_.SendText(staff_, Text("+1234567890", "  ")).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::string at_limit;
  for (int i = 0; i < 4096; ++i) at_limit += "é";  // characters, not bytes
  EXPECT_TRUE(messaging_.SendText(staff_, Text("+1234567890", at_limit)).ok());
  absl::Status too_long = messaging_.SendText(staff_, Text("+1234567890", at_limit + "x")).status();
  EXPECT_EQ(too_long.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DetailOf(too_long).details().fields().at("field").string_value(), "content.text");
  OutboundRequest image = Text("+1234567890");
  image.message_type = v1::MESSAGE_TYPE_IMAGE;
  EXPECT_EQ(messaging_.SendText(staff_, image).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(MessagingServiceTest, AGivenConversationMustExistAndBelongToTheGuest) {
  GuestWrites("+1234567890", absl::Now(), "p1", "conv_a");
  GuestWrites("+1987654321", absl::Now(), "p1", "conv_b");
  GuestWrites("+1555000111", absl::Now(), "p2", "conv_other");
  OutboundRequest r = Text("+1234567890");
  r.conversation_id = "conv_missing";
  EXPECT_EQ(messaging_.SendText(staff_, r).status().code(), absl::StatusCode::kNotFound);
  r.conversation_id = "conv_b";
  EXPECT_EQ(messaging_.SendText(staff_, r).status().code(), absl::StatusCode::kInvalidArgument);
  r.guest_phone = "+1555000111";
  r.conversation_id = "conv_other";
  EXPECT_EQ(messaging_.SendText(staff_, r).status().code(), absl::StatusCode::kFailedPrecondition)
      << "p1 sees no window for a p2 guest";
  EXPECT_EQ(messaging_.Get("p2", "msg_nope").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(MessagingServiceTest, AnotherPropertyCannotReadTheMessage) {
  GuestWrites("+1234567890", absl::Now());
  absl::StatusOr<storage::MessageRecord> sent = messaging_.SendText(staff_, Text("+1234567890"));
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(messaging_.Get("p2", sent->message_id).status().code(), absl::StatusCode::kNotFound);
}

// Status reads in a crowd (read together on PostgreSQL, util/coalesced_lookup.h):
// each caller gets its own message, sees a send it just made, and no other
// property's message or an unknown id.
TEST_F(MessagingServiceTest, ReadsInACrowdEachGetTheirOwnFreshMessage) {
  constexpr int kThreads = 16;
  constexpr int kRounds = 10;
  for (int g = 0; g < kThreads; ++g)
    GuestWrites("+123456780" + std::to_string(g % 10) + std::to_string(g / 10), absl::Now());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int g = 0; g < kThreads; ++g) {
    threads.emplace_back([&, g] {
      std::string phone = "+123456780" + std::to_string(g % 10) + std::to_string(g / 10);
      for (int r = 0; r < kRounds; ++r) {
        std::string text = absl::StrCat("m", g, "-", r);
        absl::StatusOr<storage::MessageRecord> sent =
            messaging_.SendText(staff_, Text(phone, text));
        if (!sent.ok()) {
          ++wrong;
          continue;
        }
        absl::StatusOr<storage::MessageRecord> read = messaging_.Get("p1", sent->message_id);
        if (!read.ok() || read->message_id != sent->message_id || read->guest_phone != phone ||
            read->payload != sent->payload) {
          ++wrong;
        }
        if (messaging_.Get("p2", sent->message_id).status().code() != absl::StatusCode::kNotFound ||
            messaging_.Get("p1", "msg_" + text).status().code() != absl::StatusCode::kNotFound) {
          ++wrong;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(MessageCount(), kThreads + kThreads * kRounds);
}

TEST_F(MessagingServiceTest, AFullQueueRefusesSendsWithARetryTime) {
  messaging_.set_backlog_limit({2, 80});
  GuestWrites("+1234567890", absl::Now() - absl::Hours(1));
  ASSERT_TRUE(messaging_.SendText(staff_, Text("+1234567890")).ok());
  ASSERT_TRUE(messaging_.SendText(staff_, Text("+1234567890")).ok());
  absl::Status refused = messaging_.SendText(staff_, Text("+1234567890")).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  v1::ErrorDetail detail = DetailOf(refused);
  EXPECT_EQ(detail.code(), "RATE_LIMIT_EXCEEDED");
  EXPECT_GE(detail.details().fields().at("retry_after_seconds").number_value(), 1);
  EXPECT_EQ(MessageCount(), 3) << "the inbound and two queued, nothing more";
  EXPECT_TRUE(
      messaging_.SendText({"tok_2", v1::ROLE_STAFF, "p2"}, Text("+1234567890")).status().code() !=
      absl::StatusCode::kResourceExhausted)
      << "another property's sender has its own queue";
}

TEST_F(MessagingServiceTest, WorkInTheSendsTransactionCommitsWithItOrUndoesIt) {
  GuestWrites("+1234567890", absl::Now() - absl::Hours(1));
  OutboundRequest undone = Text("+1234567890");
  undone.in_transaction = [](const storage::MessageRecord&) {
    return absl::AbortedError("changed my mind");
  };
  EXPECT_EQ(messaging_.SendText(staff_, std::move(undone)).status().code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(MessageCount(), 1) << "only the inbound message";
  std::string seen;
  OutboundRequest kept = Text("+1234567890");
  kept.in_transaction = [&](const storage::MessageRecord& m) {
    seen = m.message_id;
    return absl::OkStatus();
  };
  absl::StatusOr<storage::MessageRecord> sent = messaging_.SendText(staff_, std::move(kept));
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(seen, sent->message_id);
}

}  // namespace
}  // namespace wa::domain
