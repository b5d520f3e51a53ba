// The gateway's routing without a socket: a gRPC server with no port,
// reached over its in-process channel, and requests built in memory as the
// transport would hand them over.
#include "gateway/http_router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "gateway/http_response.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "nlohmann/json.hpp"
#include "tests/unit/gateway/fake_conversations.h"

namespace wa::gateway {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using ::nlohmann::json;
using ::testing::HasSubstr;

using testing::kConversations;

class HttpRouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    router_ = std::make_unique<HttpRouter>(server_->InProcessChannel(grpc::ChannelArguments()),
                                           Options());
  }

  void TearDown() override { server_->Shutdown(); }

  static HttpRouter::Options Options() {
    HttpRouter::Options options;
    options.max_body_bytes = 1024;
    options.max_streaming_body_bytes = 1 << 20;
    options.services = {"hotel.whatsapp.v1.ConversationsService", "hotel.whatsapp.v1.MediaService"};
    return options;
  }

  void Build() { ASSERT_TRUE(router_->Build().ok()); }

  // What the transport hands over: the raw target, its parsed query, the
  // headers and the whole body.
  static httplib::Request Request(std::string method, std::string target, std::string body = "") {
    httplib::Request req;
    req.method = std::move(method);
    req.target = std::move(target);
    if (size_t q = req.target.find('?'); q != std::string::npos) {
      httplib::detail::parse_query_text(req.target.substr(q + 1), req.params);
    }
    req.body = std::move(body);
    req.set_header("Authorization", "Bearer tok_staff");
    if (!req.body.empty()) req.set_header("Content-Type", "application/json");
    return req;
  }

  httplib::Response Serve(const httplib::Request& req) const {
    httplib::Response res;
    router_->Handle(req, res);
    return res;
  }

  static json ExpectError(const httplib::Response& res, int status, const std::string& code) {
    EXPECT_EQ(res.status, status) << res.body;
    EXPECT_EQ(res.get_header_value("Content-Type"), "application/json");
    json j = json::parse(res.body);
    EXPECT_EQ(j["error"]["code"], code) << res.body;
    EXPECT_TRUE(j["error"]["details"].is_object());
    EXPECT_TRUE(j["error"]["recovery_options"].is_array());
    return j;
  }

  testing::FakeConversations service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<HttpRouter> router_;
};

TEST_F(HttpRouterTest, ARouteIsTranscodedToItsRpcAndBack) {
  Build();
  httplib::Response res =
      Serve(Request("GET", std::string(kConversations) + "/conv_abc123?message_limit=5"));
  ASSERT_EQ(res.status, 200) << res.body;
  json j = json::parse(res.body);
  EXPECT_EQ(j["conversation_id"], "conv_abc123");
  EXPECT_EQ(j["status"], "active");
  EXPECT_EQ(j["created_at"], "2024-01-15T10:00:00Z");
  EXPECT_EQ(j["message_count"], 5);
  EXPECT_EQ(j["resolved_by"], "Bearer tok_staff") << "the Authorization header reaches the RPC";
}

TEST_F(HttpRouterTest, RpcErrorDetailBecomesTheReferenceBody) {
  Build();
  json j = ExpectError(Serve(Request("GET", std::string(kConversations) + "/expired")), 403,
                       "MESSAGE_WINDOW_EXPIRED");
  EXPECT_EQ(j["error"]["message"], "Cannot send free-form message outside 24-hour window");
  EXPECT_EQ(j["error"]["details"]["guest_phone"], "+1234567890");
  EXPECT_EQ(j["error"]["recovery_options"][0], "Use approved template message");
}

TEST_F(HttpRouterTest, QueryParametersAreTranscoded) {
  Build();
  httplib::Response res =
      Serve(Request("GET", std::string(kConversations) +
                               "?guest_phone=%2B1234567890&status=RESOLVED&page_size=3"));
  ASSERT_EQ(res.status, 200) << res.body;
  json c = json::parse(res.body)["conversations"][0];
  EXPECT_EQ(c["guest_phone"], "+1234567890");
  EXPECT_EQ(c["status"], "resolved");
  EXPECT_EQ(c["message_count"], 3);

  json j = ExpectError(Serve(Request("GET", std::string(kConversations) + "?colour=red")), 400,
                       "INVALID_ARGUMENT");
  EXPECT_THAT(j["error"]["message"].get<std::string>(), HasSubstr("colour"));
  // An unencoded `+` arrives as a space: the error says how to write it.
  j = ExpectError(Serve(Request("GET", std::string(kConversations) + "?guest_phone=+1&colour=x")),
                  400, "INVALID_ARGUMENT");
  EXPECT_THAT(j["error"]["recovery_options"].dump(), HasSubstr("%2B"));
}

TEST_F(HttpRouterTest, BodyAndPathVariable) {
  Build();
  httplib::Response res = Serve(Request("POST", std::string(kConversations) + "/conv_9/resolve",
                                        R"({"conversation_id":"ignored","resolution_notes":"done",
                                            "satisfaction_rating":5,"follow_up_required":true})"));
  ASSERT_EQ(res.status, 200) << res.body;
  json j = json::parse(res.body);
  EXPECT_EQ(j["conversation_id"], "conv_9");
  EXPECT_EQ(j["status"], "resolved");
  EXPECT_EQ(j["resolution_notes"], "done");
  EXPECT_EQ(j["satisfaction_rating"], 5);
  EXPECT_EQ(j["follow_up_required"], true);
}

TEST_F(HttpRouterTest, BadJsonIs400NamingTheField) {
  Build();
  const std::string path = std::string(kConversations) + "/conv_9/resolve";
  json j = ExpectError(Serve(Request("POST", path, R"({"satisfaction_rating":"lots"})")), 400,
                       "INVALID_ARGUMENT");
  EXPECT_THAT(j["error"]["message"].get<std::string>(),
              HasSubstr("satisfaction_rating: expected an integer"));
  j = ExpectError(Serve(Request("POST", path, R"({"resolution_notes": )")), 400,
                  "INVALID_ARGUMENT");
  EXPECT_THAT(j["error"]["message"].get<std::string>(), HasSubstr("malformed JSON"));
  // Found by fuzzing: this was a 500 from the exception httplib caught.
  ExpectError(Serve(Request("POST", path, R"({"satisfaction_rating": 1E400})")), 400,
              "INVALID_ARGUMENT");
}

TEST_F(HttpRouterTest, ABodyThatIsNotJsonIs415) {
  Build();
  // curl -d's form encoding.
  httplib::Request req = Request("POST", std::string(kConversations) + "/conv_9/resolve");
  req.body = "resolution_notes=done";
  req.set_header("Content-Type", "application/x-www-form-urlencoded");
  json j = ExpectError(Serve(req), 415, "UNSUPPORTED_MEDIA_TYPE");
  EXPECT_THAT(j["error"]["message"].get<std::string>(), HasSubstr("application/json"));
}

TEST_F(HttpRouterTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  Build();
  ExpectError(Serve(Request("GET", "/api/v1/whatsapp/nothing-here")), 404, "NOT_FOUND");
  ExpectError(Serve(Request("POST", "/nope", "{}")), 404, "NOT_FOUND");
  httplib::Response res = Serve(Request("DELETE", std::string(kConversations) + "/conv_1"));
  ExpectError(res, 405, "METHOD_NOT_ALLOWED");
  EXPECT_EQ(res.get_header_value("Allow"), "GET");
  res = Serve(Request("GET", std::string(kConversations) + "/conv_1/resolve"));
  ExpectError(res, 405, "METHOD_NOT_ALLOWED");
  EXPECT_EQ(res.get_header_value("Allow"), "POST");
}

TEST_F(HttpRouterTest, StreamingRouteWithoutAdapterIs501) {
  Build();
  ExpectError(Serve(Request("POST", "/api/v1/whatsapp/media/upload", "{}")), 501, "UNIMPLEMENTED");
}

TEST_F(HttpRouterTest, AdaptersShareTheMatcherAndComeFirst) {
  router_->AddAdapter("POST", "/api/v1/whatsapp/media/upload",
                      [](const httplib::Request& req, httplib::Response& res) {
                        WriteJson(res, 201, json({{"bytes", req.body.size()}}).dump());
                      });
  router_->AddBoundAdapter(
      "GET", "/api/v1/whatsapp/media/{media_id}/content",
      [](const httplib::Request&, httplib::Response& res, const PathBindings& bindings) {
        res.set_content(bindings.at(0).second, "text/plain");
      });
  // An adapter calling an RPC through the helper gets the same JSON and errors.
  router_->AddBoundAdapter(
      "GET", "/custom/{id}",
      [this](const httplib::Request& req, httplib::Response& res, const PathBindings& bindings) {
        v1::GetConversationRequest request;
        request.set_conversation_id(bindings.at(0).second);
        v1::Conversation response;
        router_->CallAndRender(req, "/hotel.whatsapp.v1.ConversationsService/GetConversation",
                               request, &response, res);
      });
  Build();

  httplib::Response res = Serve(Request("POST", "/api/v1/whatsapp/media/upload", "12345"));
  EXPECT_EQ(res.status, 201);
  EXPECT_EQ(json::parse(res.body)["bytes"], 5);
  EXPECT_EQ(Serve(Request("GET", "/api/v1/whatsapp/media/med%201/content")).body, "med 1");
  res = Serve(Request("GET", "/custom/conv_5"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(json::parse(res.body)["conversation_id"], "conv_5");
  ExpectError(Serve(Request("GET", "/custom/expired")), 403, "MESSAGE_WINDOW_EXPIRED");
  res = Serve(Request("DELETE", "/custom/conv_5"));
  ExpectError(res, 405, "METHOD_NOT_ALLOWED");
  EXPECT_EQ(res.get_header_value("Allow"), "GET");
}

TEST_F(HttpRouterTest, EachRouteHasItsBodyCap) {
  router_->AddAdapter(
      "POST", "/small", [](const httplib::Request&, httplib::Response& res) { res.status = 204; },
      /*max_body_bytes=*/8);
  router_->AddStreamingAdapter(
      "POST", "/stream", [](auto&, httplib::Response& res, auto&, auto&) { res.status = 204; });
  Build();
  EXPECT_EQ(router_->BodyRuleFor(Request("POST", "/small")).cap, 8u);
  EXPECT_FALSE(router_->BodyRuleFor(Request("POST", "/small")).streaming);
  EXPECT_EQ(router_->BodyRuleFor(Request("POST", "/stream")).cap, 1u << 20);
  EXPECT_TRUE(router_->BodyRuleFor(Request("POST", "/stream")).streaming);
  // Unknown paths and transcoded routes: the default cap.
  EXPECT_EQ(router_->BodyRuleFor(Request("POST", "/unknown")).cap, 1024u);
  EXPECT_EQ(router_->LargestBodyCap(), 1u << 20);
  // A chunked body passes the wire check; the router holds it to its route's cap.
  ExpectError(Serve(Request("POST", "/small", "123456789")), 413, "PAYLOAD_TOO_LARGE");
  EXPECT_EQ(Serve(Request("POST", "/small", "12345678")).status, 204);
}

TEST_F(HttpRouterTest, BuildFailsOnABadPatternAnUnknownServiceOrABodilessStream) {
  router_->AddAdapter("GET", "no-leading-slash",
                      [](const httplib::Request&, httplib::Response&) {});
  EXPECT_FALSE(router_->Build().ok());

  HttpRouter::Options options = Options();
  options.services = {"hotel.whatsapp.v1.Nope"};
  HttpRouter unknown(server_->InProcessChannel(grpc::ChannelArguments()), options);
  EXPECT_FALSE(unknown.Build().ok());

  HttpRouter get_stream(server_->InProcessChannel(grpc::ChannelArguments()), Options());
  get_stream.AddStreamingAdapter("GET", "/x", [](auto&, auto&, auto&, auto&) {});
  absl::Status status = get_stream.Build();
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()), HasSubstr("only POST, PUT, PATCH and DELETE"));
}

}  // namespace
}  // namespace wa::gateway
