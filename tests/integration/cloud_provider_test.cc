// wa-server with --provider=cloud against the fake Graph API: sends in
// Meta's wire format, statuses only through signed callbacks, retries,
// give-up, pacing, bad credentials and a crash in the middle of a send.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.pb.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/conversations.pb.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/fakes/fake_graph_api.h"
#include "tests/integration/server_process.h"
#include "tests/integration/surface.h"
#include "tests/integration/wait.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

constexpr char kAppSecret[] = "test-app-secret";
constexpr char kVerifyToken[] = "test-verify-token";
constexpr char kWebhookPath[] = "/api/v1/whatsapp/provider/webhook";

class CloudProviderTest : public ::testing::Test {
 protected:
  // The fake posts callbacks to the server's REST port, so that port is
  // chosen before either starts.
  void StartBoth(std::vector<std::string> flags = {},
                 const std::string& token = "fake-graph-access-token") {
    http_port_ = FreeLoopbackPort();
    fakes::FakeGraphApiOptions options;
    options.webhook_url = absl::StrCat("http://127.0.0.1:", http_port_, kWebhookPath);
    options.app_secret = kAppSecret;
    // Like Meta, redeliver callbacks that were not answered 200 (a restart).
    options.webhook_attempts = 20;
    options.webhook_retry_delay = absl::Milliseconds(300);
    fake_ = std::make_unique<fakes::FakeGraphApi>(options);
    ASSERT_TRUE(fake_->Start());
    flags.insert(flags.end(), {"--provider=cloud", "--cloud_api_base_url=" + fake_->base_url(),
                               "--phone_number_id=" + options.phone_number_id,
                               absl::StrCat("--http_listen=127.0.0.1:", http_port_)});
    server_ = std::make_unique<ServerProcess>(
        flags, ServerProcess::Env{{"WA_CLOUD_ACCESS_TOKEN", token},
                                  {"WA_META_APP_SECRET", kAppSecret},
                                  {"WA_META_VERIFY_TOKEN", kVerifyToken}});
    server_->Start();
    staff_ = server_->CreateToken("staff");
    grpc_ = MakeGrpcSurface(server_->grpc_address());
  }

  // A guest writes to the hotel through Meta: opens the window.
  void GuestWrites(const std::string& wa_id) {
    ASSERT_EQ(fake_->PostNotification(fake_->InboundTextNotification(wa_id, "Maria", "Hi")), 200);
    ASSERT_TRUE(WaitUntil([&] { return ConversationCount("+" + wa_id) == 1; }));
  }

  int ConversationCount(const std::string& phone) {
    v1::ListConversationsRequest request;
    request.set_guest_phone(phone);
    v1::ListConversationsResponse response;
    Rpc rpc{"/hotel.whatsapp.v1.ConversationsService/ListConversations", "GET", ""};
    return grpc_->Call(rpc, staff_, request, &response).ok ? response.conversations_size() : -1;
  }

  std::string Send(const std::string& wa_id, const std::string& text = "Your room is ready") {
    v1::SendMessageRequest request;
    request.set_guest_phone("+" + wa_id);
    request.mutable_content()->set_text(text);
    v1::SendMessageResponse response;
    Rpc rpc{"/hotel.whatsapp.v1.MessagesService/SendMessage", "POST", ""};
    Outcome outcome = grpc_->Call(rpc, staff_, request, &response);
    EXPECT_TRUE(outcome.ok) << outcome.error.DebugString();
    return response.message_id();
  }

  v1::MessageStatusResponse Status(const std::string& id) {
    v1::GetMessageStatusRequest request;
    request.set_message_id(id);
    v1::MessageStatusResponse response;
    Rpc rpc{"/hotel.whatsapp.v1.MessagesService/GetMessageStatus", "GET", ""};
    grpc_->Call(rpc, staff_, request, &response);
    return response;
  }

  bool WaitForStatus(const std::string& id, v1::MessageStatus status,
                     absl::Duration timeout = absl::Seconds(10)) {
    return WaitUntil([&] { return Status(id).status() == status; }, timeout);
  }

  int http_port_ = 0;
  std::unique_ptr<fakes::FakeGraphApi> fake_;
  std::unique_ptr<ServerProcess> server_;
  std::string staff_;
  std::unique_ptr<Surface> grpc_;
};

TEST_F(CloudProviderTest, TextFlowInMetasWireFormatWithStatusesFromSignedCallbacks) {
  StartBoth();
  GuestWrites("447700900123");
  std::string id = Send("447700900123");
  ASSERT_TRUE(fake_->WaitForRequests(1, absl::Seconds(5)));
  std::vector<fakes::RecordedMessage> requests = fake_->AcceptedRequests();
  ASSERT_EQ(requests.size(), 1u);
  const nlohmann::json& body = requests[0].body;
  EXPECT_EQ(requests[0].path, "/v23.0/109876543210987/messages");
  EXPECT_EQ(body["messaging_product"], "whatsapp");
  EXPECT_EQ(body["to"], "447700900123");
  EXPECT_EQ(body["type"], "text");
  EXPECT_EQ(body["text"]["body"], "Your room is ready");
  EXPECT_EQ(body["biz_opaque_callback_data"], id);

  ASSERT_TRUE(WaitForStatus(id, v1::MESSAGE_STATUS_READ));
  v1::MessageStatusResponse status = Status(id);
  EXPECT_EQ(status.whatsapp_message_id(), requests[0].wamid);
  EXPECT_TRUE(status.has_sent_at() && status.has_delivered_at() && status.has_read_at());
}

TEST_F(CloudProviderTest, CallbacksNeedMetasSignatureAndTheHandshakeItsToken) {
  StartBoth();
  httplib::Client client("127.0.0.1", http_port_);
  std::string body = fake_->InboundTextNotification("447700900999", "Eve", "Hi");
  httplib::Result unsigned_post = client.Post(kWebhookPath, body, "application/json");
  ASSERT_TRUE(unsigned_post);
  EXPECT_EQ(unsigned_post->status, 401);
  httplib::Result forged = client.Post(
      kWebhookPath, httplib::Headers{{"X-Hub-Signature-256", "sha256=" + std::string(64, '0')}},
      body, "application/json");
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 401);
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(ConversationCount("+447700900999"), 0) << "nothing stored";

  httplib::Result ok =
      client.Get(absl::StrCat(kWebhookPath, "?hub.mode=subscribe&hub.verify_token=", kVerifyToken,
                              "&hub.challenge=1158201444"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, "1158201444");
  httplib::Result wrong = client.Get(
      absl::StrCat(kWebhookPath, "?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1"));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);
}

TEST_F(CloudProviderTest, RepeatedCallbacksChangeNothing) {
  StartBoth();
  std::string notification =
      fake_->InboundTextNotification("447700900124", "Maria", "Hi", "wamid.X1");
  ASSERT_EQ(fake_->PostNotification(notification), 200);
  ASSERT_EQ(fake_->PostNotification(notification), 200);
  ASSERT_TRUE(WaitUntil([&] { return ConversationCount("+447700900124") == 1; }));
  absl::SleepFor(absl::Milliseconds(300));
  v1::ListConversationsRequest request;
  request.set_guest_phone("+447700900124");
  v1::ListConversationsResponse response;
  Rpc rpc{"/hotel.whatsapp.v1.ConversationsService/ListConversations", "GET", ""};
  ASSERT_TRUE(grpc_->Call(rpc, staff_, request, &response).ok);
  EXPECT_EQ(response.conversations(0).message_count(), 1);
}

TEST_F(CloudProviderTest, TransientErrorsAreRetried) {
  StartBoth();
  GuestWrites("447700900125");
  fake_->FailThenSucceed("447700900125", 2, fakes::Behavior::Error(131000, 500));
  std::string id = Send("447700900125");
  ASSERT_TRUE(WaitForStatus(id, v1::MESSAGE_STATUS_READ, absl::Seconds(15)));
  EXPECT_EQ(fake_->CountFor("447700900125"), 3);
}

// Regression (found by the graceful-shutdown test): the hold a claim puts on
// a message is for a process that died mid-call. A live call slower than
// --reconcile_grace used to be claimed again by the next round and sent a
// second time while the first was still waiting for Meta's answer.
TEST_F(CloudProviderTest, ACallSlowerThanTheReconcileGraceIsNotSentAgain) {
  StartBoth({"--reconcile_grace=300ms"});
  GuestWrites("447700900131");
  fake_->SetRecipientBehavior("447700900131",
                              fakes::Behavior::Accept().After(absl::Milliseconds(1500)));
  std::string id = Send("447700900131");
  ASSERT_TRUE(WaitForStatus(id, v1::MESSAGE_STATUS_READ, absl::Seconds(15)));
  absl::SleepFor(absl::Seconds(1));  // a second call would have started by now
  EXPECT_EQ(fake_->CountFor("447700900131"), 1);
}

TEST_F(CloudProviderTest, GivesUpAfterTheLastAttempt) {
  StartBoth({"--max_send_attempts=2"});
  GuestWrites("447700900126");
  fake_->SetRecipientBehavior("447700900126", fakes::Behavior::Error(131016, 503));
  std::string id = Send("447700900126");
  ASSERT_TRUE(WaitForStatus(id, v1::MESSAGE_STATUS_FAILED, absl::Seconds(15)));
  EXPECT_EQ(fake_->CountFor("447700900126"), 2);
  EXPECT_EQ(Status(id).failure_code(), 131016);
}

TEST_F(CloudProviderTest, MetasWindowRefusalFailsTheMessageWithoutRetry) {
  StartBoth();
  GuestWrites("447700900127");
  fake_->SetRecipientBehavior("447700900127", fakes::Behavior::Error(131047, 400));
  std::string id = Send("447700900127");
  ASSERT_TRUE(WaitForStatus(id, v1::MESSAGE_STATUS_FAILED));
  v1::MessageStatusResponse status = Status(id);
  EXPECT_EQ(status.failure_code(), 131047);
  EXPECT_NE(status.failure_reason().find("MESSAGE_WINDOW_EXPIRED"), std::string::npos);
  EXPECT_EQ(fake_->CountFor("447700900127"), 1);
}

TEST_F(CloudProviderTest, PacesPerSenderNumberAndPerGuest) {
  StartBoth({"--send_rate_per_second=20", "--pair_burst=1", "--pair_interval=300ms"});
  std::vector<std::string> guests;
  for (int i = 0; i < 30; ++i) guests.push_back(absl::StrCat("4477009002", 10 + i));
  for (const std::string& g : guests) GuestWrites(g);
  for (const std::string& g : guests) Send(g);
  ASSERT_TRUE(fake_->WaitForRequests(30, absl::Seconds(10)));
  std::vector<fakes::RecordedMessage> sent = fake_->Requests();
  // A bucket of 20 tokens refilled at 20 per second holds at most 20 when
  // the first send leaves, so 30 sends need at least 0.5 s from it, however
  // slowly the test managed to queue them (the bucket refills meanwhile).
  EXPECT_GE(sent[29].received_at - sent[0].received_at, absl::Milliseconds(450));
  EXPECT_LT(sent[29].received_at - sent[0].received_at, absl::Seconds(3));

  fake_->Reset();
  for (int i = 0; i < 3; ++i) Send(guests[0], absl::StrCat("note ", i));
  ASSERT_TRUE(fake_->WaitForRequests(3, absl::Seconds(10)));
  sent = fake_->Requests();
  for (size_t i = 1; i < sent.size(); ++i) {
    EXPECT_GE(sent[i].received_at - sent[i - 1].received_at, absl::Milliseconds(250));
  }
}

TEST_F(CloudProviderTest, BadCredentialsKeepMessagesQueued) {
  StartBoth({}, "wrong-token");
  GuestWrites("447700900128");
  std::string id = Send("447700900128");
  ASSERT_TRUE(fake_->WaitForRequests(1, absl::Seconds(5)));
  absl::SleepFor(absl::Milliseconds(300));
  v1::MessageStatusResponse status = Status(id);
  EXPECT_EQ(status.status(), v1::MESSAGE_STATUS_QUEUED);
  EXPECT_EQ(status.failure_code(), 0);
  // Health says so for the messaging service.
  grpc::health::v1::HealthCheckRequest check;
  check.set_service("hotel.whatsapp.v1.MessagesService");
  grpc::health::v1::HealthCheckResponse health;
  Rpc rpc{"/grpc.health.v1.Health/Check", "GET", ""};
  ASSERT_TRUE(grpc_->Call(rpc, "", check, &health).ok);
  EXPECT_EQ(health.status(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
}

TEST_F(CloudProviderTest, ASendInterruptedByACrashIsSettledByMetasCallbackNotResent) {
  // Meta's callbacks come well within the grace period.
  StartBoth({"--reconcile_grace=4s"});
  std::vector<std::string> guests;
  for (int i = 0; i < 6; ++i) guests.push_back(absl::StrCat("4477009003", 10 + i));
  for (const std::string& g : guests) GuestWrites(g);
  // Meta takes its time with the first; the server dies while waiting for
  // the answer, with more messages queued or in flight behind it.
  fake_->SetRecipientBehavior(guests[0], fakes::Behavior::Accept().After(absl::Milliseconds(1500)));
  std::string id = Send(guests[0]);
  ASSERT_TRUE(fake_->WaitForRequests(1, absl::Seconds(5)));
  std::vector<std::string> others;
  for (int i = 1; i < 6; ++i) others.push_back(Send(guests[i]));
  server_->Kill();
  server_->Start();  // same data dir and REST port (Meta's callbacks go there)
  grpc_ = MakeGrpcSurface(server_->grpc_address());
  // The callbacks (carrying our id) settle it; once the grace period has
  // passed, nothing was sent again.
  ASSERT_TRUE(WaitForStatus(id, v1::MESSAGE_STATUS_READ));
  absl::SleepFor(absl::Seconds(4));
  EXPECT_EQ(fake_->CountFor(guests[0]), 1);
  for (int i = 1; i < 6; ++i) {
    EXPECT_TRUE(WaitForStatus(others[i - 1], v1::MESSAGE_STATUS_READ));
    EXPECT_EQ(fake_->CountFor(guests[i]), 1) << "exactly once";
  }
}

}  // namespace
}  // namespace wa::testing
