#include "server/domain/webhook_service.h"

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/domain/errors.h"
#include "tests/unit/server/counting_waker.h"
#include "tests/unit/server/test_db.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

// The provider's checks, answered from a script: one host does not
// resolve, one URL is allowed, "good" is the token that verifies.
class ScriptedChecks : public EndpointChecks {
 public:
  absl::Status CheckUrl(const std::string& url) const override {
    ++url_checks;
    if (url == "https://your-hotel.com/webhooks/whatsapp") {
      return absl::UnavailableError("cannot resolve host 'your-hotel.com'");
    }
    return url == "https://hotel.example/hook" ? absl::OkStatus()
                                               : absl::InvalidArgumentError("refused: " + url);
  }
  std::string VerifyEndpoint(const std::string& url, const std::string& token) override {
    ++verifications;
    if (url == "https://your-hotel.com/webhooks/whatsapp") return "cannot resolve";
    return token == "good" ? std::string() : std::string("answered HTTP 403");
  }
  mutable int url_checks = 0;
  int verifications = 0;
};

class WebhookServiceTest : public ::testing::Test {
 protected:
  WebhookServiceTest() : service_(t_.db(), checks_, WebhookSettings{absl::Hours(1)}, &delivery_) {}

  WebhookRequest Request() {
    WebhookRequest r;
    r.webhook_url = " https://hotel.example/hook ";
    r.events = {"inbound_message", "Message_Read", "inbound_message"};
    r.verify_token = "good";
    return r;
  }

  testing::TestDb t_;
  ScriptedChecks checks_;
  testing::CountingWaker<EventWaker> delivery_;
  WebhookService service_;
};

TEST_F(WebhookServiceTest, ConfiguresWithDefaultsAndANewSecretEachTime) {
  absl::StatusOr<ConfigureResult> first = service_.Configure("p1", Request());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->verified);
  EXPECT_EQ(first->config.webhook_url, "https://hotel.example/hook");
  EXPECT_EQ(first->config.events, (std::vector<std::string>{"inbound_message", "message_read"}));
  EXPECT_EQ(first->config.max_retries, 3);  // the reference's example values by default
  EXPECT_EQ(first->config.retry_delay_ms, 5000);
  EXPECT_FALSE(first->config.previous_secret_expires_at.has_value());

  WebhookRequest unverified = Request();
  unverified.verify_token = "bad";
  absl::StatusOr<ConfigureResult> second = service_.Configure("p1", unverified);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->verified);
  EXPECT_EQ(second->verification_error, "answered HTTP 403");
  EXPECT_NE(second->signing_secret, first->signing_secret);
  absl::StatusOr<storage::WebhookConfigRecord> stored = service_.GetConfig("p1");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->secret, second->signing_secret);
  EXPECT_EQ(stored->previous_secret, first->signing_secret);  // still signs for an hour
  EXPECT_FALSE(stored->verified);
}

TEST_F(WebhookServiceTest, RefusesBadInputBeforeCallingTheEndpoint) {
  WebhookRequest unknown = Request();
  unknown.events.push_back("guest_sneezed");
  WebhookRequest url = Request();
  url.webhook_url = "https://10.0.0.1/hook";
  WebhookRequest retries = Request();
  retries.has_retry_config = true;
  retries.max_retries = 21;
  retries.retry_delay_ms = 1000;
  WebhookRequest delay = Request();
  delay.has_retry_config = true;
  delay.retry_delay_ms = 3600 * 1000 + 1;
  for (const auto& [request, field] :
       std::vector<std::pair<WebhookRequest, std::string>>{{unknown, "events"},
                                                           {url, "webhook_url"},
                                                           {retries, "retry_config.max_retries"},
                                                           {delay, "retry_config.retry_delay"}}) {
    absl::StatusOr<ConfigureResult> result = service_.Configure("p1", request);
    ASSERT_FALSE(result.ok()) << field;
    v1::ErrorDetail detail = DetailOf(result.status());
    EXPECT_EQ(detail.code(), "INVALID_ARGUMENT") << field;
    EXPECT_EQ(detail.details().fields().at("field").string_value(), field);
  }
  EXPECT_EQ(checks_.verifications, 0);
  EXPECT_EQ(service_.GetConfig("p1").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(WebhookServiceTest, AHostThatDoesNotResolveYetIsStoredUnverified) {
  // The reference's example URL, verbatim, where its name does not resolve.
  WebhookRequest request = Request();
  request.webhook_url = "https://your-hotel.com/webhooks/whatsapp";
  absl::StatusOr<ConfigureResult> result = service_.Configure("p1", request);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->verified);
  EXPECT_EQ(result->verification_error, "cannot resolve");
  EXPECT_EQ(service_.GetConfig("p1")->webhook_url, request.webhook_url);
}

TEST_F(WebhookServiceTest, RotationKeepsTheOldSecretForTheGracePeriod) {
  EXPECT_EQ(service_.RotateSecret("p1", absl::ZeroDuration()).status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<ConfigureResult> configured = service_.Configure("p1", Request());
  absl::Time before = absl::Now();
  absl::StatusOr<RotateResult> rotated = service_.RotateSecret("p1", absl::ZeroDuration());
  ASSERT_TRUE(rotated.ok());
  EXPECT_GE(rotated->previous_secret_expires_at, before + absl::Hours(1));
  absl::StatusOr<storage::WebhookConfigRecord> stored = service_.GetConfig("p1");
  EXPECT_EQ(stored->secret, rotated->signing_secret);
  EXPECT_EQ(stored->previous_secret, configured->signing_secret);
}

TEST_F(WebhookServiceTest, ReplaysOnlySettledEventsAndTheTestEventNeedsAWebhook) {
  EXPECT_EQ(service_.SendTest("p1").status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(service_.Configure("p1", Request()).ok());
  absl::StatusOr<storage::WebhookEventRecord> test = service_.SendTest("p1");
  ASSERT_TRUE(test.ok()) << test.status();
  EXPECT_EQ(test->event, kTestEvent);
  EXPECT_EQ(test->status, v1::DELIVERY_STATUS_PENDING);
  absl::StatusOr<storage::WebhookEventRecord> pending = service_.Replay("p1", test->event_id);
  EXPECT_EQ(pending.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(service_.Replay("p2", test->event_id).status().code(), absl::StatusCode::kNotFound);
  EXPECT_GE(delivery_.wakes, 2);  // configure and the test event woke the delivery worker
}

}  // namespace
}  // namespace wa::domain
