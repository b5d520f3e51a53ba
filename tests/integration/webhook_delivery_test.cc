// Webhook delivery against a real receiver: retries with backoff, dead
// letters and replay, timeouts, an endpoint that goes away and comes
// back, order within a conversation, and a restart in the middle of a
// retry. Every delivery's signature is checked by the receiver (Python's
// hmac).
#include <map>

#include "hotel/whatsapp/v1/messages.pb.h"
#include "tests/integration/webhook_fixture.h"

namespace wa::testing {
namespace {

class WebhookDeliveryTest : public WebhookTest {
 protected:
  // The record of the first attempt at the inbound event of `message_id`.
  static std::string EventIdFor(const nlohmann::json& received, const std::string& message_id) {
    for (const nlohmann::json& r : received) {
      if (r["body"]["data"]["message_id"] == message_id) return r["event_id"];
    }
    return "";
  }

  static void ExpectAllSigned(const nlohmann::json& received) {
    for (const nlohmann::json& r : received) {
      EXPECT_EQ(r["verified_with"], nlohmann::json({0})) << r.dump();
    }
  }
};

TEST_P(WebhookDeliveryTest, FailsTwiceThenSucceedsWithEveryAttemptKept) {
  Configure(Config({"inbound_message"}, /*max_retries=*/3, /*retry_delay_ms=*/200));
  receiver_.Control({{"fail_next", 2}, {"fail_status", 500}});
  std::string message_id = GuestWrites("+15558000001", "Two towels, please", "conv_retry_1");
  nlohmann::json received =
      receiver_.WaitFor([](const nlohmann::json& r) { return Delivered(r).size() == 1; });
  ASSERT_EQ(received.size(), 3u);
  std::string event_id = EventIdFor(received, message_id);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(received[i]["event_id"], event_id);  // one event, retried
    EXPECT_EQ(received[i]["attempt"], i + 1);
  }
  ExpectAllSigned(received);
  // Backoff from retry_delay: the retries waited at least 200 and 400 ms.
  double first = received[0]["received_at"], second = received[1]["received_at"],
         third = received[2]["received_at"];
  EXPECT_GE(second - first, 0.2);
  EXPECT_GE(third - second, 0.4);

  // The reference's handler reads event.event and event.data.
  const nlohmann::json& body = received[2]["body"];
  EXPECT_EQ(body["event"], "inbound_message");
  EXPECT_EQ(body["event_id"], event_id);
  EXPECT_EQ(body["property_id"], property_);
  EXPECT_TRUE(body.contains("occurred_at"));
  EXPECT_EQ(body["data"]["guest_phone"], "+15558000001");
  EXPECT_EQ(body["data"]["message_content"], "Two towels, please");
  EXPECT_EQ(body["data"]["conversation_id"], "conv_retry_1");

  v1::WebhookDeliveryDetail detail = WaitForDelivery(event_id, v1::DELIVERY_STATUS_DELIVERED);
  EXPECT_EQ(detail.delivery().attempts(), 3);
  EXPECT_EQ(detail.delivery().last_http_status(), 200);
  EXPECT_EQ(detail.delivery().conversation_id(), "conv_retry_1");
  ASSERT_EQ(detail.attempts_size(), 3);
  EXPECT_EQ(detail.attempts(0).http_status(), 500);
  // The receiver is on loopback, not public: its answer's bytes ("OK") are
  // not read back through the delivery log.
  EXPECT_EQ(detail.attempts(0).error(), "HTTP 500");
  EXPECT_EQ(detail.attempts(2).http_status(), 200);
  EXPECT_TRUE(detail.attempts(2).error().empty());
}

TEST_P(WebhookDeliveryTest, DeadLettersAfterMaxRetriesAndReplays) {
  Configure(Config({"inbound_message"}, /*max_retries=*/2, /*retry_delay_ms=*/100));
  receiver_.Control({{"forever_status", 500}});
  absl::Time before = absl::Now();
  std::string message_id = GuestWrites("+15558000002", "Hello?");
  nlohmann::json received =
      receiver_.WaitFor([](const nlohmann::json& r) { return r.size() >= 3; });
  std::string event_id = EventIdFor(received, message_id);
  v1::WebhookDeliveryDetail detail = WaitForDelivery(event_id, v1::DELIVERY_STATUS_FAILED);
  EXPECT_EQ(detail.delivery().status(), v1::DELIVERY_STATUS_FAILED);
  EXPECT_EQ(detail.delivery().error_code(), "WEBHOOK_DELIVERY_FAILED");
  EXPECT_NE(detail.delivery().last_error().find("WEBHOOK_DELIVERY_FAILED"), std::string::npos);
  EXPECT_EQ(detail.delivery().last_http_status(), 500);
  EXPECT_EQ(detail.attempts_size(), 3);  // the first attempt and two retries
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(receiver_.Received().size(), 3u);  // and no more

  v1::ListWebhookDeliveriesRequest failed;
  failed.set_status(v1::DELIVERY_STATUS_FAILED);
  v1::ListWebhookDeliveriesResponse listed;
  ASSERT_TRUE(surface_->Call(DeliveriesRpc("?status=failed"), admin_, failed, &listed).ok);
  ASSERT_EQ(listed.deliveries_size(), 1);
  EXPECT_EQ(listed.deliveries(0).event_id(), event_id);

  // A pending event cannot be replayed; a dead one can, once the receiver works.
  receiver_.Control({{"forever_status", 0}});
  v1::ReplayDeadLettersRequest replay;
  replay.mutable_since()->set_seconds(absl::ToUnixSeconds(before) - 1);
  v1::ReplayDeadLettersResponse replayed;
  ASSERT_TRUE(surface_->Call(ReplayDeadRpc(), admin_, replay, &replayed).ok);
  EXPECT_EQ(replayed.replayed(), 1);
  received =
      receiver_.WaitFor([&](const nlohmann::json& r) { return DeliveredCount(r, event_id) == 1; });
  EXPECT_EQ(DeliveredCount(received, event_id), 1);
  detail = WaitForDelivery(event_id, v1::DELIVERY_STATUS_DELIVERED);
  EXPECT_EQ(detail.attempts_size(), 4);

  // Replaying one delivered event sends it again, same event_id.
  v1::ReplayWebhookDeliveryRequest one;
  one.set_event_id(event_id);
  v1::WebhookDelivery again;
  ASSERT_TRUE(surface_->Call(ReplayRpc(event_id), admin_, one, &again).ok);
  EXPECT_EQ(again.status(), v1::DELIVERY_STATUS_PENDING);
  received =
      receiver_.WaitFor([&](const nlohmann::json& r) { return DeliveredCount(r, event_id) == 2; });
  EXPECT_EQ(DeliveredCount(received, event_id), 2);
  ExpectAllSigned(received);
}

TEST_P(WebhookDeliveryTest, ATimedOutAttemptIsRetried) {
  // The server waits 1 s (--webhook_timeout); the receiver stalls 2 s once.
  Configure(Config({"inbound_message"}, /*max_retries=*/3, /*retry_delay_ms=*/200));
  receiver_.Control({{"delay_next", 1}, {"delay_seconds", 2.0}});
  std::string message_id = GuestWrites("+15558000003", "Slow endpoint");
  nlohmann::json received =
      receiver_.WaitFor([](const nlohmann::json& r) { return r.size() >= 2; });
  std::string event_id = EventIdFor(received, message_id);
  v1::WebhookDeliveryDetail detail = WaitForDelivery(event_id, v1::DELIVERY_STATUS_DELIVERED);
  ASSERT_EQ(detail.attempts_size(), 2);
  EXPECT_EQ(detail.attempts(0).http_status(), 0);
  EXPECT_NE(detail.attempts(0).error().find("imeout"), std::string::npos)
      << detail.attempts(0).error();
  EXPECT_GE(detail.attempts(0).latency_ms(), 900);
  EXPECT_EQ(detail.attempts(1).http_status(), 200);
}

TEST_P(WebhookDeliveryTest, AnEndpointThatGoesAwayGetsEveryEventOnceWhenItComesBack) {
  // One retry only: were the outage counted against it, events would be
  // dead-lettered within a second.
  Configure(Config({"inbound_message"}, /*max_retries=*/1, /*retry_delay_ms=*/100));
  receiver_.Stop();
  std::vector<std::string> messages;
  for (int i = 0; i < 12; ++i) {
    messages.push_back(GuestWrites(absl::StrCat("+1555800010", i % 3), absl::StrCat("m", i)));
  }
  absl::SleepFor(absl::Seconds(3));
  v1::WebhookConfig config;
  ASSERT_TRUE(surface_->Call(GetConfigRpc(), admin_, v1::GetWebhookConfigRequest(), &config).ok);
  EXPECT_TRUE(config.endpoint_down());
  EXPECT_TRUE(config.has_down_since());
  v1::ListWebhookDeliveriesRequest failed;
  failed.set_status(v1::DELIVERY_STATUS_FAILED);
  v1::ListWebhookDeliveriesResponse none;
  ASSERT_TRUE(surface_->Call(DeliveriesRpc("?status=failed"), admin_, failed, &none).ok);
  EXPECT_EQ(none.deliveries_size(), 0);

  receiver_.Start();
  nlohmann::json received =
      receiver_.WaitFor([](const nlohmann::json& r) { return Delivered(r).size() >= 12; });
  std::vector<nlohmann::json> delivered = Delivered(received);
  ASSERT_EQ(delivered.size(), 12u);
  std::map<std::string, int> per_message;
  for (const nlohmann::json& r : delivered) ++per_message[r["body"]["data"]["message_id"]];
  for (const std::string& id : messages) EXPECT_EQ(per_message[id], 1) << id;
  ExpectAllSigned(received);
  ASSERT_TRUE(surface_->Call(GetConfigRpc(), admin_, v1::GetWebhookConfigRequest(), &config).ok);
  EXPECT_FALSE(config.endpoint_down());
}

TEST_P(WebhookDeliveryTest, EventsOfAConversationArriveInOrderDespiteRetries) {
  Configure(Config({"inbound_message"}, /*max_retries=*/5, /*retry_delay_ms=*/100));
  receiver_.Control({{"fail_next", 4}});
  for (int i = 0; i < 10; ++i) {
    GuestWrites("+15558000201", absl::StrCat("a", i), "conv_order_a");
    GuestWrites("+15558000202", absl::StrCat("b", i), "conv_order_b");
  }
  nlohmann::json received =
      receiver_.WaitFor([](const nlohmann::json& r) { return Delivered(r).size() >= 20; });
  std::map<std::string, std::vector<std::string>> order;
  for (const nlohmann::json& r : Delivered(received)) {
    order[r["body"]["data"]["conversation_id"]].push_back(r["body"]["data"]["message_content"]);
  }
  std::vector<std::string> a, b;
  for (int i = 0; i < 10; ++i) {
    a.push_back(absl::StrCat("a", i));
    b.push_back(absl::StrCat("b", i));
  }
  EXPECT_EQ(order["conv_order_a"], a);
  EXPECT_EQ(order["conv_order_b"], b);
  EXPECT_GT(received.size(), 20u);  // the failures happened
}

TEST_P(WebhookDeliveryTest, ASendTheProviderRefusesIsReportedAsFailed) {
  // The sandbox refuses +15005550001 (Meta's 131026): the send queue fails
  // the message, and the event is written with that change.
  Configure(Config({"message_failed"}));
  GuestWrites("+15005550001", "Hi");  // opens the window
  v1::SendMessageRequest send;
  send.set_guest_phone("+15005550001");
  send.set_message_type(v1::MESSAGE_TYPE_TEXT);
  send.mutable_content()->set_text("This will not arrive");
  v1::SendMessageResponse sent;
  ASSERT_TRUE(surface_
                  ->Call({"/hotel.whatsapp.v1.MessagesService/SendMessage", "POST",
                          "/api/v1/whatsapp/messages/send", true},
                         admin_, send, &sent)
                  .ok);
  nlohmann::json received =
      receiver_.WaitFor([](const nlohmann::json& r) { return Delivered(r).size() == 1; });
  std::vector<nlohmann::json> failed = Delivered(received, "message_failed");
  ASSERT_EQ(failed.size(), 1u);
  const nlohmann::json& data = failed[0]["body"]["data"];
  EXPECT_EQ(data["message_id"], sent.message_id());
  EXPECT_EQ(data["status"], "failed");
  EXPECT_EQ(data["failure_code"], 131026);
  EXPECT_FALSE(data["failure_reason"].get<std::string>().empty());
}

TEST_P(WebhookDeliveryTest, TheSandboxRefusesMediaItCannotFind) {
  Configure(Config({"media_received"}));
  v1::SimulateInboundRequest request;
  request.set_guest_phone("+15558000401");
  request.set_media_type(v1::MEDIA_TYPE_IMAGE);
  request.set_media_id("med_missing");
  v1::SimulateInboundResponse response;
  Rpc inbound{"/hotel.whatsapp.v1.SandboxService/SimulateInbound", "POST",
              "/api/v1/whatsapp/sandbox/inbound", true};
  Outcome missing = surface_->Call(inbound, admin_, request, &response);
  EXPECT_FALSE(missing.ok);
  EXPECT_EQ(missing.grpc_code, grpc::NOT_FOUND) << missing.raw_body;
  request.set_media_id("");
  Outcome no_id = surface_->Call(inbound, admin_, request, &response);
  EXPECT_EQ(no_id.error.code(), "INVALID_ARGUMENT");
  EXPECT_EQ(no_id.error.details().fields().at("field").string_value(), "media_id");
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_TRUE(receiver_.Received().empty());  // no message, no event
}

INSTANTIATE_TEST_SUITE_P(Rest, WebhookDeliveryTest, ::testing::Values("rest"),
                         [](const auto& info) { return info.param; });

// A crash between attempts: the retry schedule is in the database.
TEST(WebhookRestartTest, ARetryScheduledBeforeACrashHappensAfterTheRestart) {
  ServerProcess server;
  server.Start();
  std::string admin = server.CreateToken("admin");
  WebhookReceiver receiver;
  receiver.Start();
  std::unique_ptr<Surface> surface = MakeRestSurface(server.http_port());
  v1::ConfigureWebhookRequest request;
  request.set_webhook_url(receiver.url());
  request.add_events("inbound_message");
  request.set_verify_token("your_verification_token");
  request.mutable_retry_config()->set_max_retries(3);
  request.mutable_retry_config()->set_retry_delay(2000);
  v1::ConfigureWebhookResponse configured;
  ASSERT_TRUE(surface->Call(ConfigureRpc(), admin, request, &configured).ok);
  receiver.Control({{"secrets", {configured.signing_secret()}}, {"fail_next", 1}});

  v1::SimulateInboundRequest inbound;
  inbound.set_guest_phone("+15558000301");
  inbound.set_text("Before the crash");
  v1::SimulateInboundResponse written;
  ASSERT_TRUE(surface
                  ->Call({"/hotel.whatsapp.v1.SandboxService/SimulateInbound", "POST",
                          "/api/v1/whatsapp/sandbox/inbound", true},
                         admin, inbound, &written)
                  .ok);
  nlohmann::json received = receiver.WaitFor([](const nlohmann::json& r) { return !r.empty(); });
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0]["status"], 500);
  std::string event_id = received[0]["event_id"];
  // Killed only once the failed attempt is recorded (else it is an attempt
  // in flight, held for --webhook_timeout + 30 s).
  v1::WebhookDeliveryDetail detail;
  for (int i = 0; i < 100 && detail.attempts_size() == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(20));
    detail.Clear();
    v1::GetWebhookDeliveryRequest get;
    get.set_event_id(event_id);
    surface->Call(DeliveryRpc(event_id), admin, get, &detail);
  }
  ASSERT_EQ(detail.attempts_size(), 1);
  EXPECT_EQ(detail.delivery().status(), v1::DELIVERY_STATUS_PENDING);

  server.Kill();  // mid-retry: the second attempt is due 2 s after the first
  server.Start();
  received =
      receiver.WaitFor([&](const nlohmann::json& r) { return DeliveredCount(r, event_id) >= 1; });
  EXPECT_EQ(DeliveredCount(received, event_id), 1);
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(receiver.Received().size(), 2u);  // one failure, one delivery
  EXPECT_EQ(receiver.Received()[1]["attempt"], 2);
  EXPECT_EQ(receiver.Received()[1]["verified_with"], nlohmann::json({0}));
}

}  // namespace
}  // namespace wa::testing
