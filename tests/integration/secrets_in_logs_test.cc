// Tokens and secrets never reach the server's log: a run through token
// creation, sends on both surfaces, webhook configuration and rotation,
// Meta's handshake and a badly signed callback, and calls with wrong and
// revoked tokens, with the server's stderr captured and searched.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/admin.grpc.pb.h"
#include "hotel/whatsapp/v1/messages.grpc.pb.h"
#include "hotel/whatsapp/v1/sandbox.grpc.pb.h"
#include "hotel/whatsapp/v1/webhooks.grpc.pb.h"
#include "httplib.h"
#include "tests/integration/server_process.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

constexpr char kAppSecret[] = "app-secret-6f1d9a2b7c";
constexpr char kMetaVerifyToken[] = "meta-verify-0c55e1d4";
constexpr char kWebhookVerifyToken[] = "hotel-verify-93ab27f0";

template <typename Call>
grpc::Status WithToken(const std::string& token, Call call) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + token);
  return call(&context);
}

TEST(SecretsInLogsTest, NoTokenOrSecretIsEverLogged) {
  ServerProcess server(
      {"--webhook_timeout=1s", "--webhook_probe_max=1s"},
      {{"WA_META_APP_SECRET", kAppSecret}, {"WA_META_VERIFY_TOKEN", kMetaVerifyToken}});
  server.CaptureStderr();
  server.Start();
  std::vector<std::string> secrets = {kAppSecret, kMetaVerifyToken, kWebhookVerifyToken};
  const std::string admin = server.CreateToken("admin");
  secrets.push_back(admin);

  auto channel = grpc::CreateChannel(server.grpc_address(), grpc::InsecureChannelCredentials());
  v1::AdminService::Stub admin_stub(channel);
  v1::CreateTokenRequest create;
  create.set_name("front desk");
  create.set_role(v1::ROLE_STAFF);
  v1::CreateTokenResponse staff;
  ASSERT_TRUE(WithToken(admin, [&](grpc::ClientContext* c) {
                return admin_stub.CreateToken(c, create, &staff);
              }).ok());
  secrets.push_back(staff.token());
  create.set_name("soon revoked");
  v1::CreateTokenResponse revoked;
  ASSERT_TRUE(WithToken(admin, [&](grpc::ClientContext* c) {
                return admin_stub.CreateToken(c, create, &revoked);
              }).ok());
  secrets.push_back(revoked.token());
  v1::RevokeTokenRequest revoke;
  revoke.set_token_id(revoked.token_info().token_id());
  v1::TokenInfo revoked_info;
  ASSERT_TRUE(WithToken(admin, [&](grpc::ClientContext* c) {
                return admin_stub.RevokeToken(c, revoke, &revoked_info);
              }).ok());

  // A guest writes; staff answer over gRPC and REST; a revoked token is refused.
  v1::SandboxService::Stub sandbox(channel);
  v1::SimulateInboundRequest inbound;
  inbound.set_guest_phone("+14155550400");
  inbound.set_text("Hi");
  v1::SimulateInboundResponse inbound_answer;
  ASSERT_TRUE(WithToken(admin, [&](grpc::ClientContext* c) {
                return sandbox.SimulateInbound(c, inbound, &inbound_answer);
              }).ok());
  v1::MessagesService::Stub messages(channel);
  v1::SendMessageRequest send;
  send.set_guest_phone("+14155550400");
  send.set_message_type(v1::MESSAGE_TYPE_TEXT);
  send.mutable_content()->set_text("Welcome!");
  v1::SendMessageResponse sent;
  ASSERT_TRUE(WithToken(staff.token(), [&](grpc::ClientContext* c) {
                return messages.SendMessage(c, send, &sent);
              }).ok());
  EXPECT_EQ(WithToken(revoked.token(),
                      [&](grpc::ClientContext* c) { return messages.SendMessage(c, send, &sent); })
                .error_code(),
            grpc::UNAUTHENTICATED);
  httplib::Client rest("127.0.0.1", server.http_port());
  const std::string body =
      R"({"guest_phone": "+14155550400", "message_type": "text", "content": {"text": "Hi again"}})";
  auto rest_sent =
      rest.Post("/api/v1/whatsapp/messages/send", {{"Authorization", "Bearer " + staff.token()}},
                body, "application/json");
  ASSERT_TRUE(rest_sent);
  EXPECT_EQ(rest_sent->status, 200) << rest_sent->body;
  auto guessed =
      rest.Post("/api/v1/whatsapp/messages/send",
                {{"Authorization", "Bearer wat_guessed-token-0d1e"}}, body, "application/json");
  ASSERT_TRUE(guessed);
  EXPECT_EQ(guessed->status, 401);
  secrets.push_back("wat_guessed-token-0d1e");

  // The hotel's webhook, at an address where nothing listens (its
  // deliveries fail and retry), configured and rotated.
  v1::WebhooksService::Stub webhooks(channel);
  v1::ConfigureWebhookRequest configure;
  configure.set_webhook_url(absl::StrCat("http://127.0.0.1:", FreeLoopbackPort(), "/hook"));
  configure.add_events("inbound_message");
  configure.add_events("message_sent");
  configure.set_verify_token(kWebhookVerifyToken);
  configure.mutable_retry_config()->set_max_retries(1);
  configure.mutable_retry_config()->set_retry_delay(100);
  v1::ConfigureWebhookResponse configured;
  ASSERT_TRUE(WithToken(admin, [&](grpc::ClientContext* c) {
                return webhooks.ConfigureWebhook(c, configure, &configured);
              }).ok());
  secrets.push_back(configured.signing_secret());
  v1::RotateWebhookSecretRequest rotate;
  v1::RotateWebhookSecretResponse rotated;
  ASSERT_TRUE(WithToken(admin, [&](grpc::ClientContext* c) {
                return webhooks.RotateWebhookSecret(c, rotate, &rotated);
              }).ok());
  secrets.push_back(rotated.signing_secret());
  ASSERT_TRUE(WithToken(admin, [&](grpc::ClientContext* c) {
                return sandbox.SimulateInbound(c, inbound, &inbound_answer);
              }).ok());

  // Meta's handshake, right and wrong, and callbacks with bad signatures.
  auto handshake = rest.Get(absl::StrCat(
      "/api/v1/whatsapp/provider/webhook?hub.mode=subscribe&hub.challenge=42&hub.verify_token=",
      kMetaVerifyToken));
  ASSERT_TRUE(handshake);
  EXPECT_EQ(handshake->status, 200);
  auto wrong_handshake = rest.Get(
      "/api/v1/whatsapp/provider/webhook?hub.mode=subscribe&hub.challenge=42&hub.verify_token="
      "meta-verify-0c55e1d5");
  ASSERT_TRUE(wrong_handshake);
  EXPECT_EQ(wrong_handshake->status, 403);
  const std::string callback = R"({"object": "whatsapp_business_account", "entry": []})";
  for (const std::string& signature :
       {std::string("sha256=") + std::string(64, '0'), std::string("sha1=abc"), std::string()}) {
    auto bad = rest.Post("/api/v1/whatsapp/provider/webhook", {{"X-Hub-Signature-256", signature}},
                         callback, "application/json");
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 401) << signature;
  }
  // Let the webhook deliveries fail a few times, then stop the server.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  server.Stop();

  std::string logged = server.Stderr();
  EXPECT_NE(logged.find("wa-server started"), std::string::npos) << "stderr was not captured";
  for (const std::string& secret : secrets) {
    ASSERT_GE(secret.size(), 16u);
    EXPECT_EQ(logged.find(secret), std::string::npos) << "logged: " << secret;
    // Nor a recognisable part of one.
    EXPECT_EQ(logged.find(secret.substr(secret.size() - 12)), std::string::npos)
        << "logged the end of " << secret;
  }
}

}  // namespace
}  // namespace wa::testing
