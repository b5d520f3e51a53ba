// Webhook configuration over both surfaces: validation in the contract's
// error format with nothing stored, the verification GET, secrets shown
// once and rotated with a grace period, the test event and the
// deliveries' filters.
#include "tests/integration/webhook_fixture.h"

namespace wa::testing {
namespace {

TEST_P(WebhookTest, RefusesBadConfigurationsAndChangesNothing) {
  struct Case {
    std::string name;
    std::string url;
    std::vector<std::string> events;
    int retry_delay;
    std::string field;
  };
  std::vector<Case> cases = {
      {"not a URL", "not a url", {"inbound_message"}, 5000, "webhook_url"},
      {"ftp", "ftp://127.0.0.1/hook", {"inbound_message"}, 5000, "webhook_url"},
      {"plain http off loopback",
       "http://example.com/hook",
       {"inbound_message"},
       5000,
       "webhook_url"},
      {"private address", "https://10.1.2.3/hook", {"inbound_message"}, 5000, "webhook_url"},
      {"link-local", "https://169.254.10.1/hook", {"inbound_message"}, 5000, "webhook_url"},
      {"metadata",
       "https://169.254.169.254/latest/meta-data",
       {"inbound_message"},
       5000,
       "webhook_url"},
      {"IPv6 unique local", "https://[fd12::1]/hook", {"inbound_message"}, 5000, "webhook_url"},
      {"unknown event", "", {"inbound_message", "message_exploded"}, 5000, "events"},
      {"no events", "", {}, 5000, "events"},
      {"retry delay too short", "", {"inbound_message"}, 10, "retry_config.retry_delay"},
  };
  for (const Case& c : cases) {
    v1::ConfigureWebhookRequest request = Config(c.events);
    if (!c.url.empty()) request.set_webhook_url(c.url);
    request.mutable_retry_config()->set_retry_delay(c.retry_delay);
    v1::ConfigureWebhookResponse response;
    Outcome outcome = surface_->Call(ConfigureRpc(), admin_, request, &response);
    EXPECT_FALSE(outcome.ok) << c.name;
    EXPECT_EQ(outcome.grpc_code, grpc::INVALID_ARGUMENT) << c.name;
    EXPECT_EQ(outcome.error.code(), "INVALID_ARGUMENT") << c.name;
    EXPECT_FALSE(outcome.error.message().empty()) << c.name;
    EXPECT_EQ(outcome.error.details().fields().at("field").string_value(), c.field) << c.name;
    if (GetParam() == "rest") {
      nlohmann::json body = nlohmann::json::parse(outcome.raw_body);
      EXPECT_EQ(outcome.http_status, 400) << c.name;
      EXPECT_TRUE(body["error"].contains("recovery_options")) << c.name;
    }
  }
  // The unknown event is named, with the supported ones.
  v1::ConfigureWebhookResponse ignored;
  Outcome unknown = surface_->Call(ConfigureRpc(), admin_, Config({"message_exploded"}), &ignored);
  EXPECT_EQ(unknown.error.details().fields().at("event").string_value(), "message_exploded");
  // Nothing was stored, and the receiver was never called.
  v1::WebhookConfig config;
  Outcome get = surface_->Call(GetConfigRpc(), admin_, v1::GetWebhookConfigRequest(), &config);
  EXPECT_EQ(get.grpc_code, grpc::NOT_FOUND);
  EXPECT_EQ(get.error.code(), "NOT_FOUND");
  EXPECT_TRUE(receiver_.Received().empty());
}

TEST_P(WebhookTest, StaffMayNotConfigure) {
  std::string staff = server_->CreateToken("staff", property_);
  v1::ConfigureWebhookResponse response;
  Outcome outcome = surface_->Call(ConfigureRpc(), staff, Config(), &response);
  EXPECT_EQ(outcome.grpc_code, grpc::PERMISSION_DENIED);
  EXPECT_EQ(outcome.error.code(), "PERMISSION_DENIED");
  if (GetParam() == "rest") EXPECT_EQ(outcome.http_status, 403);
  v1::WebhookConfig config;
  EXPECT_EQ(surface_->Call(GetConfigRpc(), staff, v1::GetWebhookConfigRequest(), &config).grpc_code,
            grpc::PERMISSION_DENIED);
}

TEST_P(WebhookTest, VerifiesTheEndpointAndShowsTheSecretOnce) {
  v1::ConfigureWebhookResponse configured = Configure(Config({"inbound_message", "MESSAGE_READ"}));
  EXPECT_TRUE(configured.verified()) << configured.verification_error();
  EXPECT_TRUE(configured.config().verified());
  EXPECT_EQ(configured.signing_secret().rfind("whsec_", 0), 0u);
  EXPECT_EQ(configured.config().events_size(), 2);
  EXPECT_EQ(configured.config().events(1), "message_read");  // any case in, contract's out

  v1::WebhookConfig config;
  Outcome get = surface_->Call(GetConfigRpc(), admin_, v1::GetWebhookConfigRequest(), &config);
  ASSERT_TRUE(get.ok);
  EXPECT_EQ(config.webhook_url(), receiver_.url());
  EXPECT_EQ(config.retry_config().max_retries(), 3);
  EXPECT_EQ(config.retry_config().retry_delay(), 200);
  EXPECT_FALSE(config.endpoint_down());
  if (GetParam() == "rest") {
    EXPECT_EQ(get.raw_body.find(configured.signing_secret()), std::string::npos);
  }

  // A receiver answering POST only (the reference's handler) fails the
  // check; the configuration is stored anyway, with the reason.
  v1::ConfigureWebhookRequest wrong_token = Config();
  wrong_token.set_verify_token("not-the-receivers-token");
  v1::ConfigureWebhookResponse unverified;
  ASSERT_TRUE(surface_->Call(ConfigureRpc(), admin_, wrong_token, &unverified).ok);
  EXPECT_FALSE(unverified.verified());
  EXPECT_NE(unverified.verification_error().find("403"), std::string::npos)
      << unverified.verification_error();
  EXPECT_NE(unverified.signing_secret(), configured.signing_secret());
  config.Clear();
  ASSERT_TRUE(surface_->Call(GetConfigRpc(), admin_, v1::GetWebhookConfigRequest(), &config).ok);
  EXPECT_FALSE(config.verified());
  EXPECT_EQ(config.events_size(), 1);
  // The replaced secret stays valid for the grace period.
  EXPECT_TRUE(config.has_previous_secret_expires_at());
}

TEST_P(WebhookTest, RotationSignsWithBothSecretsDuringTheGracePeriod) {
  v1::ConfigureWebhookResponse configured = Configure(Config());
  v1::RotateWebhookSecretRequest rotate;
  rotate.set_grace_period_seconds(5);
  absl::Time rotated_at = absl::Now();
  v1::RotateWebhookSecretResponse rotated;
  ASSERT_TRUE(surface_->Call(RotateRpc(), admin_, rotate, &rotated).ok);
  ASSERT_NE(rotated.signing_secret(), configured.signing_secret());
  receiver_.Control({{"secrets", {configured.signing_secret(), rotated.signing_secret()}}});

  v1::WebhookDelivery test;
  ASSERT_TRUE(surface_->Call(TestEventRpc(), admin_, v1::SendTestWebhookRequest(), &test).ok);
  nlohmann::json received = receiver_.WaitFor(
      [&](const nlohmann::json& r) { return DeliveredCount(r, test.event_id()) == 1; });
  std::vector<nlohmann::json> got = Delivered(received, "webhook_test");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["signatures"], 2);
  EXPECT_EQ(got[0]["verified_with"], nlohmann::json({0, 1}));  // old and new both verify

  // After the grace period only the new secret signs.
  absl::SleepFor(rotated_at + absl::Milliseconds(5200) - absl::Now());
  ASSERT_TRUE(surface_->Call(TestEventRpc(), admin_, v1::SendTestWebhookRequest(), &test).ok);
  received = receiver_.WaitFor(
      [&](const nlohmann::json& r) { return DeliveredCount(r, test.event_id()) == 1; });
  got = Delivered(received, "webhook_test");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1]["signatures"], 1);
  EXPECT_EQ(got[1]["verified_with"], nlohmann::json({1}));

  v1::RotateWebhookSecretRequest too_long;
  too_long.set_grace_period_seconds(-1);
  EXPECT_EQ(surface_->Call(RotateRpc(), admin_, too_long, &rotated).error.code(),
            "INVALID_ARGUMENT");
}

TEST_P(WebhookTest, TestEventAndTheDeliveriesFilters) {
  v1::WebhookDelivery ignored;
  Outcome none = surface_->Call(TestEventRpc(), admin_, v1::SendTestWebhookRequest(), &ignored);
  EXPECT_EQ(none.error.code(), "FAILED_PRECONDITION");  // nothing configured yet

  Configure(Config());
  absl::Time before = absl::Now();
  v1::WebhookDelivery test;
  ASSERT_TRUE(surface_->Call(TestEventRpc(), admin_, v1::SendTestWebhookRequest(), &test).ok);
  EXPECT_EQ(test.event(), "webhook_test");
  GuestWrites("+15557000001", "Hello");
  nlohmann::json received =
      receiver_.WaitFor([&](const nlohmann::json& r) { return Delivered(r).size() == 2; });
  for (const nlohmann::json& r : received) {
    WaitForDelivery(r["event_id"], v1::DELIVERY_STATUS_DELIVERED);
  }
  v1::WebhookDeliveryDetail detail =
      WaitForDelivery(test.event_id(), v1::DELIVERY_STATUS_DELIVERED);
  ASSERT_EQ(detail.attempts_size(), 1);
  EXPECT_EQ(detail.attempts(0).http_status(), 200);
  nlohmann::json payload = nlohmann::json::parse(detail.payload());
  EXPECT_EQ(payload["event_id"], test.event_id());
  EXPECT_EQ(payload["property_id"], property_);

  auto list = [&](v1::ListWebhookDeliveriesRequest request, const std::string& query) {
    v1::ListWebhookDeliveriesResponse response;
    Outcome outcome = surface_->Call(DeliveriesRpc(query), admin_, request, &response);
    EXPECT_TRUE(outcome.ok) << outcome.raw_body;
    return response;
  };
  v1::ListWebhookDeliveriesRequest all;
  EXPECT_EQ(list(all, "").deliveries_size(), 2);
  v1::ListWebhookDeliveriesRequest by_event;
  by_event.set_event("inbound_message");
  v1::ListWebhookDeliveriesResponse inbound = list(by_event, "?event=inbound_message");
  ASSERT_EQ(inbound.deliveries_size(), 1);
  EXPECT_EQ(inbound.deliveries(0).status(), v1::DELIVERY_STATUS_DELIVERED);
  v1::ListWebhookDeliveriesRequest failed;
  failed.set_status(v1::DELIVERY_STATUS_FAILED);
  EXPECT_EQ(list(failed, "?status=failed").deliveries_size(), 0);
  v1::ListWebhookDeliveriesRequest later;
  absl::Time future = absl::Now() + absl::Hours(1);
  later.mutable_since()->set_seconds(absl::ToUnixSeconds(future));
  EXPECT_EQ(list(later, absl::StrCat("?since=", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", future,
                                                                 absl::UTCTimeZone())))
                .deliveries_size(),
            0);
  v1::ListWebhookDeliveriesRequest page;
  page.set_page_size(1);
  v1::ListWebhookDeliveriesResponse first = list(page, "?page_size=1");
  ASSERT_EQ(first.deliveries_size(), 1);
  page.set_page_token(first.next_page_token());
  v1::ListWebhookDeliveriesResponse second =
      list(page, "?page_size=1&page_token=" + first.next_page_token());
  ASSERT_EQ(second.deliveries_size(), 1);
  EXPECT_NE(first.deliveries(0).event_id(), second.deliveries(0).event_id());
  (void)before;

  v1::ListWebhookDeliveriesRequest unknown;
  unknown.set_event("nope");
  v1::ListWebhookDeliveriesResponse response;
  EXPECT_EQ(surface_->Call(DeliveriesRpc("?event=nope"), admin_, unknown, &response).error.code(),
            "INVALID_ARGUMENT");
  v1::GetWebhookDeliveryRequest missing;
  missing.set_event_id("evt_missing");
  v1::WebhookDeliveryDetail missing_detail;
  EXPECT_EQ(
      surface_->Call(DeliveryRpc("evt_missing"), admin_, missing, &missing_detail).error.code(),
      "NOT_FOUND");
}

INSTANTIATE_TEST_SUITE_P(BothSurfaces, WebhookTest, ::testing::Values("grpc", "rest"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace wa::testing
