// Errors that say what to do (README, "When a request is refused"): every
// case a new integrator met in the first hour answers with the field at
// fault and what to send instead, over real HTTP to a real server, and
// changes nothing. Also: each request of the API reference is made of known
// fields, and ListConversations shows conversations as GetConversation does.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/admin.pb.h"
#include "hotel/whatsapp/v1/conversations.pb.h"
#include "hotel/whatsapp/v1/media.pb.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "hotel/whatsapp/v1/sandbox.pb.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "hotel/whatsapp/v1/webhooks.pb.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/integration/raw_socket.h"
#include "tests/integration/server_process.h"

namespace wa::testing {
namespace {

using Json = nlohmann::json;

constexpr char kApi[] = "/api/v1/whatsapp";
constexpr char kGuest[] = "+15550700001";

class HelpfulErrorsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({"--sandbox_status_delay=50ms"});
    server_->Start();
    admin_ = new std::string(server_->CreateToken("admin"));
    staff_ = new std::string(server_->CreateToken("staff"));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete admin_;
    delete staff_;
  }

  struct Answer {
    int status = 0;
    Json body;
  };

  static Answer Call(const std::string& method, const std::string& target, const Json& body,
                     const std::string& token, const std::string& type = "application/json") {
    httplib::Client client("127.0.0.1", server_->http_port());
    client.set_read_timeout(10, 0);
    httplib::Headers headers = {{"Authorization", "Bearer " + token}};
    httplib::Result r =
        method == "GET"
            ? client.Get(target, headers)
            : client.Post(target, headers, body.is_string() ? body.get<std::string>() : body.dump(),
                          type);
    if (!r) return {};
    return {r->status, Json::parse(r->body, nullptr, false)};
  }
  static Answer Post(const std::string& path, const Json& body, const std::string& token = "") {
    return Call("POST", absl::StrCat(kApi, path), body, token.empty() ? *staff_ : token);
  }
  static Answer Get(const std::string& path_and_query) {
    return Call("GET", absl::StrCat(kApi, path_and_query), nullptr, *staff_);
  }

  static void GuestWrites(const std::string& phone) {
    Answer a = Post("/sandbox/inbound", {{"guest_phone", phone}, {"text", "Hello"}}, *admin_);
    ASSERT_EQ(a.status, 200) << a.body.dump();
  }

  static std::string Message(const Answer& a) { return a.body["error"].value("message", ""); }
  static std::string Recovery(const Answer& a) {
    return a.body["error"]["recovery_options"].dump();
  }

  static inline ServerProcess* server_ = nullptr;
  static inline std::string* admin_ = nullptr;
  static inline std::string* staff_ = nullptr;
};

TEST_F(HelpfulErrorsTest, AMisspeltFieldIsRefusedWithTheNearestName) {
  Answer a = Post("/messages/send", {{"guest_phnoe", kGuest}, {"content", {{"text", "Hi"}}}});
  ASSERT_EQ(a.status, 400) << a.body.dump();
  EXPECT_EQ(a.body["error"]["code"], "INVALID_ARGUMENT");
  EXPECT_TRUE(absl::StrContains(Message(a), "did you mean `guest_phone`?")) << Message(a);
  EXPECT_EQ(a.body["error"]["details"]["field"], "guest_phnoe");
  EXPECT_EQ(a.body["error"]["details"]["did_you_mean"], "guest_phone");

  // Inside a nested object, the path says where.
  a = Post("/messages/send", {{"guest_phone", kGuest}, {"content", {{"txt", "Hi"}}}});
  ASSERT_EQ(a.status, 400) << a.body.dump();
  EXPECT_EQ(a.body["error"]["details"]["did_you_mean"], "content.text") << a.body.dump();

  // In the query string too.
  a = Get("/conversations?guest_phnoe=%2B15550700001");
  ASSERT_EQ(a.status, 400) << a.body.dump();
  EXPECT_EQ(a.body["error"]["details"]["did_you_mean"], "guest_phone") << a.body.dump();

  // And a name far from any gets the list of known ones, no guess.
  a = Post("/messages/send", {{"guest_phone", kGuest}, {"zzzzzzzzzz", 1}});
  ASSERT_EQ(a.status, 400) << a.body.dump();
  EXPECT_FALSE(a.body["error"]["details"].contains("did_you_mean"));
  EXPECT_TRUE(absl::StrContains(Recovery(a), "Known fields here: guest_phone")) << Recovery(a);
}

TEST_F(HelpfulErrorsTest, AMissingRequiredFieldIsNamed) {
  // No guest at all: not an invalid phone number "".
  Answer a = Post("/messages/send", {{"content", {{"text", "Hi"}}}});
  ASSERT_EQ(a.status, 400) << a.body.dump();
  EXPECT_EQ(a.body["error"]["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(a.body["error"]["details"]["field"], "guest_phone") << a.body.dump();

  // A field the proto marks (required_field).
  a = Post("/messages/send", {{"guest_phone", kGuest}});
  ASSERT_EQ(a.status, 400) << a.body.dump();
  EXPECT_EQ(Message(a), "`content` is required");
  EXPECT_EQ(a.body["error"]["details"]["field"], "content");
  a = Post("/messages/send", {{"guest_phone", kGuest}, {"content", Json::object()}});
  EXPECT_EQ(a.body["error"]["details"]["field"], "content.text") << a.body.dump();
}

TEST_F(HelpfulErrorsTest, AnUnencodedPlusInAPhoneQueryGetsAHint) {
  // Raw bytes: an HTTP library would encode the `+` itself.
  int fd = ConnectLoopback(server_->http_port());
  SendAll(fd, absl::StrCat("GET ", kApi,
                           "/conversations?guest_phone=+15550700001 HTTP/1.1\r\nHost: x\r\n"
                           "Connection: close\r\nAuthorization: Bearer ",
                           *staff_, "\r\n\r\n"));
  std::string raw = ReadUntilClosed(fd, absl::Seconds(5));
  close(fd);
  EXPECT_TRUE(absl::StartsWith(raw, "HTTP/1.1 400")) << raw;
  EXPECT_TRUE(absl::StrContains(raw, "INVALID_PHONE_NUMBER")) << raw;
  EXPECT_TRUE(absl::StrContains(raw, "?guest_phone=%2B15550700001")) << raw;
  // Encoded, it works.
  EXPECT_EQ(Get("/conversations?guest_phone=%2B15550700001").status, 200);
}

TEST_F(HelpfulErrorsTest, APostWithNoBodyIsAnEmptyObject) {
  GuestWrites("+15550700002");
  Answer list = Get("/conversations?guest_phone=%2B15550700002");
  ASSERT_EQ(list.status, 200) << list.body.dump();
  const std::string id = list.body["conversations"][0]["conversation_id"];
  // No Content-Length, no body: HTTP says the body is empty.
  int fd = ConnectLoopback(server_->http_port());
  SendAll(fd, absl::StrCat("POST ", kApi, "/conversations/", id,
                           "/resolve HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                           "Authorization: Bearer ",
                           *staff_, "\r\n\r\n"));
  std::string raw = ReadUntilClosed(fd, absl::Seconds(5));
  close(fd);
  EXPECT_TRUE(absl::StartsWith(raw, "HTTP/1.1 200")) << raw;
  EXPECT_TRUE(absl::StrContains(raw, "\"status\":\"resolved\"")) << raw;
}

TEST_F(HelpfulErrorsTest, AFormEncodedBodyIs415NamingJson) {
  Answer a =
      Call("POST", absl::StrCat(kApi, "/messages/send"), Json("guest_phone=%2B15550700001&text=hi"),
           *staff_, "application/x-www-form-urlencoded");
  ASSERT_EQ(a.status, 415) << a.body.dump();
  EXPECT_EQ(a.body["error"]["code"], "UNSUPPORTED_MEDIA_TYPE");
  EXPECT_TRUE(absl::StrContains(Message(a), "Content-Type: application/json")) << Message(a);
  // JSON with a charset is JSON.
  a = Call("POST", absl::StrCat(kApi, "/messages/send"), Json{{"guest_phone", kGuest}}, *staff_,
           "application/json; charset=utf-8");
  EXPECT_EQ(a.status, 400) << a.body.dump();  // content is missing: it was read
}

TEST_F(HelpfulErrorsTest, TemplateNotFoundListsTheClosestApprovedOnes) {
  const Json send = {{"guest_phone", kGuest},
                     {"template_name", "welcome_checkin"},
                     {"language", "en_US"},
                     {"parameters", Json::object()}};
  Answer a = Post("/templates/send", send);
  ASSERT_EQ(a.status, 404) << a.body.dump();
  EXPECT_EQ(a.body["error"]["code"], "TEMPLATE_NOT_FOUND");
  EXPECT_EQ(a.body["error"]["details"]["approved_languages"], Json::array({"en"}));
  EXPECT_TRUE(absl::StrContains(Recovery(a), "Use language \\\"en\\\"")) << Recovery(a);

  Json typo = send;
  typo["template_name"] = "welcome_chekin";
  typo["language"] = "en";
  a = Post("/templates/send", typo);
  ASSERT_EQ(a.status, 404) << a.body.dump();
  ASSERT_FALSE(a.body["error"]["details"]["suggested_templates"].empty()) << a.body.dump();
  EXPECT_EQ(a.body["error"]["details"]["suggested_templates"][0], "welcome_checkin");
  EXPECT_TRUE(absl::StrContains(Recovery(a), "Did you mean template")) << Recovery(a);
}

TEST_F(HelpfulErrorsTest, ABatchWithNoValidItemIs400WithItsErrors) {
  Answer a = Post(
      "/messages/batch-send",
      {{"messages",
        {{{"phone", "not a phone"}, {"content", "x"}}, {{"phone", kGuest}, {"content", ""}}}}});
  ASSERT_EQ(a.status, 400) << a.body.dump();
  EXPECT_EQ(a.body["error"]["code"], "INVALID_ARGUMENT");
  const Json& errors = a.body["error"]["details"]["errors"];
  ASSERT_EQ(errors.size(), 2u) << a.body.dump();
  EXPECT_EQ(errors[0]["code"], "INVALID_PHONE_NUMBER");
  EXPECT_EQ(errors[1]["index"], 1);
}

TEST_F(HelpfulErrorsTest, ABatchTakesTheReferenceItemShapeAndTheSendShape) {
  GuestWrites("+15550700003");
  Answer a = Post("/messages/batch-send",
                  {{"messages",
                    {{{"phone", "+15550700003"}, {"content", "reference shape"}},
                     {{"guest_phone", "+15550700003"},
                      {"message_type", "text"},
                      {"content", {{"text", "send shape"}}}}}},
                   {"rate_limit", {{"messages_per_second", 10}, {"batch_size", 100}}},
                   {"delivery_options", {{"retry_failed", true}, {"track_delivery", true}}}});
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["accepted"], 2) << a.body.dump();
  // A member other than text in the object form is named.
  a = Post("/messages/batch-send",
           {{"messages", {{{"guest_phone", kGuest}, {"content", {{"txt", "x"}}}}}}});
  ASSERT_EQ(a.status, 400) << a.body.dump();
  EXPECT_EQ(a.body["error"]["details"]["did_you_mean"], "messages[0].content.text")
      << a.body.dump();
}

// Every request the API reference shows is made of fields the server
// knows: none is refused for an unknown field (other refusals, such as a
// media id that does not exist here, are fine).
TEST_F(HelpfulErrorsTest, EveryReferenceRequestIsMadeOfKnownFields) {
  std::ifstream in(WA_REFERENCE_EXAMPLES);
  ASSERT_TRUE(in) << WA_REFERENCE_EXAMPLES;
  Json file = Json::parse(in);
  int checked = 0;
  for (const Json& example : file["examples"]) {
    const std::string request = example["request"];
    const std::string target = request.substr(request.find(' ') + 1);
    // As staff: the admin-only ones are refused after their fields are read
    // (403), so nothing reaches outside (a webhook URL is probed when stored).
    Answer a = Call(request.substr(0, request.find(' ')), target, example["body"], *staff_);
    SCOPED_TRACE(example["operation"].get<std::string>() + " " +
                 example["name"].get<std::string>());
    EXPECT_NE(a.status, 0);
    if (a.status != 200) {
      EXPECT_FALSE(absl::StrContains(Message(a), "unknown field")) << a.body.dump();
      EXPECT_NE(a.status, 415) << a.body.dump();
    }
    ++checked;
  }
  for (const Json& query : file["queries"]) {
    const std::string request = query["request"];
    Answer a = Call("GET", request.substr(request.find(' ') + 1), nullptr, *staff_);
    EXPECT_EQ(a.status, 200) << request << ": " << a.body.dump();
    ++checked;
  }
  EXPECT_GE(checked, 12);
}

// ListConversations shows each conversation as GetConversation does,
// without its messages.
TEST_F(HelpfulErrorsTest, ListedConversationsHaveParticipantsAndLastGuestMessage) {
  GuestWrites("+15550700004");
  Answer sent = Post("/messages/send", {{"guest_phone", "+15550700004"},
                                        {"content", {{"text", "Welcome"}}},
                                        {"staff_member_id", "staff_456"}});
  ASSERT_EQ(sent.status, 200) << sent.body.dump();
  Answer list = Get("/conversations?guest_phone=%2B15550700004");
  ASSERT_EQ(list.status, 200) << list.body.dump();
  ASSERT_EQ(list.body["conversations"].size(), 1u);
  const Json& listed = list.body["conversations"][0];
  Answer one = Get(absl::StrCat("/conversations/", listed["conversation_id"].get<std::string>()));
  ASSERT_EQ(one.status, 200);
  EXPECT_FALSE(listed["last_guest_message_at"].is_null()) << listed.dump();
  EXPECT_EQ(listed["last_guest_message_at"], one.body["last_guest_message_at"]);
  EXPECT_EQ(listed["participants"], one.body["participants"]);
  EXPECT_EQ(listed["participants"].size(), 2u) << listed.dump();  // the guest and staff_456
  EXPECT_TRUE(listed["messages"].empty());
}

// The errors an operation's RPC declares ((hotel.whatsapp.v1.errors), which
// the OpenAPI document lists) are the ones it answers: each provocation
// below must answer its code, and the code must be declared on its RPC or
// be one every RPC can answer. A representative set: the declarations not
// provoked here are printed, not failed.
TEST_F(HelpfulErrorsTest, DeclaredErrorsAreTheOnesTheOperationsAnswer) {
  GuestWrites("+15550700005");
  ASSERT_EQ(
      Post("/sandbox/inbound", {{"guest_phone", "+15550700006"}, {"text", "STOP"}}, *admin_).status,
      200);
  struct Provocation {
    std::string rpc;  // Service.Method
    std::string method, target;
    Json body;
    bool admin;
    std::string code;
  };
  const std::string send = absl::StrCat(kApi, "/messages/send");
  const Json text = {{"text", "x"}};
  const std::vector<Provocation> provocations = {
      {"MessagesService.SendMessage",
       "POST",
       send,
       {{"guest_phone", "12"}, {"content", text}},
       false,
       "INVALID_PHONE_NUMBER"},
      {"MessagesService.SendMessage",
       "POST",
       send,
       {{"guest_user_id", "no"}, {"content", text}},
       false,
       "INVALID_GUEST_USER_ID"},
      {"MessagesService.SendMessage",
       "POST",
       send,
       {{"guest_phone", "+15550700099"}, {"content", text}},
       false,
       "MESSAGE_WINDOW_EXPIRED"},
      {"MessagesService.SendMessage",
       "POST",
       send,
       {{"guest_phone", "+15550700006"}, {"content", text}},
       false,
       "GUEST_OPTED_OUT"},
      {"MessagesService.SendMediaMessage",
       "POST",
       absl::StrCat(kApi, "/messages/send-media"),
       {{"guest_phone", "+15550700005"}, {"media_id", "med_none"}, {"media_type", "image"}},
       false,
       "MEDIA_NOT_FOUND"},
      {"MessagesService.GetMessageStatus", "GET", absl::StrCat(kApi, "/messages/msg_none/status"),
       nullptr, false, "NOT_FOUND"},
      {"MessagesService.GetBatch", "GET", absl::StrCat(kApi, "/messages/batches/batch_none"),
       nullptr, false, "NOT_FOUND"},
      {"TemplatesService.SendTemplateMessage",
       "POST",
       absl::StrCat(kApi, "/templates/send"),
       {{"guest_phone", "+15550700005"}, {"template_name", "nope"}, {"language", "en"}},
       false,
       "TEMPLATE_NOT_FOUND"},
      {"TemplatesService.GetTemplate", "GET", absl::StrCat(kApi, "/templates/nope"), nullptr, false,
       "TEMPLATE_NOT_FOUND"},
      {"MediaService.GetMedia", "GET", absl::StrCat(kApi, "/media/med_none"), nullptr, false,
       "MEDIA_NOT_FOUND"},
      {"ConversationsService.GetConversation", "GET", absl::StrCat(kApi, "/conversations/c_none"),
       nullptr, false, "NOT_FOUND"},
      {"ConversationsService.GetWindowStatus", "GET",
       absl::StrCat(kApi, "/conversations/c_none/window-status"), nullptr, false, "NOT_FOUND"},
      {"ConversationsService.ListConversations", "GET",
       absl::StrCat(kApi, "/conversations?guest_phone=abc"), nullptr, false,
       "INVALID_PHONE_NUMBER"},
      {"WebhooksService.ConfigureWebhook",
       "POST",
       absl::StrCat(kApi, "/webhooks/configure"),
       {{"webhook_url", "https://example.invalid/h"}},
       false,
       "PERMISSION_DENIED"},
      {"AdminService.ListAuditEvents", "GET", absl::StrCat(kApi, "/admin/audit"), nullptr, false,
       "PERMISSION_DENIED"},
      {"SandboxService.SimulateInbound",
       "POST",
       absl::StrCat(kApi, "/sandbox/inbound"),
       {{"guest_phone", "12"}, {"text", "x"}},
       true,
       "INVALID_PHONE_NUMBER"},
      // One every RPC can answer: a missing token.
      {"MessagesService.SendMessage", "POST", send, {{"content", text}}, false, "UNAUTHENTICATED"},
  };
  // Every service's descriptors in the generated pool: link each file in.
  for (const auto* d : {hotel::whatsapp::v1::SendMessageRequest::descriptor(),
                        hotel::whatsapp::v1::GetTemplateRequest::descriptor(),
                        hotel::whatsapp::v1::GetMediaRequest::descriptor(),
                        hotel::whatsapp::v1::GetConversationRequest::descriptor(),
                        hotel::whatsapp::v1::ConfigureWebhookRequest::descriptor(),
                        hotel::whatsapp::v1::ListTokensRequest::descriptor(),
                        hotel::whatsapp::v1::SimulateInboundRequest::descriptor()}) {
    ASSERT_NE(d, nullptr);
  }
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  std::set<std::string> provoked;
  for (const Provocation& p : provocations) {
    SCOPED_TRACE(p.rpc + " " + p.code);
    const std::string token = p.code == "UNAUTHENTICATED" ? "wat_wrong"
                              : p.admin                   ? *admin_
                                                          : *staff_;
    Answer a = Call(p.method, p.target, p.body, token);
    EXPECT_EQ(a.body["error"].value("code", ""), p.code) << a.body.dump();
    const auto* method = pool->FindMethodByName("hotel.whatsapp.v1." + p.rpc);
    ASSERT_NE(method, nullptr);
    const auto& declared = method->options().GetRepeatedExtension(hotel::whatsapp::v1::errors);
    const bool common = p.code == "UNAUTHENTICATED" || p.code == "INVALID_ARGUMENT";
    EXPECT_TRUE(common || std::find(declared.begin(), declared.end(), p.code) != declared.end())
        << p.code << " is answered by " << p.rpc << " but not declared on it";
    provoked.insert(p.rpc + " " + p.code);
  }
  // What is declared but not provoked here, for the record.
  std::string unprovoked;
  for (const char* service : {"MessagesService", "TemplatesService", "MediaService",
                              "ConversationsService", "WebhooksService", "AdminService",
                              "ConsentService", "SandboxService", "PropertiesService"}) {
    const auto* s = pool->FindServiceByName(absl::StrCat("hotel.whatsapp.v1.", service));
    if (s == nullptr) continue;  // not linked into this binary
    for (int i = 0; i < s->method_count(); ++i) {
      for (const std::string& code :
           s->method(i)->options().GetRepeatedExtension(hotel::whatsapp::v1::errors)) {
        const std::string key = absl::StrCat(service, ".", s->method(i)->name(), " ", code);
        if (!provoked.contains(key)) absl::StrAppend(&unprovoked, "  ", key, "\n");
      }
    }
  }
  std::cout << "declared errors not provoked by this test:\n" << unprovoked;
}

}  // namespace
}  // namespace wa::testing
