// Guests WhatsApp names by a business-scoped user id (BSUID) and a username
// (2026): wa-server with --provider=cloud against the fake Graph API, every
// callback through the signed callback route, on both stores.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/conversations.pb.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "hotel/whatsapp/v1/webhooks.pb.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/fakes/fake_graph_api.h"
#include "tests/integration/server_process.h"
#include "tests/integration/surface.h"
#include "tests/integration/wait.h"
#include "tests/integration/webhook_receiver.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using Json = nlohmann::json;

constexpr char kAppSecret[] = "test-app-secret";
constexpr char kWebhookPath[] = "/api/v1/whatsapp/provider/webhook";
constexpr char kBsuid[] = "US.13491208655302741918";
constexpr char kWaId[] = "447700900123";

class GuestIdsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http_port_ = FreeLoopbackPort();
    fakes::FakeGraphApiOptions options;
    options.webhook_url = absl::StrCat("http://127.0.0.1:", http_port_, kWebhookPath);
    options.app_secret = kAppSecret;
    fake_ = std::make_unique<fakes::FakeGraphApi>(options);
    ASSERT_TRUE(fake_->Start());
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"--provider=cloud", "--cloud_api_base_url=" + fake_->base_url(),
                                 "--phone_number_id=" + options.phone_number_id,
                                 "--webhook_allow_loopback=true",
                                 absl::StrCat("--http_listen=127.0.0.1:", http_port_)},
        ServerProcess::Env{{"WA_CLOUD_ACCESS_TOKEN", "fake-graph-access-token"},
                           {"WA_META_APP_SECRET", kAppSecret},
                           {"WA_META_VERIFY_TOKEN", "verify"}});
    server_->Start();
    staff_ = server_->CreateToken("staff");
    grpc_ = MakeGrpcSurface(server_->grpc_address());
  }

  void Writes(const fakes::InboundGuest& guest, const std::string& text) {
    std::string wamid = absl::StrCat("wamid.IN", ++inbound_);
    ASSERT_EQ(fake_->PostNotification(fake_->InboundGuestNotification(guest, text, wamid)), 200);
  }

  v1::ListConversationsResponse Conversations(const std::string& phone,
                                              const std::string& user_id) {
    v1::ListConversationsRequest request;
    request.set_guest_phone(phone);
    request.set_guest_user_id(user_id);
    v1::ListConversationsResponse response;
    Rpc rpc{"/hotel.whatsapp.v1.ConversationsService/ListConversations", "GET", ""};
    grpc_->Call(rpc, staff_, request, &response);
    return response;
  }

  // The conversation's message count once it has `messages`.
  bool HasMessages(const std::string& phone, const std::string& user_id, int messages) {
    return WaitUntil([&] {
      v1::ListConversationsResponse r = Conversations(phone, user_id);
      return r.conversations_size() == 1 && r.conversations(0).message_count() == messages;
    });
  }

  Outcome Send(const std::string& phone, const std::string& user_id,
               v1::SendMessageResponse* response) {
    v1::SendMessageRequest request;
    request.set_guest_phone(phone);
    request.set_guest_user_id(user_id);
    request.mutable_content()->set_text("Your room is ready");
    Rpc rpc{"/hotel.whatsapp.v1.MessagesService/SendMessage", "POST", ""};
    return grpc_->Call(rpc, staff_, request, response);
  }

  v1::MessageStatusResponse Status(const std::string& id) {
    v1::GetMessageStatusRequest request;
    request.set_message_id(id);
    v1::MessageStatusResponse response;
    Rpc rpc{"/hotel.whatsapp.v1.MessagesService/GetMessageStatus", "GET", ""};
    grpc_->Call(rpc, staff_, request, &response);
    return response;
  }

  // A signed `messages` change for the fake's first number, with `members`
  // beside its metadata.
  std::string MessagesChange(const Json& members) {
    fakes::FakeNumber n = fake_->Numbers().front();
    Json value = {{"messaging_product", "whatsapp"},
                  {"metadata",
                   {{"display_phone_number", n.display_phone_number},
                    {"phone_number_id", n.phone_number_id}}}};
    value.update(members);
    Json doc = {
        {"object", "whatsapp_business_account"},
        {"entry",
         Json::array({{{"id", n.waba_id},
                       {"changes", Json::array({{{"field", "messages"}, {"value", value}}})}}})}};
    return doc.dump();
  }

  int http_port_ = 0;
  int inbound_ = 0;
  std::unique_ptr<fakes::FakeGraphApi> fake_;
  std::unique_ptr<ServerProcess> server_;
  std::string staff_;
  std::unique_ptr<Surface> grpc_;
};

TEST_F(GuestIdsTest, GuestWithOnlyAUsernameIsInTheInboxAndAnsweredByRecipient) {
  WebhookReceiver receiver;
  receiver.Start();
  v1::ConfigureWebhookRequest configure;
  configure.set_webhook_url(receiver.url());
  configure.add_events("inbound_message");
  configure.add_events("message_read");
  configure.set_verify_token("verify");
  v1::ConfigureWebhookResponse configured;
  Outcome hooked =
      grpc_->Call({"/hotel.whatsapp.v1.WebhooksService/ConfigureWebhook", "POST", "", true},
                  server_->CreateToken("admin"), configure, &configured);
  ASSERT_TRUE(hooked.ok) << hooked.error.DebugString();
  receiver.Control({{"secrets", {configured.signing_secret()}}});

  Writes({"", kBsuid, "US.ENT.11815799212886844830", "maria.travels", "Maria"}, "Hello");
  ASSERT_TRUE(HasMessages("", kBsuid, 1));
  const v1::Conversation c = Conversations("", kBsuid).conversations(0);
  EXPECT_EQ(c.guest_phone(), "") << "an unknown phone is empty, never the key";
  EXPECT_EQ(c.guest_user_id(), kBsuid);
  EXPECT_EQ(c.guest_username(), "maria.travels");

  v1::SendMessageResponse sent;
  Outcome outcome = Send("", kBsuid, &sent);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString();
  ASSERT_TRUE(WaitUntil([&] { return fake_->AcceptedRequests().size() == 1; }));
  std::vector<fakes::RecordedMessage> accepted = fake_->AcceptedRequests();
  ASSERT_EQ(accepted.size(), 1u);
  const Json body = accepted[0].body;
  EXPECT_EQ(body["recipient"], kBsuid);
  EXPECT_FALSE(body.contains("to"));
  // Statuses come back with recipient_user_id and no recipient_id.
  ASSERT_TRUE(
      WaitUntil([&] { return Status(sent.message_id()).status() == v1::MESSAGE_STATUS_READ; }));
  v1::MessageStatusResponse status = Status(sent.message_id());
  EXPECT_EQ(status.guest_phone(), "");
  EXPECT_EQ(status.guest_user_id(), kBsuid);

  // The hotel's webhook names her the same way: no invented phone.
  Json received = receiver.WaitFor([](const Json& r) { return r.size() >= 2; });
  ASSERT_GE(received.size(), 2u) << received.dump();
  for (const Json& r : received) {
    const Json& data = r["body"]["data"];
    EXPECT_EQ(data["guest_phone"], "") << r.dump();
    EXPECT_EQ(data["guest_user_id"], kBsuid) << r.dump();
    EXPECT_EQ(data["guest_username"], "maria.travels") << r.dump();
  }
}

TEST_F(GuestIdsTest, FailedStatusWithoutContactsForASendByBsuid) {
  Writes({"", kBsuid, "", "maria.travels", "Maria"}, "Hello");
  ASSERT_TRUE(HasMessages("", kBsuid, 1));
  fake_->EnqueueFor(kBsuid, {fakes::Behavior::AcceptThenFail(131026, "Message undeliverable")});
  v1::SendMessageResponse sent;
  ASSERT_TRUE(Send("", kBsuid, &sent).ok);
  ASSERT_TRUE(
      WaitUntil([&] { return Status(sent.message_id()).status() == v1::MESSAGE_STATUS_FAILED; }));
  EXPECT_EQ(Status(sent.message_id()).failure_code(), 131026);
}

TEST_F(GuestIdsTest, GuestFirstByBsuidThenRevealedWithAPhoneHasOneHistory) {
  Writes({"", kBsuid, "", "maria.travels", "Maria"}, "Hello");
  ASSERT_TRUE(HasMessages("", kBsuid, 1));
  Writes({kWaId, kBsuid, "", "maria.travels", "Maria"}, "Is breakfast included?");
  ASSERT_TRUE(HasMessages(absl::StrCat("+", kWaId), "", 2));
  v1::ListConversationsResponse by_id = Conversations("", kBsuid);
  v1::ListConversationsResponse by_phone = Conversations(absl::StrCat("+", kWaId), "");
  ASSERT_EQ(by_id.conversations_size(), 1);
  EXPECT_EQ(by_id.conversations(0).conversation_id(), by_phone.conversations(0).conversation_id());
  EXPECT_EQ(by_id.conversations(0).guest_phone(), absl::StrCat("+", kWaId));
  EXPECT_EQ(by_id.conversations(0).guest_user_id(), kBsuid);

  // Both phone-only callbacks and sends by phone keep to the same guest.
  ASSERT_EQ(fake_->PostNotification(fake_->InboundTextNotification(kWaId, "Maria", "Thanks")), 200);
  ASSERT_TRUE(HasMessages("", kBsuid, 3));
}

TEST_F(GuestIdsTest, StopFromABsuidOnlyGuestBlocksSendsByEitherId) {
  Writes({"", kBsuid, "", "maria.travels", "Maria"}, "STOP");
  ASSERT_TRUE(HasMessages("", kBsuid, 1));
  v1::SendMessageResponse sent;
  Outcome by_id = Send("", kBsuid, &sent);
  EXPECT_FALSE(by_id.ok);
  EXPECT_EQ(by_id.error.code(), "GUEST_OPTED_OUT");
  // Meta later shows the phone too: the opt-out is the guest's, by any id.
  Writes({kWaId, kBsuid, "", "maria.travels", "Maria"}, "Just checking");
  ASSERT_TRUE(HasMessages("", kBsuid, 2));
  Outcome by_phone = Send(absl::StrCat("+", kWaId), "", &sent);
  EXPECT_FALSE(by_phone.ok);
  EXPECT_EQ(by_phone.error.code(), "GUEST_OPTED_OUT");
  EXPECT_EQ(fake_->AcceptedRequests().size(), 0u);
}

TEST_F(GuestIdsTest, ANewBsuidAfterAPhoneChangeKeepsTheHistory) {
  const std::string next = "US.99887766554433221100";
  Writes({"", kBsuid, "", "maria.travels", "Maria"}, "Hello");
  ASSERT_TRUE(HasMessages("", kBsuid, 1));
  ASSERT_EQ(fake_->PostNotification(fake_->UserIdUpdate("", kBsuid, next)), 200);
  Writes({"", next, "", "maria.travels", "Maria"}, "New phone, same me");
  ASSERT_TRUE(HasMessages("", next, 2));
  v1::SendMessageResponse sent;
  ASSERT_TRUE(Send("", next, &sent).ok);
  ASSERT_TRUE(WaitUntil([&] { return fake_->AcceptedRequests().size() == 1; }));
  std::vector<fakes::RecordedMessage> accepted = fake_->AcceptedRequests();
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(accepted[0].body["recipient"], next);
}

TEST_F(GuestIdsTest, AGuestWhoChangesNumberKeepsTheirHistory) {
  const std::string next = "447700900999";
  ASSERT_EQ(fake_->PostNotification(fake_->InboundTextNotification(kWaId, "Maria", "Hello")), 200);
  ASSERT_TRUE(HasMessages(absl::StrCat("+", kWaId), "", 1));
  // Meta's system message: it has no contacts[] and names the new number.
  Json system = {{"from", kWaId},
                 {"id", "wamid.SYSTEM1"},
                 {"timestamp", "1767254580"},
                 {"type", "system"},
                 {"system",
                  {{"body", absl::StrCat("User Maria changed from ", kWaId, " to ", next)},
                   {"wa_id", next},
                   {"type", "user_changed_number"}}}};
  ASSERT_EQ(fake_->PostNotification(MessagesChange({{"messages", Json::array({system})}})), 200);
  ASSERT_TRUE(HasMessages(absl::StrCat("+", next), "", 2));
  ASSERT_EQ(fake_->PostNotification(fake_->InboundTextNotification(next, "Maria", "It's me")), 200);
  ASSERT_TRUE(HasMessages(absl::StrCat("+", next), "", 3));
  EXPECT_EQ(Conversations(absl::StrCat("+", kWaId), "").conversations_size(), 0)
      << "the old number is no longer this guest's";
  v1::SendMessageResponse sent;
  ASSERT_TRUE(Send(absl::StrCat("+", next), "", &sent).ok) << "the window moved with her";
}

TEST_F(GuestIdsTest, AStatusThatNamesBothIdsLinksTheGuest) {
  ASSERT_EQ(fake_->PostNotification(fake_->InboundTextNotification(kWaId, "Maria", "Hello")), 200);
  ASSERT_TRUE(HasMessages(absl::StrCat("+", kWaId), "", 1));
  v1::SendMessageResponse sent;
  ASSERT_TRUE(Send(absl::StrCat("+", kWaId), "", &sent).ok);
  ASSERT_TRUE(WaitUntil([&] { return !Status(sent.message_id()).whatsapp_message_id().empty(); }));
  Json read = {{"id", Status(sent.message_id()).whatsapp_message_id()},
               {"status", "read"},
               {"timestamp", "1767254700"},
               {"recipient_id", kWaId}};
  Json contact = {{"wa_id", kWaId},
                  {"user_id", kBsuid},
                  {"profile", {{"name", "Maria"}, {"username", "maria.travels"}}}};
  ASSERT_EQ(fake_->PostNotification(MessagesChange(
                {{"contacts", Json::array({contact})}, {"statuses", Json::array({read})}})),
            200);
  ASSERT_TRUE(WaitUntil([&] { return Conversations("", kBsuid).conversations_size() == 1; }));
  v1::Conversation c = Conversations("", kBsuid).conversations(0);
  EXPECT_EQ(c.guest_phone(), absl::StrCat("+", kWaId));
  EXPECT_EQ(c.guest_username(), "maria.travels");
  EXPECT_EQ(Status(sent.message_id()).guest_user_id(), kBsuid);
}

TEST_F(GuestIdsTest, AMalformedBsuidGetsItsOwn400AndChangesNothing) {
  httplib::Client http("127.0.0.1", http_port_);
  httplib::Headers auth{{"Authorization", "Bearer " + staff_}};
  for (const char* bad : {"13491208655302741918", "us.1349", "US.", "US.12-34"}) {
    Json body = {{"guest_user_id", bad}, {"content", {{"text", "Hi"}}}};
    httplib::Result r =
        http.Post("/api/v1/whatsapp/messages/send", auth, body.dump(), "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_TRUE(absl::StrContains(r->body, "INVALID_GUEST_USER_ID")) << r->body;
    EXPECT_TRUE(absl::StrContains(r->body, "US.13491208655302741918")) << "names the format";
  }
  Json both = {
      {"guest_phone", "+447700900123"}, {"guest_user_id", kBsuid}, {"content", {{"text", "Hi"}}}};
  httplib::Result r =
      http.Post("/api/v1/whatsapp/messages/send", auth, both.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(Conversations("", kBsuid).conversations_size(), 0);
  EXPECT_EQ(fake_->AcceptedRequests().size(), 0u);
}

TEST_F(GuestIdsTest, WhatCannotBeAttributedOrIsUnknownIsKeptAndListed) {
  fakes::FakeNumber n = fake_->Numbers().front();
  Json metadata = {{"display_phone_number", n.display_phone_number},
                   {"phone_number_id", n.phone_number_id}};
  Json no_sender = {{"id", "wamid.NOSENDER"},
                    {"timestamp", "1767254580"},
                    {"type", "text"},
                    {"text", {{"body", "who am I?"}}}};
  Json doc = {
      {"object", "whatsapp_business_account"},
      {"entry",
       Json::array({{{"id", n.waba_id},
                     {"changes", Json::array({{{"field", "messages"},
                                               {"value",
                                                {{"messaging_product", "whatsapp"},
                                                 {"metadata", metadata},
                                                 {"messages", Json::array({no_sender})}}}},
                                              {{"field", "account_alerts"},
                                               {"value", {{"entity_type", "WABA"}}}}})}}})}};
  ASSERT_EQ(fake_->PostNotification(doc.dump()), 200);
  ASSERT_TRUE(WaitUntil([&] {
    std::string listed = server_->Operator("properties unrouted");
    return absl::StrContains(listed, "unparsed:messages") &&
           absl::StrContains(listed, "unparsed:account_alerts");
  })) << server_->Operator("properties unrouted");
  httplib::Client http("127.0.0.1", http_port_);
  httplib::Result metrics = http.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_TRUE(
      absl::StrContains(metrics->body, "wa_meta_callbacks_unrouted{route=\"unparsed:messages\"} 1"))
      << metrics->body;
}

// The sandbox makes username guests without Meta.
TEST(GuestIdsSandboxTest, SandboxInboundTakesAGuestUserIdAndUsername) {
  ServerProcess server;
  server.Start();
  std::string admin = server.CreateToken("admin");
  httplib::Client http("127.0.0.1", server.http_port());
  httplib::Headers auth{{"Authorization", "Bearer " + admin}};
  Json in = {{"guest_user_id", kBsuid}, {"guest_username", "maria.travels"}, {"text", "Hi"}};
  httplib::Result r =
      http.Post("/api/v1/whatsapp/sandbox/inbound", auth, in.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  httplib::Result list =
      http.Get(absl::StrCat("/api/v1/whatsapp/conversations?guest_user_id=", kBsuid), auth);
  ASSERT_TRUE(list);
  Json page = Json::parse(list->body);
  ASSERT_EQ(page["conversations"].size(), 1u) << list->body;
  EXPECT_EQ(page["conversations"][0]["guest_phone"], "");
  EXPECT_EQ(page["conversations"][0]["guest_user_id"], kBsuid);
  EXPECT_EQ(page["conversations"][0]["guest_username"], "maria.travels");
  // Consent by BSUID in the path.
  httplib::Result consent =
      http.Get(absl::StrCat("/api/v1/whatsapp/guests/", kBsuid, "/consent"), auth);
  ASSERT_TRUE(consent);
  EXPECT_EQ(consent->status, 200) << consent->body;
  EXPECT_EQ(Json::parse(consent->body)["guest_user_id"], kBsuid);
}

}  // namespace
}  // namespace wa::testing
