// Two wa-server instances on one PostgreSQL database, as behind a load
// balancer: together they keep the limits one would (the sender number's
// pace, each token's request budget), because the limits live in the
// database (domain/shared_rate_limiter.h). Runs in the suite's PostgreSQL
// pass (`postgresql:SharedLimitsTest.*`); SQLite serves one instance.
#include <cstdlib>
#include <map>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/conversations.pb.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "httplib.h"
#include "tests/fakes/fake_graph_api.h"
#include "tests/integration/rate_limit_checks.h"
#include "tests/integration/server_process.h"
#include "tests/integration/surface.h"
#include "tests/integration/wait.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

constexpr char kAppSecret[] = "test-app-secret";
constexpr char kTemplatesPath[] = "/api/v1/whatsapp/templates";

class SharedLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!TestsRunOnPostgres())
      GTEST_SKIP() << "several instances need PostgreSQL (postgresql: run)";
  }

  // Instance `a` and a second one on a's database, with the same flags.
  void StartTwo(std::vector<std::string> flags_a, std::vector<std::string> flags_b,
                ServerProcess::Env env = {}) {
    a_ = std::make_unique<ServerProcess>(flags_a, env);
    b_ = std::make_unique<ServerProcess>(flags_b, env);
    b_->ShareDatabaseOf(*a_);
    a_->Start();
    b_->Start();
  }

  std::unique_ptr<ServerProcess> a_;
  std::unique_ptr<ServerProcess> b_;
};

TEST_F(SharedLimitsTest, TheSenderNumbersPaceHoldsAcrossInstances) {
  // One sender number, both instances sending for it to the fake Graph
  // API; each names itself by the Graph API version in its requests' path.
  int http_port = FreeLoopbackPort();
  fakes::FakeGraphApiOptions options;
  options.webhook_url =
      absl::StrCat("http://127.0.0.1:", http_port, "/api/v1/whatsapp/provider/webhook");
  options.app_secret = kAppSecret;
  auto fake = std::make_unique<fakes::FakeGraphApi>(options);
  ASSERT_TRUE(fake->Start());
  // 4 messages a second after a burst of 4; the guest's pair rate is out
  // of the way.
  const double rate = 4, burst = 4;
  std::vector<std::string> flags = {"--provider=cloud",
                                    "--cloud_api_base_url=" + fake->base_url(),
                                    "--phone_number_id=" + options.phone_number_id,
                                    "--send_rate_per_second=4",
                                    "--pair_burst=1000",
                                    "--pair_interval=1ms"};
  std::vector<std::string> flags_a = flags, flags_b = flags;
  flags_a.insert(flags_a.end(), {absl::StrCat("--http_listen=127.0.0.1:", http_port),
                                 "--cloud_api_version=v23.0"});
  flags_b.push_back("--cloud_api_version=v22.0");
  StartTwo(flags_a, flags_b,
           {{"WA_CLOUD_ACCESS_TOKEN", options.access_token},
            {"WA_META_APP_SECRET", kAppSecret},
            {"WA_META_VERIFY_TOKEN", "verify-token"}});
  std::string staff = a_->CreateToken("staff");
  auto grpc_a = MakeGrpcSurface(a_->grpc_address());
  auto grpc_b = MakeGrpcSurface(b_->grpc_address());

  // The guest writes first (through Meta, to instance a): the window opens.
  const std::string guest = "447700900555";
  ASSERT_EQ(fake->PostNotification(fake->InboundTextNotification(guest, "Maria", "Hi")), 200);
  ASSERT_TRUE(WaitUntil([&] {
    v1::ListConversationsRequest request;
    request.set_guest_phone("+" + guest);
    v1::ListConversationsResponse response;
    Rpc rpc{"/hotel.whatsapp.v1.ConversationsService/ListConversations", "GET", ""};
    return grpc_b->Call(rpc, staff, request, &response).ok && response.conversations_size() == 1;
  }));

  // Sends through both instances; both send queues see all of them.
  const int kMessages = 30;
  for (int i = 0; i < kMessages; ++i) {
    v1::SendMessageRequest request;
    request.set_guest_phone("+" + guest);
    request.mutable_content()->set_text(absl::StrCat("note ", i));
    v1::SendMessageResponse response;
    Rpc rpc{"/hotel.whatsapp.v1.MessagesService/SendMessage", "POST", ""};
    Outcome outcome = (i % 2 ? grpc_b : grpc_a)->Call(rpc, staff, request, &response);
    ASSERT_TRUE(outcome.ok) << outcome.error.DebugString();
  }
  ASSERT_TRUE(fake->WaitForRequests(kMessages, absl::Seconds(60)));
  std::vector<fakes::RecordedMessage> sent = fake->Requests();
  std::map<std::string, int> by_instance;
  for (const fakes::RecordedMessage& m : sent) {
    by_instance[absl::StartsWith(m.path, "/v23.0/") ? "a" : "b"]++;
  }
  // Both took part: one instance alone would pass without sharing anything.
  EXPECT_GT(by_instance["a"], 0);
  EXPECT_GT(by_instance["b"], 0);
  // Every send took a token of the one budget first: 30 sends need at least
  // (30 - burst) / rate = 6.5 s between the first and the last. Two
  // budgets of 4 a second would do it in about 3 s. The margin is for the
  // time between a token's take and the request's arrival, which varies.
  absl::Duration span = sent[kMessages - 1].received_at - sent[0].received_at;
  RecordProperty("sent_by_a", by_instance["a"]);
  RecordProperty("sent_by_b", by_instance["b"]);
  RecordProperty("span_ms", static_cast<int>(absl::ToInt64Milliseconds(span)));
  EXPECT_GE(span, absl::Seconds((kMessages - burst) / rate) - absl::Milliseconds(1500))
      << "a: " << by_instance["a"] << " b: " << by_instance["b"];
  // And the pace is kept, not starved.
  EXPECT_LT(span, absl::Seconds(20));
}

TEST_F(SharedLimitsTest, ATokenOverItsBudgetOnOneInstanceIsRefusedOnTheOther) {
  // One request per five seconds after a burst of three: the test's few
  // requests take far less than five seconds, even on a busy machine.
  std::vector<std::string> flags = {"--api_requests_per_second=0.2", "--api_burst=3"};
  StartTwo(flags, flags);
  std::string staff = a_->CreateToken("staff");
  std::string other = a_->CreateToken("staff");
  httplib::Client rest_a("127.0.0.1", a_->http_port());
  httplib::Client rest_b("127.0.0.1", b_->http_port());
  httplib::Headers auth = {{"Authorization", "Bearer " + staff}};

  // The burst of three, spent across both instances.
  for (httplib::Client* client : {&rest_a, &rest_b, &rest_a}) {
    auto res = client->Get(kTemplatesPath, auth);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
  }
  // Spent on either instance: the contract's RATE_LIMIT_EXCEEDED, 429.
  // One request refills in five seconds.
  for (httplib::Client* client : {&rest_b, &rest_a}) {
    ExpectTokenBudgetRefusal(client->Get(kTemplatesPath, auth), 5);
  }
  // gRPC on the other instance: RESOURCE_EXHAUSTED with the same details.
  auto grpc_b = MakeGrpcSurface(b_->grpc_address());
  Rpc list{"/hotel.whatsapp.v1.TemplatesService/ListTemplates", "GET", kTemplatesPath};
  v1::ListTemplatesResponse response;
  Outcome outcome = grpc_b->Call(list, staff, v1::ListTemplatesRequest(), &response);
  EXPECT_EQ(outcome.grpc_code, grpc::RESOURCE_EXHAUSTED);
  EXPECT_EQ(outcome.error.code(), "RATE_LIMIT_EXCEEDED");
  ASSERT_TRUE(outcome.error.details().fields().contains("retry_after_seconds"));
  double retry_after = outcome.error.details().fields().at("retry_after_seconds").number_value();

  EXPECT_EQ(rest_b.Get(kTemplatesPath, {{"Authorization", "Bearer " + other}})->status, 200)
      << "another token has its own budget";
  // Once the retry time has passed, either instance lets the token go on.
  std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(retry_after * 1000) + 50));
  EXPECT_EQ(rest_b.Get(kTemplatesPath, auth)->status, 200);
}

}  // namespace
}  // namespace wa::testing
