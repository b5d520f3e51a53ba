// A chain on one server: two properties (and a third that joins later),
// each on its own WhatsApp number and business account, against the fake
// Graph API serving all three numbers with their own tokens. Sends go from
// the property's number, Meta's callbacks come back to the property that
// owns the number they name, and nothing of one property reaches another.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/admin.pb.h"
#include "hotel/whatsapp/v1/conversations.pb.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "hotel/whatsapp/v1/properties.pb.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "hotel/whatsapp/v1/webhooks.pb.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/common/media_samples.h"
#include "tests/fakes/fake_graph_api.h"
#include "tests/integration/media_transfer.h"
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

// The first number is the one the flags name: the `default` property's.
const fakes::FakeNumber kDefault{"109876543210987", "15550100200", "210987654321098",
                                 "fake-graph-access-token"};
const fakes::FakeNumber kParis{"109876543210999", "15550100299", "210987654321099",
                               "paris-graph-token"};
// Paris's second number (its spa), in Paris's business account.
const fakes::FakeNumber kParisSpa{"109876543210998", "15550100298", "210987654321099",
                                  "paris-graph-token"};
const fakes::FakeNumber kLyon{"109876543210777", "15550100277", "210987654321077",
                              "lyon-graph-token"};

std::string AddNumberArgs(const std::string& property, const fakes::FakeNumber& n,
                          const std::string& token_env) {
  return absl::StrCat("properties add-number ", property, " --phone_number_id=", n.phone_number_id,
                      " --waba_id=", n.waba_id, " --display_phone_number=+", n.display_phone_number,
                      " --access_token_env=", token_env);
}

class ChainTest : public ::testing::Test {
 protected:
  void StartChain(std::vector<std::string> flags = {}) {
    int http_port = FreeLoopbackPort();
    fakes::FakeGraphApiOptions options;
    options.webhook_url = absl::StrCat("http://127.0.0.1:", http_port, kWebhookPath);
    options.app_secret = kAppSecret;
    options.more_numbers = {kParis, kParisSpa, kLyon};
    fake_ = std::make_unique<fakes::FakeGraphApi>(options);
    ASSERT_TRUE(fake_->Start());
    flags.insert(flags.end(), {"--provider=cloud", "--cloud_api_base_url=" + fake_->base_url(),
                               "--phone_number_id=" + kDefault.phone_number_id,
                               "--waba_id=" + kDefault.waba_id, "--webhook_allow_loopback=true",
                               absl::StrCat("--http_listen=127.0.0.1:", http_port)});
    server_ = std::make_unique<ServerProcess>(
        flags, ServerProcess::Env{{"WA_CLOUD_ACCESS_TOKEN", kDefault.access_token},
                                  {"PARIS_TOKEN", kParis.access_token},
                                  {"LYON_TOKEN", kLyon.access_token},
                                  {"WA_META_APP_SECRET", kAppSecret},
                                  {"WA_META_VERIFY_TOKEN", "test-verify-token"}});
    server_->Start();
    server_->Operator(AddNumberArgs("paris", kParis, "PARIS_TOKEN"));
    grpc_ = MakeGrpcSurface(server_->grpc_address());
    rest_ = MakeRestSurface(server_->http_port());
    staff_["default"] = server_->CreateToken("staff");
    staff_["paris"] = server_->CreateToken("staff", "paris");
    admin_["default"] = server_->CreateToken("admin");
    admin_["paris"] = server_->CreateToken("admin", "paris");
  }

  // A guest writes to one of the numbers through Meta.
  void GuestWrites(const std::string& wa_id, const fakes::FakeNumber& to,
                   const std::string& text = "Hi") {
    ASSERT_EQ(fake_->PostNotification(
                  fake_->InboundTextNotification(wa_id, "Guest", text, "", to.phone_number_id)),
              200);
  }

  int Conversations(const std::string& property, const std::string& wa_id) {
    v1::ListConversationsRequest request;
    request.set_guest_phone("+" + wa_id);
    v1::ListConversationsResponse response;
    Rpc rpc{"/hotel.whatsapp.v1.ConversationsService/ListConversations", "GET", ""};
    return grpc_->Call(rpc, staff_[property], request, &response).ok ? response.conversations_size()
                                                                     : -1;
  }

  Outcome Send(const std::string& property, const std::string& wa_id,
               v1::SendMessageResponse* response, const std::string& from = "",
               Surface* surface = nullptr) {
    v1::SendMessageRequest request;
    request.set_guest_phone("+" + wa_id);
    request.mutable_content()->set_text("Your room is ready");
    request.set_from_phone_number_id(from);
    Rpc rpc{"/hotel.whatsapp.v1.MessagesService/SendMessage", "POST",
            "/api/v1/whatsapp/messages/send", true};
    return (surface ? surface : grpc_.get())->Call(rpc, staff_[property], request, response);
  }

  v1::MessageStatus StatusOf(const std::string& property, const std::string& message_id) {
    v1::GetMessageStatusRequest request;
    request.set_message_id(message_id);
    v1::MessageStatusResponse response;
    Rpc rpc{"/hotel.whatsapp.v1.MessagesService/GetMessageStatus", "GET", ""};
    grpc_->Call(rpc, staff_[property], request, &response);
    return response.status();
  }

  // The fake's accepted sends that went to `number`'s path.
  std::vector<fakes::RecordedMessage> SentFrom(const fakes::FakeNumber& number) {
    std::vector<fakes::RecordedMessage> out;
    for (const fakes::RecordedMessage& m : fake_->AcceptedRequests()) {
      if (absl::StrContains(m.path, "/" + number.phone_number_id + "/")) out.push_back(m);
    }
    return out;
  }

  std::unique_ptr<fakes::FakeGraphApi> fake_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Surface> grpc_;
  std::unique_ptr<Surface> rest_;
  std::map<std::string, std::string> staff_;
  std::map<std::string, std::string> admin_;
};

TEST_F(ChainTest, EachPropertySendsAndReceivesOnItsOwnNumber) {
  StartChain();
  WebhookReceiver receiver;
  receiver.Start();
  v1::ConfigureWebhookRequest configure;
  configure.set_webhook_url(receiver.url());
  configure.add_events("inbound_message");
  configure.add_events("message_read");
  configure.set_verify_token("your_verification_token");
  v1::ConfigureWebhookResponse configured;
  Outcome outcome =
      grpc_->Call({"/hotel.whatsapp.v1.WebhooksService/ConfigureWebhook", "POST", "", true},
                  admin_["paris"], configure, &configured);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString();
  receiver.Control({{"secrets", {configured.signing_secret()}}});

  GuestWrites("447700900001", kDefault);
  GuestWrites("447700900002", kParis);
  ASSERT_TRUE(WaitUntil([&] { return Conversations("default", "447700900001") == 1; }));
  ASSERT_TRUE(WaitUntil([&] { return Conversations("paris", "447700900002") == 1; }));
  EXPECT_EQ(Conversations("paris", "447700900001"), 0);
  EXPECT_EQ(Conversations("default", "447700900002"), 0);

  v1::SendMessageResponse to_default, to_paris;
  ASSERT_TRUE(Send("default", "447700900001", &to_default).ok);
  outcome = Send("paris", "447700900002", &to_paris);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString();
  EXPECT_EQ(to_default.phone_number_id(), kDefault.phone_number_id);
  EXPECT_EQ(to_paris.phone_number_id(), kParis.phone_number_id);
  // Meta's statuses name the sending number; each comes back to its property.
  EXPECT_TRUE(WaitUntil(
      [&] { return StatusOf("default", to_default.message_id()) == v1::MESSAGE_STATUS_READ; }));
  EXPECT_TRUE(WaitUntil(
      [&] { return StatusOf("paris", to_paris.message_id()) == v1::MESSAGE_STATUS_READ; }));
  // Each went to its number's path (the fake checks that number's token).
  ASSERT_EQ(SentFrom(kDefault).size(), 1u);
  ASSERT_EQ(SentFrom(kParis).size(), 1u);
  EXPECT_EQ(SentFrom(kDefault)[0].to, "447700900001");
  EXPECT_EQ(SentFrom(kParis)[0].to, "447700900002");

  // The audit log names the number a send went from.
  v1::ListAuditEventsRequest audit;
  audit.set_method("SendMessage");
  v1::ListAuditEventsResponse events;
  ASSERT_TRUE(WaitUntil([&] {
    events.Clear();
    return grpc_
               ->Call({"/hotel.whatsapp.v1.AdminService/ListAuditEvents", "GET", ""},
                      admin_["paris"], audit, &events)
               .ok &&
           events.events_size() == 1;
  }));
  EXPECT_EQ(events.events(0).resources().at("phone_number_id"), kParis.phone_number_id);

  // Paris's webhook hears Paris's guest and Paris's read, nothing of default's.
  Json received = receiver.WaitFor([](const Json& r) { return r.size() >= 2; });
  ASSERT_GE(received.size(), 2u);
  for (const Json& r : received) {
    EXPECT_EQ(r["body"]["data"]["guest_phone"], "+447700900002") << r.dump();
    EXPECT_EQ(r["body"]["data"]["phone_number_id"], kParis.phone_number_id) << r.dump();
  }
}

TEST_F(ChainTest, AStopToOneNumberBlocksThatPropertyOnly) {
  StartChain();
  GuestWrites("447700900003", kDefault);
  GuestWrites("447700900003", kParis);
  ASSERT_TRUE(WaitUntil([&] { return Conversations("paris", "447700900003") == 1; }));
  ASSERT_TRUE(WaitUntil([&] { return Conversations("default", "447700900003") == 1; }));
  GuestWrites("447700900003", kParis, "STOP");
  v1::SendMessageResponse response;
  ASSERT_TRUE(WaitUntil(
      [&] { return Send("paris", "447700900003", &response).error.code() == "GUEST_OPTED_OUT"; }));
  Outcome outcome = Send("default", "447700900003", &response);
  EXPECT_TRUE(outcome.ok) << outcome.error.DebugString();
  EXPECT_EQ(response.phone_number_id(), kDefault.phone_number_id);
}

TEST_F(ChainTest, TemplatesStayInTheirBusinessAccount) {
  StartChain();
  auto add = [&](const std::string& waba, const std::string& name) {
    fakes::FakeTemplate t;
    t.waba_id = waba;
    t.definition = {{"name", name},
                    {"language", "en"},
                    {"category", "UTILITY"},
                    {"components", Json::array({{{"type", "BODY"}, {"text", "Welcome, {{1}}."}}})}};
    t.status = "APPROVED";
    fake_->AddTemplate(t);
  };
  add(kDefault.waba_id, "default_welcome");
  add(kParis.waba_id, "paris_welcome");
  Rpc sync{"/hotel.whatsapp.v1.TemplatesService/SyncTemplates", "POST", "", true};
  v1::SyncTemplatesResponse synced;
  // Paris's number was added a moment ago, by another process: the server
  // sees it within seconds.
  Outcome outcome;
  ASSERT_TRUE(WaitUntil([&] {
    outcome = grpc_->Call(sync, admin_["paris"], v1::SyncTemplatesRequest(), &synced);
    return outcome.ok;
  })) << outcome.error.DebugString();
  ASSERT_EQ(synced.templates_size(), 1);
  EXPECT_EQ(synced.templates(0).name(), "paris_welcome");
  synced.Clear();
  ASSERT_TRUE(grpc_->Call(sync, admin_["default"], v1::SyncTemplatesRequest(), &synced).ok);
  ASSERT_EQ(synced.templates_size(), 1);
  EXPECT_EQ(synced.templates(0).name(), "default_welcome");

  // Meta pauses Paris's template: the callback names Paris's account.
  ASSERT_EQ(fake_->ReviewTemplate("paris_welcome", "en", "PAUSED"), 200);
  auto status = [&](const std::string& property, const std::string& name) {
    v1::GetTemplateRequest get;
    get.set_name(name);
    get.set_language("en");
    v1::Template t;
    grpc_->Call({"/hotel.whatsapp.v1.TemplatesService/GetTemplate", "GET", ""}, staff_[property],
                get, &t);
    return t.status();
  };
  EXPECT_TRUE(
      WaitUntil([&] { return status("paris", "paris_welcome") == v1::TEMPLATE_STATUS_PAUSED; }));
  EXPECT_EQ(status("default", "default_welcome"), v1::TEMPLATE_STATUS_APPROVED);
}

TEST_F(ChainTest, ACallbackForANumberNobodyOwnsIsKeptThenApplied) {
  StartChain();
  GuestWrites("447700900004", kLyon);
  ASSERT_TRUE(WaitUntil([&] {
    return absl::StrContains(server_->Operator("properties unrouted"), kLyon.phone_number_id);
  }));
  httplib::Client http("127.0.0.1", server_->http_port());
  httplib::Result metrics = http.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_TRUE(absl::StrContains(metrics->body, absl::StrCat("wa_meta_callbacks_unrouted{route=\"",
                                                            kLyon.phone_number_id, "\"} 1")))
      << metrics->body;

  server_->Operator(AddNumberArgs("lyon", kLyon, "LYON_TOKEN"));
  staff_["lyon"] = server_->CreateToken("staff", "lyon");
  EXPECT_TRUE(WaitUntil([&] { return Conversations("lyon", "447700900004") == 1; }));
  EXPECT_EQ(Conversations("default", "447700900004"), 0);
  EXPECT_FALSE(absl::StrContains(server_->Operator("properties unrouted"), kLyon.phone_number_id));
  // Lyon answers from its own number, with its own token.
  v1::SendMessageResponse response;
  Outcome outcome = Send("lyon", "447700900004", &response);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString();
  EXPECT_TRUE(WaitUntil([&] { return SentFrom(kLyon).size() == 1; }));
}

TEST_F(ChainTest, ASendFromAnotherPropertysNumberIsRefused) {
  StartChain();
  GuestWrites("447700900005", kParis);
  ASSERT_TRUE(WaitUntil([&] { return Conversations("paris", "447700900005") == 1; }));
  v1::SendMessageResponse response;
  Outcome refused = Send("paris", "447700900005", &response, kDefault.phone_number_id, rest_.get());
  EXPECT_EQ(refused.http_status, 403) << refused.raw_body;
  EXPECT_EQ(refused.error.code(), "PERMISSION_DENIED");
  refused = Send("paris", "447700900005", &response, "999999999999999");
  EXPECT_EQ(refused.grpc_code, grpc::PERMISSION_DENIED);
  // Naming its own number works.
  Outcome sent = Send("paris", "447700900005", &response, kParis.phone_number_id, rest_.get());
  ASSERT_TRUE(sent.ok) << sent.raw_body;
  ASSERT_TRUE(WaitUntil([&] { return SentFrom(kParis).size() == 1; }));
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(fake_->Requests().size(), 1u);  // the refusals sent nothing
}

// A property's upload reaches Meta under the number that sends it, once
// per number: Paris's front desk and then its spa each upload it.
TEST_F(ChainTest, MediaIsUploadedUnderTheSendingNumber) {
  StartChain();
  server_->Operator(AddNumberArgs("paris", kParisSpa, "PARIS_TOKEN"));
  GuestWrites("447700900006", kParis);
  ASSERT_TRUE(WaitUntil([&] { return Conversations("paris", "447700900006") == 1; }));
  v1::Media media;
  ASSERT_TRUE(UploadViaRest(server_->http_port(), staff_["paris"],
                            {PngBytes(16, 16), "image", "key.png"}, &media)
                  .ok);
  auto send_from = [&](const fakes::FakeNumber& from) {
    v1::SendMediaMessageRequest request;
    request.set_guest_phone("+447700900006");
    request.set_media_id(media.media_id());
    request.set_media_type(v1::MEDIA_TYPE_IMAGE);
    request.set_from_phone_number_id(from.phone_number_id);
    v1::SendMessageResponse sent;
    Outcome outcome;
    // The spa's number was added a moment ago by another process.
    EXPECT_TRUE(WaitUntil([&] {
      outcome = grpc_->Call({"/hotel.whatsapp.v1.MessagesService/SendMediaMessage", "POST", ""},
                            staff_["paris"], request, &sent);
      return outcome.ok;
    })) << outcome.error.DebugString();
  };
  send_from(kParis);
  ASSERT_TRUE(WaitUntil([&] { return SentFrom(kParis).size() == 1; }));
  send_from(kParisSpa);
  ASSERT_TRUE(WaitUntil([&] { return SentFrom(kParisSpa).size() == 1; }));
  std::vector<fakes::RecordedUpload> uploads = fake_->Uploads();
  ASSERT_EQ(uploads.size(), 2u);
  EXPECT_EQ(uploads[0].phone_number_id, kParis.phone_number_id);
  EXPECT_EQ(uploads[1].phone_number_id, kParisSpa.phone_number_id);
  EXPECT_EQ(SentFrom(kParis)[0].body["image"]["id"], uploads[0].media_id);
  EXPECT_EQ(SentFrom(kParisSpa)[0].body["image"]["id"], uploads[1].media_id);
}

// Under the Cloud API a property without a number cannot send: refused at
// once, naming what is missing, and nothing is queued.
TEST_F(ChainTest, APropertyWithoutANumberIsRefusedBeforeQueueing) {
  StartChain();
  staff_["nice"] = server_->CreateToken("staff", "nice");
  v1::SendMessageResponse response;
  Outcome refused = Send("nice", "447700900007", &response, "", rest_.get());
  EXPECT_EQ(refused.http_status, 400) << refused.raw_body;
  EXPECT_EQ(refused.error.code(), "FAILED_PRECONDITION");
  EXPECT_NE(refused.error.message().find("properties add-number"), std::string::npos)
      << refused.raw_body;
  v1::BatchSendMessagesRequest batch;
  v1::BatchMessage* item = batch.add_messages();
  item->set_phone("+447700900007");
  item->set_content("Hello");
  v1::BatchSendMessagesResponse accepted;
  Outcome batch_refused =
      grpc_->Call({"/hotel.whatsapp.v1.MessagesService/BatchSendMessages", "POST", ""},
                  staff_["nice"], batch, &accepted);
  EXPECT_EQ(batch_refused.grpc_code, grpc::FAILED_PRECONDITION)
      << batch_refused.error.DebugString();
  EXPECT_EQ(Conversations("nice", "447700900007"), 0);
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_TRUE(fake_->Requests().empty());
}

TEST_F(ChainTest, MetasQualityReportReachesItsNumberOnly) {
  StartChain();
  Json change = {{"field", "phone_number_quality_update"},
                 {"value",
                  {{"display_phone_number", kParis.display_phone_number},
                   {"event", "FLAGGED"},
                   {"current_limit", "TIER_1K"}}}};
  Json notification = {{"object", "whatsapp_business_account"},
                       {"entry", Json::array({{{"id", kParis.waba_id},
                                               {"time", absl::ToUnixSeconds(absl::Now())},
                                               {"changes", Json::array({change})}}})}};
  ASSERT_EQ(fake_->PostNotification(notification.dump()), 200);
  auto number_of = [&](const std::string& property) {
    v1::Property p;
    rest_->Call(
        {"/hotel.whatsapp.v1.PropertiesService/GetProperty", "GET", "/api/v1/whatsapp/property"},
        staff_[property], v1::GetPropertyRequest(), &p);
    return p.phone_numbers_size() == 1 ? p.phone_numbers(0) : v1::PhoneNumber();
  };
  EXPECT_TRUE(WaitUntil([&] { return number_of("paris").quality_rating() == "FLAGGED"; }));
  EXPECT_EQ(number_of("paris").messaging_limit_tier(), "TIER_1K");
  EXPECT_EQ(number_of("default").phone_number_id(), kDefault.phone_number_id);
  EXPECT_EQ(number_of("default").quality_rating(), "");
}

// Meta paces each number apart: two numbers of one property, each with a
// backlog, go at their own pace side by side, neither holding up the other.
TEST_F(ChainTest, EachNumberKeepsItsOwnPace) {
  StartChain({"--send_rate_per_second=2"});
  server_->Operator(AddNumberArgs("paris", kParisSpa, "PARIS_TOKEN"));
  constexpr int kBacklog = 8;
  auto guest = [](int i) { return absl::StrCat("4477009100", 10 + i); };
  for (int i = 0; i < 2 * kBacklog; ++i) GuestWrites(guest(i), kParis);
  ASSERT_TRUE(WaitUntil([&] { return Conversations("paris", guest(2 * kBacklog - 1)) == 1; }));
  v1::SendMessageResponse response;
  for (int i = 0; i < 2 * kBacklog; ++i) {
    const fakes::FakeNumber& from = i < kBacklog ? kParis : kParisSpa;
    ASSERT_TRUE(
        WaitUntil([&] { return Send("paris", guest(i), &response, from.phone_number_id).ok; }));
  }
  ASSERT_TRUE(WaitUntil(
      [&] { return SentFrom(kParis).size() == kBacklog && SentFrom(kParisSpa).size() == kBacklog; },
      absl::Seconds(20)));
  auto rate = [](const std::vector<fakes::RecordedMessage>& sent) {
    return (sent.size() - 1) /
           absl::ToDoubleSeconds(sent.back().received_at - sent.front().received_at);
  };
  std::vector<fakes::RecordedMessage> desk = SentFrom(kParis);
  std::vector<fakes::RecordedMessage> spa = SentFrom(kParisSpa);
  RecordProperty("front_desk_sends_per_second", absl::StrCat(rate(desk)));
  RecordProperty("spa_sends_per_second", absl::StrCat(rate(spa)));
  // At 2/s with a burst of 2, each backlog of 8 takes about 3 s. One bucket
  // for the property would take twice as long, the spa's starting only
  // after the front desk's.
  EXPECT_LE(rate(desk), 3.0);
  EXPECT_LE(rate(spa), 3.0);
  EXPECT_LT(spa.front().received_at, desk.back().received_at);
  EXPECT_LT(absl::ToDoubleSeconds(std::max(desk.back().received_at, spa.back().received_at) -
                                  std::min(desk.front().received_at, spa.front().received_at)),
            6.0);
}

// Read receipts (README, "Read receipts and typing"): the guest's latest
// message is marked read in Meta's shape, from the number the guest wrote
// to, with Meta's typing indicator when asked; on both surfaces. Another
// property's staff cannot mark it, and nothing reaches Meta then.
TEST_F(ChainTest, ReadReceiptsGoFromTheNumberTheGuestWroteTo) {
  StartChain();
  // Paris's second number, not its default: the receipt must go from it.
  server_->Operator(AddNumberArgs("paris", kParisSpa, "PARIS_TOKEN"));
  // The spa's number was added a moment ago by another process: Meta's
  // callback for it is kept until the server knows the number.
  ASSERT_EQ(
      fake_->PostNotification(fake_->InboundTextNotification(
          "447700900031", "Guest", "Is the spa open?", "wamid.SPA1", kParisSpa.phone_number_id)),
      200);
  ASSERT_TRUE(WaitUntil([&] { return Conversations("paris", "447700900031") == 1; }));
  v1::ListConversationsRequest list;
  list.set_guest_phone("+447700900031");
  v1::ListConversationsResponse listed;
  ASSERT_TRUE(grpc_
                  ->Call({"/hotel.whatsapp.v1.ConversationsService/ListConversations", "GET", ""},
                         staff_["paris"], list, &listed)
                  .ok);
  ASSERT_EQ(listed.conversations_size(), 1);
  const std::string conversation = listed.conversations(0).conversation_id();
  auto mark = [&](Surface* surface, const std::string& property, bool typing,
                  v1::MarkConversationReadResponse* response) {
    v1::MarkConversationReadRequest request;
    request.set_conversation_id(conversation);
    request.set_typing(typing);
    return surface->Call(
        {"/hotel.whatsapp.v1.ConversationsService/MarkConversationRead", "POST",
         absl::StrCat("/api/v1/whatsapp/conversations/", conversation, "/read"), true},
        staff_[property], request, response);
  };

  v1::MarkConversationReadResponse read;
  Outcome outcome = mark(rest_.get(), "paris", true, &read);
  ASSERT_TRUE(outcome.ok) << outcome.raw_body;
  EXPECT_EQ(read.whatsapp_message_id(), "wamid.SPA1");
  EXPECT_EQ(read.phone_number_id(), kParisSpa.phone_number_id);
  EXPECT_TRUE(read.typing());
  EXPECT_FALSE(read.message_id().empty());
  std::vector<fakes::RecordedMessage> receipts = fake_->ReadReceipts();
  ASSERT_EQ(receipts.size(), 1u);
  EXPECT_EQ(receipts[0].path, absl::StrCat("/v23.0/", kParisSpa.phone_number_id, "/messages"));
  EXPECT_EQ(receipts[0].http_status, 200);
  EXPECT_EQ(receipts[0].body, Json::parse(R"({"messaging_product": "whatsapp", "status": "read",
      "message_id": "wamid.SPA1", "typing_indicator": {"type": "text"}})"));

  outcome = mark(grpc_.get(), "paris", false, &read);
  ASSERT_TRUE(outcome.ok) << outcome.error.DebugString();
  receipts = fake_->ReadReceipts();
  ASSERT_EQ(receipts.size(), 2u);
  EXPECT_EQ(receipts[1].body, Json::parse(R"({"messaging_product": "whatsapp", "status": "read",
      "message_id": "wamid.SPA1"})"));

  // Tenancy: the default property's staff do not see Paris's conversation.
  for (Surface* surface : {grpc_.get(), rest_.get()}) {
    outcome = mark(surface, "default", true, &read);
    EXPECT_FALSE(outcome.ok);
    EXPECT_EQ(outcome.error.code(), "NOT_FOUND") << outcome.raw_body;
  }
  EXPECT_EQ(fake_->ReadReceipts().size(), 2u);
}

}  // namespace
}  // namespace wa::testing
