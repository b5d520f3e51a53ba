// What operators and their probes read: /healthz, /readyz and /metrics
// (Prometheus text), with calls from both surfaces counted.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/integration/server_process.h"

namespace wa::testing {
namespace {

TEST(OpsEndpoints, HealthReadinessAndMetrics) {
  ServerProcess server;
  server.Start();
  std::string admin = server.CreateToken("admin");
  httplib::Client http("127.0.0.1", server.http_port());

  auto health = http.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);

  auto ready = http.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  nlohmann::json readiness = nlohmann::json::parse(ready->body);
  // Ready or not, and nothing else: it needs no token.
  EXPECT_EQ(readiness, nlohmann::json::parse(R"({"ready": true, "status": "ready"})"));

  // One REST call that succeeds and one that is refused.
  httplib::Headers auth = {{"Authorization", "Bearer " + admin}};
  auto sent = http.Post("/api/v1/whatsapp/sandbox/inbound", auth,
                        R"({"guest_phone":"+15550006001","text":"Hi"})", "application/json");
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->status, 200);
  auto refused = http.Get("/api/v1/whatsapp/conversations/conv_nope", auth);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 404);

  auto metrics = http.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  const std::string& text = metrics->body;
  EXPECT_TRUE(absl::StrContains(
      text,
      R"(wa_requests_total{code="OK",method="/hotel.whatsapp.v1.SandboxService/SimulateInbound"} 1)"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      R"(wa_requests_total{code="NOT_FOUND",method="/hotel.whatsapp.v1.ConversationsService/GetConversation"} 1)"))
      << text;
  EXPECT_TRUE(absl::StrContains(text, "# TYPE wa_request_duration_seconds histogram"));
  EXPECT_TRUE(absl::StrContains(text, "# TYPE wa_sqlite_commit_duration_seconds histogram"));
  EXPECT_FALSE(absl::StrContains(text, "wa_sqlite_commit_duration_seconds_count 0\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, "# TYPE wa_queue_depth gauge"));
  EXPECT_TRUE(absl::StrContains(text, "# TYPE wa_webhook_events gauge"));
}

}  // namespace
}  // namespace wa::testing
