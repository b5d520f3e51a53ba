// Request ids and the log of a real wa-server: REST answers carry
// X-Request-Id (the caller's, or a new one), gRPC answers carry
// x-request-id in their initial metadata, the server logs each call as one
// JSON line with that id, and no line holds a token.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/conversations.grpc.pb.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/integration/server_process.h"

namespace wa::testing {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using ::nlohmann::json;

bool IsHex32(const std::string& id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string InitialMetadata(const grpc::ClientContext& context, const std::string& key) {
  auto it = context.GetServerInitialMetadata().find(key);
  if (it == context.GetServerInitialMetadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

class RequestIdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.CaptureStderr();
    server_.Start();
    token_ = server_.CreateToken("admin");
    http_ = std::make_unique<httplib::Client>("127.0.0.1", server_.http_port());
    stub_ = v1::ConversationsService::NewStub(
        grpc::CreateChannel(server_.grpc_address(), grpc::InsecureChannelCredentials()));
  }

  // Every line of the server's log, each parsed as JSON (a line that is not
  // JSON fails the test).
  std::vector<json> LogLines() {
    std::vector<json> lines;
    for (absl::string_view line : absl::StrSplit(server_.Stderr(), '\n', absl::SkipEmpty())) {
      json parsed = json::parse(line, nullptr, /*allow_exceptions=*/false);
      EXPECT_TRUE(parsed.is_object()) << "not a JSON object: " << line;
      lines.push_back(std::move(parsed));
    }
    return lines;
  }

  // The "rpc" line of the call with this request id, waiting briefly for it.
  json RpcLine(const std::string& request_id) {
    for (int attempt = 0; attempt < 50; ++attempt) {
      for (const json& line : LogLines()) {
        if (line.value("msg", "") == "rpc" && line.value("request_id", "") == request_id) {
          return line;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return json();
  }

  ServerProcess server_;
  std::string token_;
  std::unique_ptr<httplib::Client> http_;
  std::unique_ptr<v1::ConversationsService::Stub> stub_;
};

TEST_F(RequestIdTest, RestAnswersCarryTheIdAndTheLogHasIt) {
  httplib::Headers auth = {{"Authorization", "Bearer " + token_}};
  const std::string path = "/api/v1/whatsapp/conversations?page_size=1";

  auto generated = http_->Get(path, auth);
  ASSERT_TRUE(generated);
  EXPECT_EQ(generated->status, 200);
  const std::string new_id = generated->get_header_value("X-Request-Id");
  EXPECT_TRUE(IsHex32(new_id)) << new_id;

  httplib::Headers given = auth;
  given.emplace("X-Request-Id", "it-rest-42");
  auto echoed = http_->Get(path, given);
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->get_header_value("X-Request-Id"), "it-rest-42");

  // Errors carry it too: the server's, and the gateway's own.
  httplib::Headers refused_headers = auth;
  refused_headers.emplace("X-Request-Id", "it-rest-404");
  auto refused = http_->Get("/api/v1/whatsapp/conversations/conv_nope", refused_headers);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 404);
  EXPECT_EQ(refused->get_header_value("X-Request-Id"), "it-rest-404");
  auto no_route = http_->Get("/nowhere");
  ASSERT_TRUE(no_route);
  EXPECT_EQ(no_route->status, 404);
  EXPECT_TRUE(IsHex32(no_route->get_header_value("X-Request-Id")));
  auto unauthenticated = http_->Get(path);
  ASSERT_TRUE(unauthenticated);
  EXPECT_EQ(unauthenticated->status, 401);
  EXPECT_TRUE(IsHex32(unauthenticated->get_header_value("X-Request-Id")));

  // An id that is too long or not printable is replaced, not echoed.
  httplib::Headers too_long = auth;
  too_long.emplace("X-Request-Id", std::string(129, 'x'));
  auto replaced = http_->Get(path, too_long);
  ASSERT_TRUE(replaced);
  EXPECT_TRUE(IsHex32(replaced->get_header_value("X-Request-Id")));

  json line = RpcLine("it-rest-42");
  ASSERT_TRUE(line.is_object()) << server_.Stderr();
  EXPECT_EQ(line["method"], "/hotel.whatsapp.v1.ConversationsService/ListConversations");
  EXPECT_EQ(line["code"], "OK");
  EXPECT_EQ(line["level"], "INFO");
  EXPECT_TRUE(line["time"].is_string());
  EXPECT_TRUE(line["duration_ms"].is_number());
  EXPECT_TRUE(RpcLine(new_id).is_object()) << "the generated id reached the server";
  json not_found = RpcLine("it-rest-404");
  ASSERT_TRUE(not_found.is_object());
  EXPECT_EQ(not_found["code"], "NOT_FOUND");
}

TEST_F(RequestIdTest, GrpcAnswersCarryTheIdInInitialMetadata) {
  v1::ListConversationsRequest request;
  v1::ListConversationsResponse response;

  grpc::ClientContext generated;
  generated.AddMetadata("authorization", "Bearer " + token_);
  ASSERT_TRUE(stub_->ListConversations(&generated, request, &response).ok());
  const std::string new_id = InitialMetadata(generated, "x-request-id");
  EXPECT_TRUE(IsHex32(new_id)) << new_id;

  grpc::ClientContext given;
  given.AddMetadata("authorization", "Bearer " + token_);
  given.AddMetadata("x-request-id", "it-grpc-7");
  ASSERT_TRUE(stub_->ListConversations(&given, request, &response).ok());
  EXPECT_EQ(InitialMetadata(given, "x-request-id"), "it-grpc-7");

  json line = RpcLine("it-grpc-7");
  ASSERT_TRUE(line.is_object()) << server_.Stderr();
  EXPECT_EQ(line["method"], "/hotel.whatsapp.v1.ConversationsService/ListConversations");
  EXPECT_TRUE(RpcLine(new_id).is_object());
}

TEST_F(RequestIdTest, EveryLineIsJsonAndNoneHoldsAToken) {
  // The token sent as the request id too: it must still not reach the log.
  httplib::Headers headers = {{"Authorization", "Bearer " + token_}, {"X-Request-Id", token_}};
  auto res = http_->Get("/api/v1/whatsapp/conversations?page_size=1", headers);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer not-a-token");
  v1::ListConversationsResponse response;
  EXPECT_FALSE(stub_->ListConversations(&context, {}, &response).ok());
  server_.Stop();  // flushes the last lines

  std::vector<json> lines = LogLines();
  EXPECT_GE(lines.size(), 4u);  // started, two rpc lines, stopping
  for (const json& line : lines) {
    EXPECT_TRUE(line.contains("time") && line.contains("level") && line.contains("msg")) << line;
  }
  const std::string text = server_.Stderr();
  EXPECT_EQ(text.find(token_.substr(4)), std::string::npos) << text;
  EXPECT_EQ(text.find("not-a-token"), std::string::npos) << text;
}

}  // namespace
}  // namespace wa::testing
