// HttpGateway's streaming adapters: bodies read as they arrive, up to their
// own limit, while every other route keeps max_body_bytes.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "gateway/http_gateway.h"
#include "gateway/http_response.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "hotel/whatsapp/v1/conversations.grpc.pb.h"
#include "nlohmann/json.hpp"

namespace wa::gateway {
namespace {

using ::nlohmann::json;

class StreamingAdapterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &grpc_port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    HttpGateway::Options options;
    options.port = 0;
    options.threads = 4;
    options.max_body_bytes = 1024;
    options.max_streaming_body_bytes = 1 << 20;
    options.services = {"hotel.whatsapp.v1.ConversationsService"};
    gateway_ =
        std::make_unique<HttpGateway>(server_->InProcessChannel(grpc::ChannelArguments()), options);
    // Counts the file's bytes and pieces without keeping them.
    gateway_->router().AddStreamingAdapter(
        "POST", "/upload/{bucket}",
        [](const httplib::Request& req, httplib::Response& res, const PathBindings& bindings,
           const httplib::ContentReader& body) {
          json answer{{"bucket", bindings.at(0).second}, {"bytes", 0}, {"pieces", 0}};
          std::string part;
          bool ok;
          if (req.is_multipart_form_data()) {
            ok = body(
                [&](const httplib::MultipartFormData& file) {
                  part = file.name;
                  answer["parts"].push_back(file.name);
                  return true;
                },
                [&](const char*, size_t n) {
                  if (part == "file") {
                    answer["bytes"] = answer["bytes"].get<size_t>() + n;
                    answer["pieces"] = answer["pieces"].get<int>() + 1;
                  }
                  return true;
                });
          } else {
            ok = body([&](const char*, size_t n) {
              answer["bytes"] = answer["bytes"].get<size_t>() + n;
              return true;
            });
          }
          if (!ok) {
            WriteGatewayError(res, res.status == 413 ? 413 : 400, "BODY", "body not read");
            return;
          }
          WriteJson(res, 200, answer.dump());
        });
    absl::StatusOr<int> port = gateway_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", *port);
  }

  void TearDown() override {
    gateway_->Stop();
    server_->Shutdown();
  }

  int grpc_port_ = 0;
  hotel::whatsapp::v1::ConversationsService::Service service_;  // UNIMPLEMENTED everywhere
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<HttpGateway> gateway_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(StreamingAdapterTest, AMultipartBodyBeyondMaxBodyBytesArrivesInPieces) {
  const std::string file(300 * 1024, 'x');
  httplib::MultipartFormDataItems items = {{"media_type", "image", "", ""},
                                           {"file", file, "a.bin", "application/octet-stream"}};
  httplib::Result res = client_->Post("/upload/b%201", items);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json body = json::parse(res->body);
  EXPECT_EQ(body["bucket"], "b 1");
  EXPECT_EQ(body["bytes"], file.size());
  EXPECT_GT(body["pieces"].get<int>(), 1) << "handed over as it arrives, not as one buffer";
  EXPECT_EQ(body["parts"], json({"media_type", "file"}));
}

TEST_F(StreamingAdapterTest, AStreamingBodyIsBoundedByItsOwnLimit) {
  httplib::Result res =
      client_->Post("/upload/b", std::string((1 << 20) + 1, 'x'), "application/octet-stream");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413) << res->body;
  res = client_->Post("/upload/b", std::string(5000, 'x'), "application/octet-stream");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["bytes"], 5000);
}

TEST_F(StreamingAdapterTest, OtherRoutesKeepMaxBodyBytes) {
  httplib::Result res = client_->Post("/api/v1/whatsapp/conversations/c1/resolve",
                                      std::string(2048, ' '), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "PAYLOAD_TOO_LARGE");
  // Within the limit the route is reached (and answers its RPC's error).
  res = client_->Post("/api/v1/whatsapp/conversations/c1/resolve", "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 501);
}

}  // namespace
}  // namespace wa::gateway
