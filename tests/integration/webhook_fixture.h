#pragma once

// Shared by the webhook integration tests: one real wa-server for the
// program, a receiver and an admin of a property of their own per test.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/sandbox.pb.h"
#include "hotel/whatsapp/v1/webhooks.pb.h"
#include "nlohmann/json.hpp"
#include "tests/integration/server_process.h"
#include "tests/integration/surface.h"
#include "tests/integration/webhook_receiver.h"

namespace wa::testing {

namespace v1 = ::hotel::whatsapp::v1;

inline Rpc WebhookRpc(const std::string& method, const std::string& http_method,
                      const std::string& path, bool body = false) {
  return {absl::StrCat("/hotel.whatsapp.v1.WebhooksService/", method), http_method,
          absl::StrCat("/api/v1/whatsapp/webhooks", path), body};
}
inline Rpc ConfigureRpc() { return WebhookRpc("ConfigureWebhook", "POST", "/configure", true); }
inline Rpc GetConfigRpc() { return WebhookRpc("GetWebhookConfig", "GET", "/config"); }
inline Rpc RotateRpc() { return WebhookRpc("RotateWebhookSecret", "POST", "/rotate-secret", true); }
inline Rpc TestEventRpc() { return WebhookRpc("SendTestWebhook", "POST", "/test", true); }
inline Rpc DeliveryRpc(const std::string& id) {
  return WebhookRpc("GetWebhookDelivery", "GET", "/deliveries/" + id);
}
inline Rpc ReplayRpc(const std::string& id) {
  return WebhookRpc("ReplayWebhookDelivery", "POST", "/deliveries/" + id + "/replay", true);
}
inline Rpc ReplayDeadRpc() {
  return WebhookRpc("ReplayDeadLetters", "POST", "/deliveries/replay", true);
}
// `query` in REST form ("?status=failed&event=..."); gRPC reads the request.
inline Rpc DeliveriesRpc(const std::string& query = "") {
  return WebhookRpc("ListWebhookDeliveries", "GET", "/deliveries" + query);
}

class WebhookTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({"--webhook_timeout=1s", "--webhook_probe_max=1s"});
    server_->Start();
  }
  static void TearDownTestSuite() { delete server_; }

  void SetUp() override {
    surface_ = GetParam() == "grpc" ? MakeGrpcSurface(server_->grpc_address())
                                    : MakeRestSurface(server_->http_port());
    // A property per test: its own webhook, events and deliveries.
    property_ = absl::StrCat("hotel", ++properties_, "_", GetParam());
    admin_ = server_->CreateToken("admin", property_);
    receiver_.Start();
  }

  v1::ConfigureWebhookRequest Config(std::vector<std::string> events = {"inbound_message"},
                                     int max_retries = 3, int retry_delay_ms = 200) {
    v1::ConfigureWebhookRequest request;
    request.set_webhook_url(receiver_.url());
    for (const std::string& e : events) request.add_events(e);
    request.set_verify_token("your_verification_token");
    request.mutable_retry_config()->set_max_retries(max_retries);
    request.mutable_retry_config()->set_retry_delay(retry_delay_ms);
    return request;
  }

  // Configures and tells the receiver the secret; returns the answer.
  v1::ConfigureWebhookResponse Configure(const v1::ConfigureWebhookRequest& request) {
    v1::ConfigureWebhookResponse response;
    Outcome outcome = surface_->Call(ConfigureRpc(), admin_, request, &response);
    EXPECT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
    receiver_.Control({{"secrets", {response.signing_secret()}}});
    return response;
  }

  // A guest writes `text` in `conversation`: one inbound_message event.
  std::string GuestWrites(const std::string& phone, const std::string& text,
                          const std::string& conversation = "") {
    v1::SimulateInboundRequest request;
    request.set_guest_phone(phone);
    request.set_text(text);
    request.set_conversation_id(conversation);
    v1::SimulateInboundResponse response;
    Outcome outcome = surface_->Call({"/hotel.whatsapp.v1.SandboxService/SimulateInbound", "POST",
                                      "/api/v1/whatsapp/sandbox/inbound", true},
                                     admin_, request, &response);
    EXPECT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
    return response.message().message_id();
  }

  v1::WebhookDeliveryDetail Delivery(const std::string& event_id) {
    v1::GetWebhookDeliveryRequest request;
    request.set_event_id(event_id);
    v1::WebhookDeliveryDetail detail;
    Outcome outcome = surface_->Call(DeliveryRpc(event_id), admin_, request, &detail);
    EXPECT_TRUE(outcome.ok) << outcome.error.DebugString() << outcome.raw_body;
    return detail;
  }

  // Polls the event until it reaches `status`.
  v1::WebhookDeliveryDetail WaitForDelivery(const std::string& event_id, v1::DeliveryStatus status,
                                            absl::Duration timeout = absl::Seconds(15)) {
    absl::Time deadline = absl::Now() + timeout;
    v1::WebhookDeliveryDetail detail = Delivery(event_id);
    while (detail.delivery().status() != status && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(50));
      detail = Delivery(event_id);
    }
    return detail;
  }

  static inline ServerProcess* server_ = nullptr;
  static inline int properties_ = 0;
  std::unique_ptr<Surface> surface_;
  std::string property_;
  std::string admin_;
  WebhookReceiver receiver_;
};

// The records of `event` answered 2xx, in arrival order.
inline std::vector<nlohmann::json> Delivered(const nlohmann::json& received,
                                             const std::string& event = "") {
  std::vector<nlohmann::json> out;
  for (const nlohmann::json& r : received) {
    if (r["status"].get<int>() / 100 == 2 && (event.empty() || r["event"] == event)) {
      out.push_back(r);
    }
  }
  return out;
}

}  // namespace wa::testing
