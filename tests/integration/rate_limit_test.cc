// API rate limits of a real wa-server: each token's request budget and the
// bound on a sender's queue, with their answers and recovery.

#include "hotel/whatsapp/v1/templates.pb.h"
#include "tests/integration/api_fixture.h"
#include "tests/integration/rate_limit_checks.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

Rpc ListTemplatesRpc() {
  return {"/hotel.whatsapp.v1.TemplatesService/ListTemplates", "GET",
          absl::StrCat(kApi, "/templates")};
}

TEST(RateLimitTest, ATokenOverItsBudgetIsToldWhenToComeBack) {
  // One request per two seconds after a burst of three: slow enough that a
  // busy machine cannot refill the bucket between the test's requests.
  ServerProcess server({"--api_requests_per_second=0.5", "--api_burst=3"});
  server.Start();
  std::string staff = server.CreateToken("staff");
  std::string other = server.CreateToken("staff");
  httplib::Client client("127.0.0.1", server.http_port());
  httplib::Headers auth = {{"Authorization", "Bearer " + staff}};
  const std::string path = absl::StrCat(kApi, "/templates");
  for (int i = 0; i < 3; ++i) {
    auto res = client.Get(path, auth);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << "within the burst: " << i;
  }
  // One request refills in two seconds.
  ExpectTokenBudgetRefusal(client.Get(path, auth), 2);

  // gRPC sees the same code and details.
  auto grpc = MakeGrpcSurface(server.grpc_address());
  v1::ListTemplatesResponse list;
  Outcome outcome = grpc->Call(ListTemplatesRpc(), staff, v1::ListTemplatesRequest(), &list);
  EXPECT_EQ(outcome.grpc_code, grpc::RESOURCE_EXHAUSTED);
  EXPECT_EQ(outcome.error.code(), "RATE_LIMIT_EXCEEDED");
  ASSERT_TRUE(outcome.error.details().fields().contains("retry_after_seconds"));
  double grpc_retry_after =
      outcome.error.details().fields().at("retry_after_seconds").number_value();

  EXPECT_EQ(client.Get(path, {{"Authorization", "Bearer " + other}})->status, 200)
      << "another token has its own budget";
  std::this_thread::sleep_for(
      std::chrono::milliseconds(static_cast<int>(grpc_retry_after * 1000) + 50));
  EXPECT_EQ(client.Get(path, auth)->status, 200) << "after the retry time the token may go on";
}

TEST(RateLimitTest, AFullSenderQueueRefusesSendsUntilItDrains) {
  ServerProcess server({"--send_rate_per_second=2", "--max_queue_backlog=3", "--pair_burst=100",
                        "--pair_interval=1ms"});
  server.Start();
  std::string admin = server.CreateToken("admin");
  std::string staff = server.CreateToken("staff");
  auto surface = MakeRestSurface(server.http_port());
  v1::SimulateInboundRequest inbound;
  inbound.set_guest_phone("+14155550100");
  inbound.set_text("hello");
  v1::SimulateInboundResponse written;
  ASSERT_TRUE(surface->Call(InboundRpc(), admin, inbound, &written).ok);

  v1::SendMessageRequest send;
  send.set_guest_phone("+14155550100");
  send.mutable_content()->set_text("Your table is ready");
  int accepted = 0;
  Outcome refused;
  for (int i = 0; i < 10; ++i) {
    v1::SendMessageResponse sent;
    Outcome outcome = surface->Call(SendMessageRpc(), staff, send, &sent);
    if (outcome.ok) {
      ++accepted;
    } else {
      refused = outcome;
    }
  }
  EXPECT_LT(accepted, 10);
  EXPECT_GE(accepted, 3);
  EXPECT_EQ(refused.http_status, 429);
  EXPECT_EQ(refused.error.code(), "RATE_LIMIT_EXCEEDED");
  EXPECT_EQ(refused.error.details().fields().at("scope").string_value(), "sender_queue");

  // At 2 per second the queue has room again within a few seconds.
  bool recovered = false;
  for (int i = 0; i < 50 && !recovered; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    v1::SendMessageResponse sent;
    recovered = surface->Call(SendMessageRpc(), staff, send, &sent).ok;
  }
  EXPECT_TRUE(recovered);
}

}  // namespace
}  // namespace wa::testing
