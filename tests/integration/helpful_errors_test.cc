// Errors that say what to do (README, "When a request is refused"): every
// case a new integrator met in the first hour answers with the field at
// fault and what to send instead, over real HTTP to a real server, and
// changes nothing. Also: each request of the API reference is made of known
// fields, and ListConversations shows conversations as GetConversation does.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "hotel/whatsapp/v1/admin.pb.h"
#include "hotel/whatsapp/v1/consent.pb.h"
#include "hotel/whatsapp/v1/conversations.pb.h"
#include "hotel/whatsapp/v1/events.pb.h"
#include "hotel/whatsapp/v1/guest_data.pb.h"
#include "hotel/whatsapp/v1/media.pb.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "hotel/whatsapp/v1/properties.pb.h"
#include "hotel/whatsapp/v1/sandbox.pb.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "hotel/whatsapp/v1/webhooks.pb.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/common/media_samples.h"
#include "tests/integration/media_transfer.h"
#include "tests/integration/raw_socket.h"
#include "tests/integration/server_process.h"
#include "tests/integration/wait.h"

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
    const std::string text = body.is_string() ? body.get<std::string>() : body.dump();
    httplib::Result r = method == "GET"      ? client.Get(target, headers)
                        : method == "DELETE" ? client.Delete(target, headers)
                        : method == "PATCH"  ? client.Patch(target, headers, text, type)
                                             : client.Post(target, headers, text, type);
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

// The declarations that this test cannot provoke on its sandbox server,
// each with why and where it is provoked instead. Every other (RPC, error)
// pair the protos declare must be provoked below.
const std::map<std::string, std::string>& NotProvokedHere() {
  static const auto* reasons = new std::map<std::string, std::string>{
      {"MessagesService.SendMessage RATE_LIMIT_EXCEEDED",
       "needs a server with a tiny token budget or sender queue: RateLimitTest.*"},
      {"MessagesService.SendMediaMessage RATE_LIMIT_EXCEEDED",
       "needs a server with a tiny token budget: RateLimitTest.* (the same check as SendMessage)"},
      {"MessagesService.SendInteractiveMessage RATE_LIMIT_EXCEEDED",
       "needs a server with a tiny token budget: RateLimitTest.* (the same check as SendMessage)"},
      {"TemplatesService.SendTemplateMessage RATE_LIMIT_EXCEEDED",
       "needs a server with a tiny token budget: RateLimitTest.* (the same check as SendMessage)"},
      {"SandboxService.SimulateInbound FAILED_PRECONDITION",
       "answered under --provider=cloud only, where there is no sandbox to simulate"},
      {"EventsService.ListEvents OUT_OF_RANGE",
       "needs events past the retention: EventStreamTest.CursorOlderThanRetentionIsOutOfRange"},
      {"EventsService.StreamEvents OUT_OF_RANGE",
       "a server stream; needs events past the retention: "
       "EventStreamTest.CursorOlderThanRetentionIsOutOfRange"},
      {"EventsService.StreamEvents SUBSCRIBER_TOO_SLOW",
       "a stream whose client stops reading: "
       "EventStreamTest.SubscribersThatStopReadingCannotGrowTheServer"},
      {"EventsService.StreamEvents TOO_MANY_STREAMS",
       "needs --max_event_streams streams held open at once; not provoked by any test yet"},
  };
  return *reasons;
}

// The errors an operation's RPC declares ((hotel.whatsapp.v1.errors), which
// the OpenAPI document lists) are the ones it answers: each provocation
// below must answer its code, the code must be declared on its RPC (or be
// one every RPC can answer), and every declared pair is provoked here or
// listed in NotProvokedHere() with the reason.
TEST_F(HelpfulErrorsTest, DeclaredErrorsAreTheOnesTheOperationsAnswer) {
  GuestWrites("+15550700005");
  ASSERT_EQ(
      Post("/sandbox/inbound", {{"guest_phone", "+15550700006"}, {"text", "STOP"}}, *admin_).status,
      200);
  const std::string send = absl::StrCat(kApi, "/messages/send");
  const Json text = {{"text", "x"}};
  // A delivered message: neither cancellable nor reschedulable any more.
  Answer sent = Post("/messages/send", {{"guest_phone", "+15550700005"}, {"content", text}});
  ASSERT_EQ(sent.status, 200) << sent.body.dump();
  const std::string done = sent.body["message_id"];
  ASSERT_TRUE(WaitUntil([&] {
    std::string status = Get(absl::StrCat("/messages/", done, "/status")).body.value("status", "");
    return status == "delivered" || status == "read";
  }));
  // An uploaded image: the media sends check the media before the guest.
  hotel::whatsapp::v1::Media image;
  ASSERT_TRUE(
      UploadViaRest(server_->http_port(), *staff_, {PngBytes(16, 16), "image", "key.png"}, &image)
          .ok);
  // A conversation the guest never wrote in (opened by a template).
  const Json followup = {{"template_name", "service_followup"},
                         {"language", "en"},
                         {"parameters", {{"guest_name", "Ann"}, {"service_type", "Spa"}}}};
  Json opening = followup;
  opening["guest_phone"] = "+15550700007";
  Answer opened = Post("/templates/send", opening);
  ASSERT_EQ(opened.status, 200) << opened.body.dump();
  const std::string quiet = opened.body["conversation_id"];

  enum Role { kStaff, kAdmin, kNoToken };
  struct Provocation {
    std::string rpc;  // Service.Method
    std::string method, target;
    Json body;
    Role role;
    std::string code;
  };
  // A send's body for `guest` ("+..." a phone, else a guest_user_id) with `extra` fields.
  auto with = [](Json body, const std::string& guest, const Json& extra = Json::object()) {
    body[absl::StartsWith(guest, "+") || guest == "12" ? "guest_phone" : "guest_user_id"] = guest;
    for (auto it = extra.begin(); it != extra.end(); ++it) body[it.key()] = it.value();
    return body;
  };
  const Json text_send = {{"content", text}};
  const Json media_send = {{"media_id", image.media_id()}, {"media_type", "image"}};
  const Json buttons = {
      {"interactive_type", "buttons"},
      {"content", {{"text", "Choose"}, {"buttons", {{{"id", "a"}, {"title", "A"}}}}}}};
  const Json foreign = {{"from_phone_number_id", "999"}};
  const Json no_conversation = {{"conversation_id", "conv_none"}};
  std::vector<Provocation> provocations;
  // The four sends share their address, window, consent, number and
  // conversation checks: each is provoked on each.
  for (const auto& [rpc, path, base] : std::vector<std::tuple<std::string, std::string, Json>>{
           {"MessagesService.SendMessage", "/messages/send", text_send},
           {"MessagesService.SendMediaMessage", "/messages/send-media", media_send},
           {"MessagesService.SendInteractiveMessage", "/messages/send-interactive", buttons},
           {"TemplatesService.SendTemplateMessage", "/templates/send", followup}}) {
    const std::string target = absl::StrCat(kApi, path);
    provocations.push_back({rpc, "POST", target, with(base, "12"), kStaff, "INVALID_PHONE_NUMBER"});
    provocations.push_back(
        {rpc, "POST", target, with(base, "no"), kStaff, "INVALID_GUEST_USER_ID"});
    provocations.push_back(
        {rpc, "POST", target, with(base, "+15550700006"), kStaff, "GUEST_OPTED_OUT"});
    provocations.push_back(
        {rpc, "POST", target, with(base, "+15550700005", foreign), kStaff, "PERMISSION_DENIED"});
    provocations.push_back(
        {rpc, "POST", target, with(base, "+15550700005", no_conversation), kStaff, "NOT_FOUND"});
    if (rpc != "TemplatesService.SendTemplateMessage") {
      provocations.push_back(
          {rpc, "POST", target, with(base, "+15550700099"), kStaff, "MESSAGE_WINDOW_EXPIRED"});
    }
  }
  const std::string api = kApi;
  const std::string tomorrow =
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now() + absl::Hours(24), absl::UTCTimeZone());
  const std::vector<Provocation> more = {
      {"MessagesService.SendMediaMessage", "POST", api + "/messages/send-media",
       with({{"media_id", "med_none"}, {"media_type", "image"}}, "+15550700005"), kStaff,
       "MEDIA_NOT_FOUND"},
      {"MessagesService.BatchSendMessages",
       "POST",
       api + "/messages/batch-send",
       {{"messages", {{{"phone", "+15550700005"}, {"content", "hi"}}}},
        {"from_phone_number_id", "999"}},
       kStaff,
       "PERMISSION_DENIED"},
      {"MessagesService.GetMessageStatus", "GET", api + "/messages/msg_none/status", nullptr,
       kStaff, "NOT_FOUND"},
      {"MessagesService.GetBatch", "GET", api + "/messages/batches/batch_none", nullptr, kStaff,
       "NOT_FOUND"},
      {"MessagesService.CancelBatch", "POST", api + "/messages/batches/batch_none/cancel",
       Json::object(), kStaff, "NOT_FOUND"},
      {"MessagesService.CancelMessage", "POST", api + "/messages/msg_none/cancel", Json::object(),
       kStaff, "NOT_FOUND"},
      {"MessagesService.CancelMessage", "POST", api + "/messages/" + done + "/cancel",
       Json::object(), kStaff, "FAILED_PRECONDITION"},
      {"MessagesService.RescheduleMessage",
       "POST",
       api + "/messages/msg_none/reschedule",
       {{"send_at", tomorrow}},
       kStaff,
       "NOT_FOUND"},
      {"MessagesService.RescheduleMessage",
       "POST",
       api + "/messages/" + done + "/reschedule",
       {{"send_at", tomorrow}},
       kStaff,
       "FAILED_PRECONDITION"},
      {"MessagesService.ListMessages", "GET", api + "/messages?guest_phone=abc", nullptr, kStaff,
       "INVALID_PHONE_NUMBER"},
      {"TemplatesService.SendTemplateMessage",
       "POST",
       api + "/templates/send",
       {{"guest_phone", "+15550700005"}, {"template_name", "nope"}, {"language", "en"}},
       kStaff,
       "TEMPLATE_NOT_FOUND"},
      {"TemplatesService.GetTemplate", "GET", api + "/templates/nope", nullptr, kStaff,
       "TEMPLATE_NOT_FOUND"},
      {"TemplatesService.SubmitTemplate",
       "POST",
       api + "/templates",
       {{"name", "service_followup"},
        {"category", "UTILITY"},
        {"language", "en"},
        {"components", {{{"type", "BODY"}, {"text", "Hello there, how was your stay with us?"}}}}},
       kStaff,
       "PERMISSION_DENIED"},
      {"TemplatesService.SubmitTemplate",
       "POST",
       api + "/templates",
       {{"name", "service_followup"},
        {"category", "UTILITY"},
        {"language", "en"},
        {"components", {{{"type", "BODY"}, {"text", "Hello there, how was your stay with us?"}}}}},
       kAdmin,
       "ALREADY_EXISTS"},
      {"TemplatesService.SyncTemplates", "POST", api + "/templates/sync", Json::object(), kStaff,
       "PERMISSION_DENIED"},
      {"MediaService.GetMedia", "GET", api + "/media/med_none", nullptr, kStaff, "MEDIA_NOT_FOUND"},
      {"ConversationsService.GetConversation", "GET", api + "/conversations/c_none", nullptr,
       kStaff, "NOT_FOUND"},
      {"ConversationsService.GetWindowStatus", "GET", api + "/conversations/c_none/window-status",
       nullptr, kStaff, "NOT_FOUND"},
      {"ConversationsService.GetConversationAnalytics", "GET",
       api + "/conversations/c_none/analytics", nullptr, kStaff, "NOT_FOUND"},
      {"ConversationsService.ResolveConversation", "POST", api + "/conversations/c_none/resolve",
       Json::object(), kStaff, "NOT_FOUND"},
      {"ConversationsService.AssignConversation",
       "POST",
       api + "/conversations/c_none/assign",
       {{"department", "spa"}},
       kStaff,
       "NOT_FOUND"},
      {"ConversationsService.UpdateConversationMetadata",
       "POST",
       api + "/conversations/c_none/metadata",
       {{"metadata", {{"room", "12"}}}},
       kStaff,
       "NOT_FOUND"},
      {"ConversationsService.MarkConversationRead", "POST", api + "/conversations/c_none/read",
       Json::object(), kStaff, "NOT_FOUND"},
      {"ConversationsService.MarkConversationRead", "POST",
       api + "/conversations/" + quiet + "/read", Json::object(), kStaff, "FAILED_PRECONDITION"},
      {"ConversationsService.ListConversations", "GET", api + "/conversations?guest_phone=abc",
       nullptr, kStaff, "INVALID_PHONE_NUMBER"},
      {"ConversationsService.ListConversations", "GET", api + "/conversations?guest_user_id=no",
       nullptr, kStaff, "INVALID_GUEST_USER_ID"},
      {"WebhooksService.ConfigureWebhook",
       "POST",
       api + "/webhooks/configure",
       {{"webhook_url", "https://example.invalid/h"}},
       kStaff,
       "PERMISSION_DENIED"},
      {"WebhooksService.GetWebhookConfig", "GET", api + "/webhooks/config", nullptr, kStaff,
       "PERMISSION_DENIED"},
      {"WebhooksService.RotateWebhookSecret", "POST", api + "/webhooks/rotate-secret",
       Json::object(), kStaff, "PERMISSION_DENIED"},
      {"WebhooksService.ListWebhookDeliveries", "GET", api + "/webhooks/deliveries", nullptr,
       kStaff, "PERMISSION_DENIED"},
      {"WebhooksService.GetWebhookDelivery", "GET", api + "/webhooks/deliveries/evt_none", nullptr,
       kStaff, "PERMISSION_DENIED"},
      {"WebhooksService.GetWebhookDelivery", "GET", api + "/webhooks/deliveries/evt_none", nullptr,
       kAdmin, "NOT_FOUND"},
      {"WebhooksService.ReplayWebhookDelivery", "POST",
       api + "/webhooks/deliveries/evt_none/replay", Json::object(), kStaff, "PERMISSION_DENIED"},
      {"WebhooksService.ReplayWebhookDelivery", "POST",
       api + "/webhooks/deliveries/evt_none/replay", Json::object(), kAdmin, "NOT_FOUND"},
      {"WebhooksService.ReplayDeadLetters", "POST", api + "/webhooks/deliveries/replay",
       Json::object(), kStaff, "PERMISSION_DENIED"},
      {"WebhooksService.SendTestWebhook", "POST", api + "/webhooks/test", Json::object(), kStaff,
       "PERMISSION_DENIED"},
      // No webhook is configured on this server (the configure above is refused).
      {"WebhooksService.SendTestWebhook", "POST", api + "/webhooks/test", Json::object(), kAdmin,
       "FAILED_PRECONDITION"},
      {"AdminService.ListAuditEvents", "GET", api + "/admin/audit", nullptr, kStaff,
       "PERMISSION_DENIED"},
      {"AdminService.CreateToken",
       "POST",
       api + "/admin/tokens",
       {{"name", "x"}, {"role", "staff"}},
       kStaff,
       "PERMISSION_DENIED"},
      {"AdminService.ListTokens", "GET", api + "/admin/tokens", nullptr, kStaff,
       "PERMISSION_DENIED"},
      {"AdminService.RevokeToken", "DELETE", api + "/admin/tokens/tok_none", nullptr, kStaff,
       "PERMISSION_DENIED"},
      {"AdminService.RevokeToken", "DELETE", api + "/admin/tokens/tok_none", nullptr, kAdmin,
       "NOT_FOUND"},
      {"ConsentService.GetGuestConsent", "GET", api + "/guests/%2B15550700005/consent", nullptr,
       kStaff, "PERMISSION_DENIED"},
      {"ConsentService.GetGuestConsent", "GET", api + "/guests/12/consent", nullptr, kAdmin,
       "INVALID_PHONE_NUMBER"},
      {"ConsentService.SetGuestConsent",
       "POST",
       api + "/guests/%2B15550700005/consent",
       {{"opted_in", true}, {"reason", "asked at the desk"}},
       kStaff,
       "PERMISSION_DENIED"},
      {"ConsentService.SetGuestConsent",
       "POST",
       api + "/guests/12/consent",
       {{"opted_in", true}, {"reason", "asked at the desk"}},
       kAdmin,
       "INVALID_PHONE_NUMBER"},
      {"SandboxService.SimulateInbound",
       "POST",
       api + "/sandbox/inbound",
       {{"guest_phone", "12"}, {"text", "x"}},
       kAdmin,
       "INVALID_PHONE_NUMBER"},
      {"SandboxService.SimulateInbound",
       "POST",
       api + "/sandbox/inbound",
       {{"guest_phone", "+15550700008"}, {"text", "x"}},
       kStaff,
       "PERMISSION_DENIED"},
      {"PropertiesService.UpdateProperty",
       "PATCH",
       api + "/property",
       {{"quiet_hours", {{"start", "22:00"}, {"end", "07:00"}}}},
       kStaff,
       "PERMISSION_DENIED"},
      {"PropertiesService.UpdateRetention",
       "PATCH",
       api + "/property/retention",
       {{"media_days", 10}},
       kStaff,
       "PERMISSION_DENIED"},
      {"GuestDataService.EraseGuest",
       "POST",
       api + "/guests/%2B15550700005/erase",
       {{"reason", "asked"}},
       kStaff,
       "PERMISSION_DENIED"},
      {"GuestDataService.EraseGuest",
       "POST",
       api + "/guests/12/erase",
       {{"reason", "asked"}},
       kAdmin,
       "INVALID_PHONE_NUMBER"},
      {"GuestDataService.EraseGuest",
       "POST",
       api + "/guests/-/erase",
       {{"reason", "asked"}, {"guest_user_id", "no"}},
       kAdmin,
       "INVALID_GUEST_USER_ID"},
      {"GuestDataService.ExportGuest", "GET", api + "/guests/%2B15550700005/export", nullptr,
       kStaff, "PERMISSION_DENIED"},
      {"GuestDataService.ExportGuest", "GET", api + "/guests/12/export", nullptr, kAdmin,
       "INVALID_PHONE_NUMBER"},
      {"GuestDataService.ExportGuest", "GET", api + "/guests/-/export?guest_user_id=no", nullptr,
       kAdmin, "INVALID_GUEST_USER_ID"},
      // One every RPC can answer: a missing token.
      {"MessagesService.SendMessage",
       "POST",
       send,
       {{"content", text}},
       kNoToken,
       "UNAUTHENTICATED"},
  };
  provocations.insert(provocations.end(), more.begin(), more.end());
  // Every service's descriptors in the generated pool: link each file in.
  for (const auto* d : {hotel::whatsapp::v1::SendMessageRequest::descriptor(),
                        hotel::whatsapp::v1::GetTemplateRequest::descriptor(),
                        hotel::whatsapp::v1::GetMediaRequest::descriptor(),
                        hotel::whatsapp::v1::GetConversationRequest::descriptor(),
                        hotel::whatsapp::v1::ConfigureWebhookRequest::descriptor(),
                        hotel::whatsapp::v1::ListTokensRequest::descriptor(),
                        hotel::whatsapp::v1::SimulateInboundRequest::descriptor(),
                        hotel::whatsapp::v1::GetGuestConsentRequest::descriptor(),
                        hotel::whatsapp::v1::ListEventsRequest::descriptor(),
                        hotel::whatsapp::v1::EraseGuestRequest::descriptor(),
                        hotel::whatsapp::v1::UpdateRetentionRequest::descriptor()}) {
    ASSERT_NE(d, nullptr);
  }
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  std::set<std::string> provoked;
  for (const Provocation& p : provocations) {
    SCOPED_TRACE(p.rpc + " " + p.code + " " + p.target);
    const std::string token = p.role == kNoToken ? "wat_wrong"
                              : p.role == kAdmin ? *admin_
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
  // An upload (multipart, so not through Call): text declared as an image.
  {
    hotel::whatsapp::v1::Media refused;
    Outcome upload = UploadViaRest(server_->http_port(), *staff_,
                                   {"just some words, not a picture", "image", "a.png"}, &refused);
    EXPECT_EQ(upload.error.code(), "MEDIA_UPLOAD_FAILED") << upload.raw_body;
    provoked.insert("MediaService.UploadMedia MEDIA_UPLOAD_FAILED");
  }
  // Every declaration is provoked above or listed with its reason.
  int declarations = 0;
  for (const char* service :
       {"MessagesService", "TemplatesService", "MediaService", "ConversationsService",
        "WebhooksService", "AdminService", "ConsentService", "SandboxService", "PropertiesService",
        "EventsService", "GuestDataService"}) {
    const auto* s = pool->FindServiceByName(absl::StrCat("hotel.whatsapp.v1.", service));
    ASSERT_NE(s, nullptr) << service;
    for (int i = 0; i < s->method_count(); ++i) {
      for (const std::string& code :
           s->method(i)->options().GetRepeatedExtension(hotel::whatsapp::v1::errors)) {
        ++declarations;
        const std::string key = absl::StrCat(service, ".", s->method(i)->name(), " ", code);
        EXPECT_TRUE(provoked.contains(key) || NotProvokedHere().contains(key))
            << key << " is declared but neither provoked here nor listed in NotProvokedHere()";
      }
    }
  }
  for (const auto& [key, reason] : NotProvokedHere()) {
    EXPECT_FALSE(provoked.contains(key)) << key << " is provoked here: take it off the list";
  }
  std::cout << provoked.size() - 1 << " of " << declarations
            << " declared errors provoked here; the others:\n";
  for (const auto& [key, reason] : NotProvokedHere())
    std::cout << "  " << key << ": " << reason << "\n";
}

}  // namespace
}  // namespace wa::testing
