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
#include "tests/integration/helpful_errors_fixture.h"
#include "tests/integration/media_transfer.h"
#include "tests/integration/raw_socket.h"
#include "tests/integration/server_process.h"
#include "tests/integration/wait.h"

namespace wa::testing {
namespace {

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

}  // namespace
}  // namespace wa::testing
