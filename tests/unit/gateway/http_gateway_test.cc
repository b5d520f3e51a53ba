// End-to-end over loopback: a real gRPC server with a tiny fake of one of
// the project's services, the gateway on an ephemeral port, and httplib's
// client speaking HTTP to it.
#include "gateway/http_gateway.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "gateway/http_response.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "hotel/whatsapp/v1/common.pb.h"
#include "hotel/whatsapp/v1/conversations.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "tests/unit/gateway/fake_conversations.h"
#include "tests/unit/gateway/tcp_segments.h"

namespace wa::gateway {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using ::nlohmann::json;
using ::testing::HasSubstr;

using testing::kConversations;

class HttpGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &grpc_port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
  }

  void TearDown() override {
    if (gateway_) gateway_->Stop();
    server_->Shutdown();
  }

  HttpGateway::Options GatewayOptions() {
    HttpGateway::Options options;
    options.port = 0;
    options.threads = 4;
    options.max_body_bytes = 1024;
    options.services = {"hotel.whatsapp.v1.ConversationsService", "hotel.whatsapp.v1.MediaService"};
    return options;
  }

  // Builds the gateway on the server's in-process channel; adapters may be
  // added before StartGateway().
  void MakeGateway() {
    gateway_ = std::make_unique<HttpGateway>(server_->InProcessChannel(grpc::ChannelArguments()),
                                             GatewayOptions());
  }

  void StartGateway() {
    if (!gateway_) MakeGateway();
    absl::StatusOr<int> port = gateway_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    http_port_ = *port;
    client_ = std::make_unique<httplib::Client>("127.0.0.1", http_port_);
  }

  static json Body(const httplib::Result& res) { return json::parse(res->body); }

  static void ExpectJsonError(const httplib::Result& res, int status, const std::string& code) {
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, status) << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
    json j = json::parse(res->body);
    EXPECT_EQ(j["error"]["code"], code) << res->body;
    EXPECT_TRUE(j["error"]["details"].is_object());
    EXPECT_TRUE(j["error"]["recovery_options"].is_array());
  }

  testing::FakeConversations service_;
  std::unique_ptr<grpc::Server> server_;
  int grpc_port_ = 0;
  std::unique_ptr<HttpGateway> gateway_;
  int http_port_ = 0;
  std::unique_ptr<httplib::Client> client_;
};

const httplib::Headers kAuth = {{"Authorization", "Bearer tok_staff"}, {"X-Request-Id", "req-7"}};

TEST_F(HttpGatewayTest, SuccessIsJsonWithEveryField) {
  StartGateway();
  auto res = client_->Get(std::string(kConversations) + "/conv_abc123?message_limit=5", kAuth);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  json j = Body(res);
  EXPECT_EQ(j["conversation_id"], "conv_abc123");
  EXPECT_EQ(j["status"], "active");
  EXPECT_EQ(j["created_at"], "2024-01-15T10:00:00Z");
  EXPECT_EQ(j["messages"], json::array());
  EXPECT_EQ(j["resolved_at"], nullptr);
  EXPECT_EQ(j["follow_up_required"], false);
  EXPECT_EQ(j["message_count"], 5);
}

TEST_F(HttpGatewayTest, ForwardsAuthorizationAndRequestId) {
  StartGateway();
  auto res = client_->Get(std::string(kConversations) + "/conv_1", kAuth);
  ASSERT_TRUE(res);
  json j = Body(res);
  EXPECT_EQ(j["resolved_by"], "Bearer tok_staff");
  EXPECT_EQ(j["resolution_notes"], "req-7");

  ExpectJsonError(client_->Get(std::string(kConversations) + "/conv_1"), 401, "UNAUTHENTICATED");
}

TEST_F(HttpGatewayTest, EveryAnswerCarriesTheRequestIdTheRpcSaw) {
  StartGateway();
  auto given = client_->Get(std::string(kConversations) + "/conv_1", kAuth);
  ASSERT_TRUE(given);
  EXPECT_EQ(given->get_header_value("X-Request-Id"), "req-7");

  // None (or an unusable one): a new id, the same in the answer and the RPC.
  const httplib::Headers unusable = {{"Authorization", "Bearer tok_staff"},
                                     {"X-Request-Id", std::string(200, 'x')}};
  for (const httplib::Headers& headers :
       {httplib::Headers{{"Authorization", "Bearer t"}}, unusable}) {
    auto res = client_->Get(std::string(kConversations) + "/conv_1", headers);
    ASSERT_TRUE(res);
    const std::string id = res->get_header_value("X-Request-Id");
    EXPECT_EQ(id.size(), 32u) << id;
    EXPECT_EQ(Body(res)["resolution_notes"], id);
  }

  // Errors too: the gateway's own, and httplib's before routing.
  auto missing = client_->Get("/nowhere", kAuth);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->get_header_value("X-Request-Id"), "req-7");
  const std::string big = R"({"resolution_notes":")" + std::string(4096, 'x') + R"("})";
  auto too_large = client_->Post(std::string(kConversations) + "/conv_1/resolve", kAuth, big,
                                 "application/json");
  ASSERT_TRUE(too_large);
  EXPECT_EQ(too_large->status, 413);
  EXPECT_FALSE(too_large->get_header_value("X-Request-Id").empty());
}

TEST_F(HttpGatewayTest, ForwardsTheIdempotencyKeyAsMetadata) {
  StartGateway();
  httplib::Headers headers = kAuth;
  headers.emplace("Idempotency-Key", "order-42");
  auto res = client_->Get(std::string(kConversations) + "/conv_1", headers);
  ASSERT_TRUE(res);
  EXPECT_EQ(Body(res)["metadata"]["idempotency-key"], "order-42");
  res = client_->Get(std::string(kConversations) + "/conv_1", kAuth);
  ASSERT_TRUE(res);
  EXPECT_EQ(Body(res)["metadata"], json::object()) << "nothing when the header is absent";
}

TEST_F(HttpGatewayTest, HeaderGrpcCannotCarryIsDroppedNotFatal) {
  StartGateway();
  // gRPC aborts the process on metadata outside printable ASCII; the gateway
  // must drop such a header rather than pass it on.
  const httplib::Headers bad = {{"Authorization", "Bearer caf\xc3\xa9"}};
  ExpectJsonError(client_->Get(std::string(kConversations) + "/conv_1", bad), 401,
                  "UNAUTHENTICATED");
}

TEST_F(HttpGatewayTest, OversizedBodyIs413) {
  StartGateway();
  const std::string big = R"({"resolution_notes":")" + std::string(4096, 'x') + R"("})";
  auto res = client_->Post(std::string(kConversations) + "/conv_1/resolve", kAuth, big,
                           "application/json");
  ExpectJsonError(res, 413, "PAYLOAD_TOO_LARGE");
}

TEST_F(HttpGatewayTest, PortInUseFailsStart) {
  StartGateway();
  HttpGateway::Options options = GatewayOptions();
  options.port = http_port_;
  HttpGateway second(server_->InProcessChannel(grpc::ChannelArguments()), options);
  absl::StatusOr<int> port = second.Start();
  ASSERT_FALSE(port.ok());
  EXPECT_THAT(std::string(port.status().message()), HasSubstr("cannot listen"));
}

TEST_F(HttpGatewayTest, WorksOverARemoteChannelAndStopsCleanly) {
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(grpc_port_),
                                     grpc::InsecureChannelCredentials());
  gateway_ = std::make_unique<HttpGateway>(channel, GatewayOptions());
  StartGateway();
  auto res = client_->Get(std::string(kConversations) + "/conv_1", kAuth);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_FALSE(gateway_->Start().ok());  // already running
  gateway_->Stop();
  gateway_->Stop();  // idempotent
  EXPECT_FALSE(client_->Get(std::string(kConversations) + "/conv_1", kAuth));
}

TEST_F(HttpGatewayTest, StopWaitsAtMostTheKeepAliveTimeoutForIdleClients) {
  HttpGateway::Options options = GatewayOptions();
  options.keep_alive_timeout_seconds = 1;
  gateway_ =
      std::make_unique<HttpGateway>(server_->InProcessChannel(grpc::ChannelArguments()), options);
  StartGateway();
  client_->set_keep_alive(true);
  ASSERT_TRUE(client_->Get(std::string(kConversations) + "/conv_1", kAuth));
  const auto start = std::chrono::steady_clock::now();
  gateway_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

// One keep-alive connection spoken to byte by byte, as a load tool does.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~RawConnection() { close(fd_); }

  // Sends `method` on `path` and reads its answer, waiting at most a
  // second for each piece; the status line, or "" if none came in time.
  std::string Ask(const std::string& method, const std::string& path) {
    std::string request = method + " " + path +
                          " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer tok_staff\r\n\r\n";
    if (!connected_ || send(fd_, request.data(), request.size(), MSG_NOSIGNAL) < 0) return "";
    std::string in;
    size_t head_end = std::string::npos;
    while ((head_end = in.find("\r\n\r\n")) == std::string::npos) {
      if (!Receive(in)) return "";
    }
    size_t length = 0;
    size_t at = in.find("Content-Length: ");
    if (at != std::string::npos && method != "HEAD") length = std::stoul(in.substr(at + 16));
    while (in.size() < head_end + 4 + length) {
      if (!Receive(in)) return "";
    }
    return in.substr(0, in.find("\r\n"));
  }

  uint32_t DataSegmentsIn() const { return testing::DataSegmentsIn(fd_); }

 private:
  bool Receive(std::string& in) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 1000) != 1) return false;
    char buffer[4096];
    ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    if (n <= 0) return false;
    in.append(buffer, static_cast<size_t>(n));
    return true;
  }

  int fd_;
  bool connected_ = false;
};

// An answer's head waits for its body and leaves with it: one segment per
// answer, not two (LimitedStream::write).
TEST_F(HttpGatewayTest, AnAnswerLeavesInOneSegmentWithItsHead) {
  StartGateway();
  RawConnection connection(http_port_);
  constexpr int kAnswers = 20;
  for (int i = 0; i < kAnswers; ++i) {
    ASSERT_EQ(connection.Ask("GET", std::string(kConversations) + "/conv_1"), "HTTP/1.1 200 OK");
  }
  EXPECT_EQ(connection.DataSegmentsIn(), static_cast<uint32_t>(kAnswers));
}

// A head that announces a body that never follows (HEAD) is not held back
// while the connection waits for the next request.
TEST_F(HttpGatewayTest, AHeadAnswerIsSentThoughNoBodyFollows) {
  StartGateway();
  RawConnection connection(http_port_);
  const std::string path = std::string(kConversations) + "/conv_1";
  EXPECT_EQ(connection.Ask("HEAD", path), "HTTP/1.1 200 OK");
  EXPECT_EQ(connection.Ask("GET", path), "HTTP/1.1 200 OK");
  EXPECT_EQ(connection.Ask("HEAD", path), "HTTP/1.1 200 OK");
}

// The kernel's queue of connections not yet accepted is the one the options
// ask for (capped by net.core.somaxconn), not cpp-httplib's 5. `ss` shows a
// listening socket's backlog in its Send-Q column.
TEST_F(HttpGatewayTest, ListensWithTheConfiguredBacklog) {
  HttpGateway::Options options = GatewayOptions();
  options.listen_backlog = 300;
  gateway_ =
      std::make_unique<HttpGateway>(server_->InProcessChannel(grpc::ChannelArguments()), options);
  StartGateway();
  int somaxconn = 0;
  std::ifstream("/proc/sys/net/core/somaxconn") >> somaxconn;
  std::string command = "ss -ltnH 'sport = :" + std::to_string(http_port_) + "'";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char state[32] = {};
  int recv_q = -1;
  int send_q = -1;
  ASSERT_EQ(fscanf(pipe, "%31s %d %d", state, &recv_q, &send_q), 3) << command;
  pclose(pipe);
  EXPECT_STREQ(state, "LISTEN");
  EXPECT_EQ(send_q, std::min(300, somaxconn));
}

}  // namespace
}  // namespace wa::gateway
