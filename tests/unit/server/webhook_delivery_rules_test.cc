// The retry rules and the outbox's queries that the delivery worker
// relies on: backoff, what counts as an endpoint being down, and which
// events are due (one per conversation, none for a paused endpoint).
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/domain/webhook_retry.h"
#include "server/storage/webhook_repository.h"
#include "tests/unit/server/test_db.h"

namespace wa {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

TEST(WebhookRetryTest, BacksOffExponentiallyFromRetryDelayWithBoundedJitter) {
  absl::Duration d = absl::Seconds(5);
  EXPECT_EQ(domain::RetryDelay(d, 1, 0.0), absl::Seconds(5));
  EXPECT_EQ(domain::RetryDelay(d, 2, 0.0), absl::Seconds(10));
  EXPECT_EQ(domain::RetryDelay(d, 3, 0.0), absl::Seconds(20));
  EXPECT_EQ(domain::RetryDelay(d, 3, 1.0), absl::Seconds(25));  // at most +25%
  EXPECT_EQ(domain::RetryDelay(d, 30, 0.0), absl::Hours(1));    // capped
}

TEST(WebhookRetryTest, NoAnswerOrAGatewayErrorMeansTheEndpointIsDown) {
  for (int status : {0, 429, 502, 503, 504}) EXPECT_TRUE(domain::EndpointDown(status)) << status;
  for (int status : {400, 401, 404, 410, 500, 501}) EXPECT_FALSE(domain::EndpointDown(status));
  EXPECT_EQ(domain::ProbeDelay(absl::Seconds(5), absl::Seconds(60), 0), absl::Seconds(5));
  EXPECT_EQ(domain::ProbeDelay(absl::Seconds(5), absl::Seconds(60), 2), absl::Seconds(20));
  EXPECT_EQ(domain::ProbeDelay(absl::Seconds(5), absl::Seconds(60), 10), absl::Seconds(60));
}

class WebhookRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::WebhookConfigRecord config;
    config.property_id = "p1";
    config.webhook_url = "https://hotel.example/hook";
    config.events = {"inbound_message"};
    config.secret = "whsec_x";
    config.updated_at = now_;
    ASSERT_TRUE(t_.db().Transaction([&] { return repo_.PutConfig(config); }).ok());
  }

  void Add(const std::string& id, const std::string& key) {
    storage::WebhookEventRecord e;
    e.event_id = id;
    e.property_id = "p1";
    e.event = "inbound_message";
    e.ordering_key = key;
    e.payload = "{}";
    e.occurred_at = now_;
    e.next_attempt_at = now_;
    ASSERT_TRUE(t_.db().Transaction([&] { return repo_.InsertEvent(e); }).ok());
  }

  std::vector<std::string> Due(absl::Time at) {
    auto due = storage::ReadValue(t_.db(), [&] { return repo_.DueEvents(at, 100); });
    EXPECT_TRUE(due.ok()) << due.status();
    std::vector<std::string> ids;
    for (const auto& e : *due) ids.push_back(e.event_id);
    return ids;
  }

  testing::TestDb t_;
  storage::WebhookRepository repo_{t_.db()};
  // Whole microseconds, as the database stores times.
  absl::Time now_ = absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()));
};

TEST_F(WebhookRepositoryTest, OnlyTheOldestPendingEventOfAConversationIsDue) {
  Add("evt_a1", "conv_a");
  Add("evt_a2", "conv_a");
  Add("evt_b1", "conv_b");
  Add("evt_x", "");  // unordered events never wait for others
  Add("evt_y", "");
  EXPECT_EQ(Due(now_), (std::vector<std::string>{"evt_a1", "evt_b1", "evt_x", "evt_y"}));
  // a1 retrying later still holds a2 back: order over speed.
  ASSERT_TRUE(t_.db()
                  .Transaction([&] {
                    return repo_.MarkRetry("evt_a1", now_ + absl::Minutes(1), 500, "HTTP 500",
                                           true);
                  })
                  .ok());
  EXPECT_EQ(Due(now_), (std::vector<std::string>{"evt_b1", "evt_x", "evt_y"}));
  // Dead-lettered, a1 no longer blocks its conversation.
  ASSERT_TRUE(t_.db()
                  .Transaction([&] {
                    return repo_.MarkFailed("evt_a1", now_, 500, "WEBHOOK_DELIVERY_FAILED");
                  })
                  .ok());
  EXPECT_EQ(Due(now_), (std::vector<std::string>{"evt_a2", "evt_b1", "evt_x", "evt_y"}));
}

TEST_F(WebhookRepositoryTest, APausedEndpointHasNothingDueUntilItsProbeTime) {
  Add("evt_1", "conv_a");
  ASSERT_TRUE(
      t_.db()
          .Transaction([&] { return repo_.MarkEndpointDown("p1", now_, now_ + absl::Seconds(30)); })
          .ok());
  EXPECT_TRUE(Due(now_).empty());
  EXPECT_EQ(Due(now_ + absl::Seconds(31)), (std::vector<std::string>{"evt_1"}));
  auto config = storage::ReadValue(t_.db(), [&] { return repo_.GetConfig("p1"); });
  ASSERT_TRUE(config.ok() && config->has_value());
  EXPECT_EQ((*config)->down_since, now_);
  EXPECT_EQ((*config)->probe_failures, 1);
  // Its events wait for the probe time instead of being scanned meanwhile.
  auto event = storage::ReadValue(t_.db(), [&] { return repo_.GetEvent("p1", "evt_1"); });
  EXPECT_EQ((*event)->next_attempt_at, now_ + absl::Seconds(30));
  ASSERT_TRUE(t_.db().Transaction([&] { return repo_.MarkEndpointUp("p1"); }).ok());
  config = storage::ReadValue(t_.db(), [&] { return repo_.GetConfig("p1"); });
  EXPECT_FALSE((*config)->down_since.has_value());
  EXPECT_EQ((*config)->probe_failures, 0);
}

TEST_F(WebhookRepositoryTest, ReplayRequeuesDeadLettersSinceATime) {
  Add("evt_old", "");
  Add("evt_new", "");
  ASSERT_TRUE(t_.db()
                  .Transaction([&]() -> absl::Status {
                    if (auto s = repo_.MarkFailed("evt_old", now_ - absl::Hours(2), 500, "x");
                        !s.ok())
                      return s;
                    return repo_.MarkFailed("evt_new", now_, 500, "x");
                  })
                  .ok());
  auto count = storage::TransactValue(
      t_.db(), [&] { return repo_.RequeueFailedSince("p1", now_ - absl::Hours(1), now_); });
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 1);
  EXPECT_EQ(Due(now_), (std::vector<std::string>{"evt_new"}));
  auto event = storage::ReadValue(t_.db(), [&] { return repo_.GetEvent("p1", "evt_new"); });
  EXPECT_EQ((*event)->status, v1::DELIVERY_STATUS_PENDING);
  EXPECT_EQ((*event)->failures, 0);
}

}  // namespace
}  // namespace wa
