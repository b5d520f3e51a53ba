#include "tests/fakes/fake_graph_api.h"

#include <httplib.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/provider/meta_callback_parser.h"
#include "server/provider/meta_signature.h"

namespace wa::fakes {
namespace {

using Json = nlohmann::json;
namespace v1 = hotel::whatsapp::v1;

constexpr char kToken[] = "fake-graph-access-token";
constexpr char kPath[] = "/v23.0/109876543210987/messages";
constexpr char kSecret[] = "test-app-secret";

std::string TextSend(const std::string& to, const std::string& body = "Hello") {
  return Json{{"messaging_product", "whatsapp"},
              {"recipient_type", "individual"},
              {"to", to},
              {"type", "text"},
              {"biz_opaque_callback_data", "msg_1"},
              {"text", {{"body", body}}}}
      .dump();
}

httplib::Result Send(FakeGraphApi& fake, const std::string& body, const std::string& token = kToken,
                     const std::string& path = kPath) {
  httplib::Client client(fake.base_url());
  client.set_read_timeout(5);
  return client.Post(path.c_str(), {{"Authorization", std::string("Bearer ") + token}}, body,
                     "application/json");
}

int MetaCode(const httplib::Result& r) { return Json::parse(r->body)["error"]["code"].get<int>(); }

// A stand-in for the server's webhook endpoint: records signed posts.
class WebhookReceiver {
 public:
  WebhookReceiver() {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      bodies_.push_back(req.body);
      valid_.push_back(provider::VerifyMetaSignature(kSecret, req.body,
                                                     req.get_header_value("X-Hub-Signature-256")));
      res.status = 200;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~WebhookReceiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<std::string> bodies() const {
    std::lock_guard lock(mu_);
    return bodies_;
  }
  bool all_valid() const {
    std::lock_guard lock(mu_);
    for (bool v : valid_) {
      if (!v) return false;
    }
    return true;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<std::string> bodies_;
  std::vector<bool> valid_;
};

TEST(FakeGraphApi, AcceptsAValidSendAndRecordsIt) {
  FakeGraphApi fake;
  ASSERT_TRUE(fake.Start());
  httplib::Result r = Send(fake, TextSend("+447700900123"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  Json answer = Json::parse(r->body);
  EXPECT_EQ(answer["messaging_product"], "whatsapp");
  EXPECT_EQ(answer["contacts"][0]["input"], "+447700900123");
  EXPECT_EQ(answer["contacts"][0]["wa_id"], "447700900123");
  std::string wamid = answer["messages"][0]["id"];
  EXPECT_EQ(wamid.rfind("wamid.", 0), 0u);
  ASSERT_TRUE(fake.WaitForRequests(1, absl::Seconds(1)));
  ASSERT_EQ(fake.AcceptedRequests().size(), 1u);
  EXPECT_EQ(fake.AcceptedRequests()[0].wamid, wamid);
  EXPECT_EQ(fake.AcceptedRequests()[0].body["text"]["body"], "Hello");
  EXPECT_EQ(fake.CountFor("447700900123"), 1);
  EXPECT_NE(Json::parse(Send(fake, TextSend("447700900123"))->body)["messages"][0]["id"], wamid);
}

TEST(FakeGraphApi, RefusesLikeMeta) {
  FakeGraphApi fake;
  ASSERT_TRUE(fake.Start());
  httplib::Result bad_token = Send(fake, TextSend("447700900123"), "wrong");
  EXPECT_EQ(bad_token->status, 401);
  EXPECT_EQ(MetaCode(bad_token), 190);
  EXPECT_EQ(Json::parse(bad_token->body)["error"]["type"], "OAuthException");
  httplib::Result bad_number = Send(fake, TextSend("447700900123"), kToken, "/v23.0/999/messages");
  EXPECT_EQ(bad_number->status, 400);
  EXPECT_EQ(MetaCode(bad_number), 100);
  httplib::Result too_long = Send(fake, TextSend("447700900123", std::string(4097, 'x')));
  EXPECT_EQ(too_long->status, 400);
  EXPECT_EQ(MetaCode(too_long), 100);
  EXPECT_EQ(Send(fake, TextSend("447700900123", std::string(4096, 'x')))->status, 200);
  EXPECT_EQ(fake.Requests().size(), 4u);
  EXPECT_EQ(fake.AcceptedRequests().size(), 1u);
}

TEST(FakeGraphApi, ScriptedFailuresThenSuccess) {
  FakeGraphApi fake;
  ASSERT_TRUE(fake.Start());
  fake.FailThenSucceed("+447700900123", 2, Behavior::Error(130429, 429));
  fake.SetRecipientBehavior("16505550199", Behavior::Error(131026, 400, "Message Undeliverable."));
  httplib::Result first = Send(fake, TextSend("447700900123"));
  EXPECT_EQ(first->status, 429);
  EXPECT_EQ(MetaCode(first), 130429);
  EXPECT_EQ(Json::parse(first->body)["error"]["message"], "(#130429) Rate limit hit");
  EXPECT_EQ(Send(fake, TextSend("447700900123"))->status, 429);
  EXPECT_EQ(Send(fake, TextSend("447700900123"))->status, 200);
  httplib::Result undeliverable = Send(fake, TextSend("16505550199"));
  EXPECT_EQ(MetaCode(undeliverable), 131026);
  EXPECT_EQ(Json::parse(undeliverable->body)["error"]["error_data"]["details"],
            "Message Undeliverable.");
  EXPECT_EQ(fake.CountFor("+447700900123"), 3);
}

TEST(FakeGraphApi, SlowAndDroppedAnswers) {
  FakeGraphApi fake;
  ASSERT_TRUE(fake.Start());
  fake.Enqueue({Behavior::Accept().After(absl::Milliseconds(300)), Behavior::Drop()});
  absl::Time start = absl::Now();
  EXPECT_EQ(Send(fake, TextSend("447700900123"))->status, 200);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(300));
  httplib::Result dropped = Send(fake, TextSend("447700900123"));
  EXPECT_FALSE(dropped);  // no answer at all
  EXPECT_EQ(fake.Requests().back().http_status, 0);
  EXPECT_EQ(Send(fake, TextSend("447700900123"))->status, 200);  // the server still serves
}

TEST(FakeGraphApi, PostsSignedStatusCallbacksTheServerParses) {
  WebhookReceiver receiver;
  FakeGraphApiOptions options;
  options.webhook_url = receiver.url();
  options.app_secret = kSecret;
  options.sent_after = absl::Milliseconds(10);
  options.delivered_after = absl::Milliseconds(20);
  options.read_after = absl::Milliseconds(30);
  FakeGraphApi fake(options);
  ASSERT_TRUE(fake.Start());
  fake.EnqueueFor("16505550199", {Behavior::AcceptThenFail(131047)});
  std::string ok_wamid =
      Json::parse(Send(fake, TextSend("447700900123"))->body)["messages"][0]["id"];
  std::string failed_wamid =
      Json::parse(Send(fake, TextSend("16505550199"))->body)["messages"][0]["id"];
  ASSERT_TRUE(fake.WaitForWebhookDeliveries(4, absl::Seconds(5)));
  EXPECT_TRUE(receiver.all_valid());
  std::vector<std::string> statuses;
  for (const std::string& body : receiver.bodies()) {
    absl::StatusOr<provider::MetaNotification> n = provider::ParseMetaNotification(body);
    ASSERT_TRUE(n.ok()) << n.status();
    ASSERT_EQ(n->statuses.size(), 1u) << body;
    const provider::MetaStatus& s = n->statuses[0];
    EXPECT_EQ(s.phone_number_id, "109876543210987");
    EXPECT_EQ(s.biz_opaque_callback_data, "msg_1");
    if (s.wamid == failed_wamid) {
      EXPECT_EQ(s.status, v1::MESSAGE_STATUS_FAILED);
      EXPECT_EQ(s.error_code, 131047);
      EXPECT_EQ(s.recipient_id, "16505550199");
    } else {
      EXPECT_EQ(s.wamid, ok_wamid);
      EXPECT_EQ(s.recipient_id, "447700900123");
      statuses.push_back(s.meta_status);
    }
  }
  EXPECT_EQ(statuses, (std::vector<std::string>{"sent", "delivered", "read"}));
  // Inbound messages go out the same way, escaped like Meta's.
  std::string inbound = fake.InboundTextNotification("447700900123", "Jos\xc3\xa9", "Hola");
  EXPECT_NE(inbound.find("\\u00e9"), std::string::npos);
  EXPECT_EQ(fake.PostNotification(inbound), 200);
  absl::StatusOr<provider::MetaNotification> n = provider::ParseMetaNotification(inbound);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->messages.at(0).profile_name, "Jos\xc3\xa9");
}

TEST(FakeGraphApi, UploadsMedia) {
  FakeGraphApi fake;
  ASSERT_TRUE(fake.Start());
  httplib::Client client(fake.base_url());
  httplib::MultipartFormDataItems form = {{"file", std::string(100, 'x'), "map.png", "image/png"},
                                          {"type", "image/png", "", ""},
                                          {"messaging_product", "whatsapp", "", ""}};
  httplib::Result r = client.Post("/v23.0/109876543210987/media",
                                  {{"Authorization", std::string("Bearer ") + kToken}}, form);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  std::string id = Json::parse(r->body)["id"];
  EXPECT_EQ(id.size(), 16u);
  ASSERT_EQ(fake.Uploads().size(), 1u);
  EXPECT_EQ(fake.Uploads()[0].media_id, id);
  EXPECT_EQ(fake.Uploads()[0].size, 100u);
  form.pop_back();  // no messaging_product
  EXPECT_EQ(client
                .Post("/v23.0/109876543210987/media",
                      {{"Authorization", std::string("Bearer ") + kToken}}, form)
                ->status,
            400);
}

}  // namespace
}  // namespace wa::fakes
