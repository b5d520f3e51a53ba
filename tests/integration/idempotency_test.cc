// Idempotency keys on sends, through both surfaces of a real wa-server.
#include <atomic>
#include <set>

#include "hotel/whatsapp/v1/templates.pb.h"
#include "nlohmann/json.hpp"
#include "tests/integration/api_fixture.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using ::nlohmann::json;

Rpc InteractiveSendRpc() {
  return {"/hotel.whatsapp.v1.MessagesService/SendInteractiveMessage", "POST",
          absl::StrCat(kApi, "/messages/send-interactive"), true};
}

class IdempotencyTest : public ApiTest {
 protected:
  v1::SendMessageRequest Text(const std::string& phone, const std::string& key,
                              const std::string& text = "Your taxi is here") {
    v1::SendMessageRequest request;
    request.set_guest_phone(phone);
    request.set_message_type(v1::MESSAGE_TYPE_TEXT);
    request.mutable_content()->set_text(text);
    request.set_idempotency_key(key);
    return request;
  }

  std::string Key() {
    static int next = 0;
    return absl::StrCat("key-", GetParam(), "-", ++next, "-", absl::ToUnixNanos(absl::Now()));
  }

  int OutboundMessages(const std::string& conversation_id) {
    v1::GetConversationRequest request;
    request.set_conversation_id(conversation_id);
    v1::Conversation conversation;
    EXPECT_TRUE(
        surface_->Call(ConversationRpc(conversation_id), *staff_, request, &conversation).ok);
    int outbound = 0;
    for (const v1::Message& m : conversation.messages()) {
      if (m.direction() == v1::DIRECTION_OUTBOUND) ++outbound;
    }
    return outbound;
  }
};

TEST_P(IdempotencyTest, ARepeatAnswersTheFirstAndSendsNothing) {
  std::string guest = NewGuest();
  GuestWrites(guest);
  std::string key = Key();
  v1::SendMessageResponse first, again;
  ASSERT_TRUE(surface_->Call(SendMessageRpc(), *staff_, Text(guest, key), &first).ok);
  ASSERT_TRUE(surface_->Call(SendMessageRpc(), *staff_, Text(guest, key), &again).ok);
  EXPECT_EQ(again.message_id(), first.message_id());
  EXPECT_EQ(again.created_at().seconds(), first.created_at().seconds());
  EXPECT_EQ(OutboundMessages(first.conversation_id()), 1);

  v1::SendMessageResponse other;
  ASSERT_TRUE(surface_->Call(SendMessageRpc(), *staff_, Text(guest, Key()), &other).ok);
  EXPECT_NE(other.message_id(), first.message_id()) << "a new key is a new send";
}

TEST_P(IdempotencyTest, TheSameKeyWithAnotherRequestIsRefused) {
  std::string guest = NewGuest();
  GuestWrites(guest);
  std::string key = Key();
  v1::SendMessageResponse first;
  ASSERT_TRUE(surface_->Call(SendMessageRpc(), *staff_, Text(guest, key), &first).ok);
  v1::SendMessageResponse refused;
  Outcome outcome =
      surface_->Call(SendMessageRpc(), *staff_, Text(guest, key, "Something else"), &refused);
  EXPECT_EQ(outcome.grpc_code, grpc::ALREADY_EXISTS);
  EXPECT_EQ(outcome.error.code(), "ALREADY_EXISTS");
  if (GetParam() == "rest") EXPECT_EQ(outcome.http_status, 409);
  EXPECT_EQ(outcome.error.details().fields().at("idempotency_key").string_value(), key);
  EXPECT_EQ(OutboundMessages(first.conversation_id()), 1);
}

TEST_P(IdempotencyTest, IdenticalRequestsAtOnceSendOnce) {
  std::string guest = NewGuest();
  GuestWrites(guest);
  std::string key = Key();
  constexpr int kCallers = 8;
  std::vector<std::string> ids(kCallers);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&, i] {
      // A surface per caller: separate connections, truly concurrent.
      std::unique_ptr<Surface> surface = GetParam() == "grpc"
                                             ? MakeGrpcSurface(server_->grpc_address())
                                             : MakeRestSurface(server_->http_port());
      v1::SendMessageResponse sent;
      if (surface->Call(SendMessageRpc(), *staff_, Text(guest, key), &sent).ok) {
        ids[i] = sent.message_id();
      } else {
        ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1u);
  v1::MessageStatusResponse status = WaitForStatus(ids[0], v1::MESSAGE_STATUS_SENT);
  EXPECT_EQ(OutboundMessages(status.conversation_id()), 1);
}

TEST_P(IdempotencyTest, TemplateSendsAndBatchesTakeKeysToo) {
  std::string guest = NewGuest();
  v1::SendTemplateMessageRequest request;
  request.set_guest_phone(guest);
  request.set_template_name("service_followup");
  request.set_language("en");
  (*request.mutable_parameters())["guest_name"] = "John Smith";
  (*request.mutable_parameters())["service_type"] = "Spa Massage";
  request.set_idempotency_key(Key());
  v1::SendMessageResponse first, again;
  ASSERT_TRUE(surface_->Call(SendTemplateRpc(), *staff_, request, &first).ok);
  ASSERT_TRUE(surface_->Call(SendTemplateRpc(), *staff_, request, &again).ok);
  EXPECT_EQ(again.message_id(), first.message_id());

  v1::BatchSendMessagesRequest batch;
  v1::BatchMessage* m = batch.add_messages();
  m->set_phone(guest);
  m->set_content("Welcome!");
  batch.set_idempotency_key(Key());
  v1::BatchSendMessagesResponse b1, b2;
  ASSERT_TRUE(surface_->Call(BatchSendRpc(), *staff_, batch, &b1).ok);
  ASSERT_TRUE(surface_->Call(BatchSendRpc(), *staff_, batch, &b2).ok);
  EXPECT_EQ(b2.batch_id(), b1.batch_id());
  EXPECT_EQ(b2.estimated_completion().seconds(), b1.estimated_completion().seconds());
}

TEST_P(IdempotencyTest, InteractiveSendsTakeKeysToo) {
  std::string guest = NewGuest();
  GuestWrites(guest);
  v1::SendInteractiveMessageRequest request;
  request.set_guest_phone(guest);
  request.set_interactive_type(v1::INTERACTIVE_TYPE_BUTTONS);
  request.mutable_content()->set_text("How would you like to extend your stay?");
  v1::InteractiveButton* button = request.mutable_content()->add_buttons();
  button->set_id("extend_1_night");
  button->set_title("1 More Night");
  request.set_idempotency_key(Key());
  v1::SendMessageResponse first, again;
  ASSERT_TRUE(surface_->Call(InteractiveSendRpc(), *staff_, request, &first).ok);
  ASSERT_TRUE(surface_->Call(InteractiveSendRpc(), *staff_, request, &again).ok);
  EXPECT_EQ(again.message_id(), first.message_id());
  EXPECT_EQ(OutboundMessages(first.conversation_id()), 1);
}

TEST_P(IdempotencyTest, AMalformedKeyIsRefused) {
  std::string guest = NewGuest();
  GuestWrites(guest);
  v1::SendMessageResponse sent;
  Outcome outcome =
      surface_->Call(SendMessageRpc(), *staff_, Text(guest, std::string(300, 'k')), &sent);
  EXPECT_EQ(outcome.grpc_code, grpc::INVALID_ARGUMENT);
  EXPECT_EQ(outcome.error.details().fields().at("field").string_value(), "idempotency_key");
}

INSTANTIATE_TEST_SUITE_P(Surfaces, IdempotencyTest, ::testing::Values("grpc", "rest"),
                         [](const auto& info) { return info.param; });

// REST's Idempotency-Key header, as HTTP clients send it.
TEST(IdempotencyHeaderTest, TheHeaderIsTheKey) {
  ServerProcess server;
  server.Start();
  std::string staff = server.CreateToken("staff");
  httplib::Client client("127.0.0.1", server.http_port());
  const std::string body = R"({
    "guest_phone": "+1234567890",
    "template_name": "service_followup",
    "language": "en",
    "parameters": {"guest_name": "John Smith", "service_type": "Spa Massage"}
  })";
  httplib::Headers headers = {{"Authorization", "Bearer " + staff},
                              {"Idempotency-Key", "3f6c2a9e-header-test"}};
  auto first =
      client.Post(absl::StrCat(kApi, "/templates/send"), headers, body, "application/json");
  auto again =
      client.Post(absl::StrCat(kApi, "/templates/send"), headers, body, "application/json");
  ASSERT_TRUE(first && again);
  ASSERT_EQ(first->status, 200) << first->body;
  ASSERT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(json::parse(first->body)["message_id"], json::parse(again->body)["message_id"]);

  auto changed = client.Post(absl::StrCat(kApi, "/templates/send"), headers,
                             R"({"guest_phone": "+1234567891", "template_name": "service_followup",
                                 "language": "en", "parameters": {"guest_name": "Jane",
                                 "service_type": "Spa Massage"}})",
                             "application/json");
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 409) << changed->body;
  EXPECT_EQ(json::parse(changed->body)["error"]["code"], "ALREADY_EXISTS");

  // A batch under the header: the repeat names the same batch.
  const std::string batch =
      R"({"messages": [{"phone": "+1234567890", "content": "Message 1"}],
          "rate_limit": {"messages_per_second": 10, "batch_size": 100}})";
  headers = {{"Authorization", "Bearer " + staff}, {"Idempotency-Key", "batch-header-test"}};
  auto b1 =
      client.Post(absl::StrCat(kApi, "/messages/batch-send"), headers, batch, "application/json");
  auto b2 =
      client.Post(absl::StrCat(kApi, "/messages/batch-send"), headers, batch, "application/json");
  ASSERT_TRUE(b1 && b2);
  ASSERT_EQ(b1->status, 200) << b1->body;
  EXPECT_EQ(json::parse(b1->body)["batch_id"], json::parse(b2->body)["batch_id"]);

  headers = {{"Authorization", "Bearer " + staff}};
  auto without =
      client.Post(absl::StrCat(kApi, "/templates/send"), headers, body, "application/json");
  ASSERT_TRUE(without);
  EXPECT_NE(json::parse(without->body)["message_id"], json::parse(first->body)["message_id"]);
}

}  // namespace
}  // namespace wa::testing
