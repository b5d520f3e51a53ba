// A chain on one server: two properties (and a third that joins later),
// each on its own WhatsApp number and business account, against the fake
// Graph API serving all three numbers with their own tokens. Sends go from
// the property's number, Meta's callbacks come back to the property that
// owns the number they name, and nothing of one property reaches another.
// Templates, media, Meta's quality reports and pacing, per number and
// business account, are in chain_accounts_test.cc.
#include "tests/integration/chain_fixture.h"

namespace wa::testing {
namespace {

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

// Meta paces each number apart: two numbers of one property, each with a
// backlog, go at their own pace side by side, neither holding up the other.
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
