#include "gateway/json_transcoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gateway/field_errors.h"
#include "google/protobuf/util/message_differencer.h"
#include "hotel/whatsapp/v1/common.pb.h"
#include "hotel/whatsapp/v1/conversations.pb.h"
#include "hotel/whatsapp/v1/media.pb.h"
#include "hotel/whatsapp/v1/messages.pb.h"
#include "hotel/whatsapp/v1/templates.pb.h"
#include "hotel/whatsapp/v1/webhooks.pb.h"
#include "nlohmann/json.hpp"

namespace wa::gateway {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using ::nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

json Printed(const google::protobuf::Message& m) { return json::parse(MessageToJson(m)); }

std::string ErrorOf(const absl::Status& s) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  return std::string(s.message());
}

// ---- Output -------------------------------------------------------------

TEST(JsonPrintTest, EnumsUseTheRestSpelling) {
  v1::SendMessageResponse resp;
  resp.set_message_id("msg_1");
  resp.set_status(v1::MESSAGE_STATUS_QUEUED);
  EXPECT_EQ(Printed(resp)["status"], "queued");

  v1::SendInteractiveMessageRequest interactive;
  interactive.set_interactive_type(v1::INTERACTIVE_TYPE_BUTTONS);
  EXPECT_EQ(Printed(interactive)["interactive_type"], "buttons");

  v1::Template t;
  t.set_category(v1::TEMPLATE_CATEGORY_UTILITY);
  t.set_status(v1::TEMPLATE_STATUS_APPROVED);
  v1::TemplateComponent* c = t.add_components();
  c->set_type(v1::COMPONENT_TYPE_HEADER);
  c->set_format(v1::HEADER_FORMAT_TEXT);
  json j = Printed(t);
  EXPECT_EQ(j["category"], "UTILITY");
  EXPECT_EQ(j["status"], "APPROVED");
  EXPECT_EQ(j["components"][0]["type"], "HEADER");
  EXPECT_EQ(j["components"][0]["format"], "TEXT");
}

TEST(JsonPrintTest, ZeroEnumPrintsEmpty) {
  v1::SendMessageResponse resp;
  EXPECT_EQ(Printed(resp)["status"], "");
}

TEST(JsonPrintTest, EveryFieldIsPrintedWithDefaultsAndNullForUnsetMessages) {
  v1::Conversation conv;
  EXPECT_EQ(MessageToJson(conv),
            R"({"conversation_id":"","guest_phone":"","status":"","messages":[],)"
            R"("participants":[],"metadata":{},"created_at":null,"updated_at":null,)"
            R"("last_guest_message_at":null,"resolved_at":null,"resolved_by":"",)"
            R"("resolution_notes":"","satisfaction_rating":0,"follow_up_required":false,)"
            R"("message_count":0,"assigned_to":"","department":"","guest_user_id":"",)"
            R"("guest_username":""})");
}

TEST(JsonPrintTest, NestedMessagesRepeatedAndMaps) {
  v1::Conversation conv;
  conv.set_conversation_id("conv_abc123");
  conv.set_status(v1::CONVERSATION_STATUS_ACTIVE);
  (*conv.mutable_metadata())["room"] = "1204";
  (*conv.mutable_metadata())["booking"] = "B-7";
  v1::Message* m = conv.add_messages();
  m->set_direction(v1::DIRECTION_INBOUND);
  m->set_message_type(v1::MESSAGE_TYPE_TEXT);
  m->set_text("Hi \"there\"\n");
  json j = Printed(conv);
  EXPECT_EQ(j["status"], "active");
  EXPECT_EQ(j["messages"][0]["direction"], "inbound");
  EXPECT_EQ(j["messages"][0]["message_type"], "text");
  EXPECT_EQ(j["messages"][0]["text"], "Hi \"there\"\n");
  EXPECT_EQ(j["messages"][0]["sent_at"], nullptr);
  EXPECT_EQ(j["metadata"], json({{"booking", "B-7"}, {"room", "1204"}}));
  // Map keys print sorted, so equal maps give equal text.
  EXPECT_THAT(MessageToJson(conv), HasSubstr(R"("metadata":{"booking":"B-7","room":"1204"})"));
}

TEST(JsonPrintTest, TimestampsAreRfc3339Utc) {
  v1::SendMessageResponse resp;
  resp.mutable_created_at()->set_seconds(1705312800);  // 2024-01-15T10:00:00Z
  EXPECT_EQ(Printed(resp)["created_at"], "2024-01-15T10:00:00Z");
  resp.mutable_created_at()->set_nanos(250000000);
  EXPECT_EQ(Printed(resp)["created_at"], "2024-01-15T10:00:00.250Z");
}

TEST(JsonPrintTest, NumbersFollowProtobufJson) {
  v1::Media media;
  media.set_size_bytes(1234567890123);
  EXPECT_EQ(Printed(media)["size_bytes"], "1234567890123");  // int64 as a string
  v1::WindowStatus w;
  w.set_hours_remaining(23.5);
  w.set_within_window(true);
  json j = Printed(w);
  EXPECT_EQ(j["hours_remaining"], 23.5);
  EXPECT_EQ(j["within_window"], true);
}

TEST(JsonPrintTest, OneofPrintsOnlyTheSetMember) {
  v1::UploadMediaRequest req;
  EXPECT_EQ(MessageToJson(req), "{}");
  req.set_chunk("hello");
  EXPECT_EQ(MessageToJson(req), R"({"chunk":"aGVsbG8="})");
}

TEST(JsonPrintTest, StructPrintsAsPlainJson) {
  v1::ErrorDetail detail;
  auto& fields = *detail.mutable_details()->mutable_fields();
  fields["guest_phone"].set_string_value("+1234567890");
  fields["count"].set_number_value(2);
  fields["ok"].set_bool_value(true);
  fields["none"].set_null_value(google::protobuf::NULL_VALUE);
  auto* list = fields["suggested_templates"].mutable_list_value();
  list->add_values()->set_string_value("service_followup");
  list->add_values()->set_string_value("general_inquiry");
  json j = Printed(detail);
  EXPECT_EQ(j["details"], json::parse(R"({"guest_phone":"+1234567890","count":2,"ok":true,
      "none":null,"suggested_templates":["service_followup","general_inquiry"]})"));
  EXPECT_EQ(j["recovery_options"], json::array());
}

TEST(JsonPrintTest, ResponseBodySelectsOneField) {
  v1::ListConversationsResponse resp;
  resp.add_conversations()->set_conversation_id("c1");
  std::string out;
  AppendResponseJson(resp, "conversations", &out);
  EXPECT_EQ(json::parse(out)[0]["conversation_id"], "c1");
  out.clear();
  AppendResponseJson(resp, "next_page_token", &out);
  EXPECT_EQ(out, R"("")");
}

// ---- Input --------------------------------------------------------------

TEST(JsonParseTest, ReadsNestedMessageAndEnum) {
  v1::SendMessageRequest req;
  ASSERT_TRUE(MergeJsonText(R"({"guest_phone":"+1234567890","message_type":"text",
      "content":{"text":"Hello","preview_url":true}})",
                            &req)
                  .ok());
  EXPECT_EQ(req.guest_phone(), "+1234567890");
  EXPECT_EQ(req.message_type(), v1::MESSAGE_TYPE_TEXT);
  EXPECT_EQ(req.content().text(), "Hello");
  EXPECT_TRUE(req.content().preview_url());
}

TEST(JsonParseTest, EnumsInAnyCaseByFullNameOrNumber) {
  for (const char* spelled : {R"("text")", R"("TEXT")", R"("Text")", R"("MESSAGE_TYPE_TEXT")",
                              R"("message_type_text")", "1", R"("1")"}) {
    v1::SendMessageRequest req;
    absl::Status s = MergeJsonText(std::string(R"({"message_type":)") + spelled + "}", &req);
    ASSERT_TRUE(s.ok()) << spelled << ": " << s;
    EXPECT_EQ(req.message_type(), v1::MESSAGE_TYPE_TEXT) << spelled;
  }
  v1::SubmitTemplateRequest t;
  ASSERT_TRUE(MergeJsonText(R"({"category":"utility","components":[{"type":"Body"}]})", &t).ok());
  EXPECT_EQ(t.category(), v1::TEMPLATE_CATEGORY_UTILITY);
  EXPECT_EQ(t.components(0).type(), v1::COMPONENT_TYPE_BODY);
  v1::SendInteractiveMessageRequest i;
  ASSERT_TRUE(MergeJsonText(R"({"interactive_type":"LIST"})", &i).ok());
  EXPECT_EQ(i.interactive_type(), v1::INTERACTIVE_TYPE_LIST);
}

TEST(JsonParseTest, UnknownEnumValueNamesFieldAndAcceptedValues) {
  v1::SendMessageRequest req;
  std::string e = ErrorOf(MergeJsonText(R"({"message_type":"fax"})", &req));
  EXPECT_THAT(e, HasSubstr("message_type: unknown value \"fax\""));
  EXPECT_THAT(e, HasSubstr("accepted values: text, template, image"));
  e = ErrorOf(MergeJsonText(R"({"message_type":99})", &req));
  EXPECT_THAT(e, HasSubstr("message_type: unknown value \"99\""));
  v1::SubmitTemplateRequest t;
  e = ErrorOf(MergeJsonText(R"({"category":"promo"})", &t));
  EXPECT_THAT(e, HasSubstr("accepted values: UTILITY, MARKETING, AUTHENTICATION"));
}

TEST(JsonParseTest, WrongTypeNamesTheField) {
  v1::SendMessageRequest req;
  EXPECT_EQ(ErrorOf(MergeJsonText(R"({"content":{"text":5}})", &req)),
            "content.text: expected string");
  EXPECT_EQ(ErrorOf(MergeJsonText(R"({"content":"hi"})", &req)), "content: expected object");
  EXPECT_EQ(ErrorOf(MergeJsonText(R"({"content":{"preview_url":"yes"}})", &req)),
            "content.preview_url: expected boolean");
  v1::BatchSendMessagesRequest batch;
  EXPECT_EQ(ErrorOf(MergeJsonText(R"({"messages":[{"phone":"+1"},{"phone":3}]})", &batch)),
            "messages[1].phone: expected string");
  EXPECT_EQ(ErrorOf(MergeJsonText(R"({"messages":{}})", &batch)), "messages: expected array");
  EXPECT_THAT(ErrorOf(MergeJsonText(R"({"rate_limit":{"batch_size":1.5}})", &batch)),
              HasSubstr("rate_limit.batch_size: expected integer"));
  EXPECT_THAT(ErrorOf(MergeJsonText(R"({"rate_limit":{"batch_size":"many"}})", &batch)),
              HasSubstr("rate_limit.batch_size: expected an integer"));
  EXPECT_THAT(ErrorOf(MergeJsonText(R"({"messages":[{"parameters":{"1":2}}]})", &batch)),
              HasSubstr(R"(messages[0].parameters["1"]: expected string)"));
}

TEST(JsonParseTest, MalformedJsonAndNonObjectBody) {
  v1::SendMessageRequest req;
  EXPECT_THAT(ErrorOf(MergeJsonText(R"({"guest_phone": )", &req)), HasSubstr("malformed JSON"));
  EXPECT_EQ(ErrorOf(MergeJsonText("[1,2]", &req)), "request body: expected object");
  EXPECT_TRUE(MergeJsonText("  ", &req).ok());
}

// Found by json_transcoder_fuzzer and route_table_fuzzer: a number beyond
// a double's range escaped as an exception (nlohmann's out_of_range 406).
TEST(JsonParseTest, NumberOutOfRangeIsInvalidArgument) {
  v1::SendMessageRequest req;
  EXPECT_THAT(ErrorOf(MergeJsonText(R"({"guest_phone": 1E400})", &req)),
              HasSubstr("number is out of range"));
  v1::ConfigureWebhookRequest webhook;
  EXPECT_THAT(ErrorOf(MergeJsonText(R"({"retry_config": {"max_retries": 723456E7895}})", &webhook)),
              HasSubstr("number is out of range"));
}

TEST(JsonParseTest, NullMeansDefault) {
  v1::SendMessageRequest req;
  ASSERT_TRUE(
      MergeJsonText(R"({"guest_phone":"+1","content":null,"staff_member_id":null})", &req).ok());
  EXPECT_EQ(req.guest_phone(), "+1");
  EXPECT_FALSE(req.has_content());
}

TEST(JsonParseTest, UnknownFieldsAreRefusedWithTheNearestName) {
  v1::SendMessageRequest req;
  absl::Status s = MergeJsonText(R"({"guest_phnoe":"+1"})", &req);
  EXPECT_EQ(s.message(),
            "unknown field `guest_phnoe` in the request body; did you mean `guest_phone`?");
  EXPECT_EQ(ErrorOf(MergeJsonText(R"({"content":{"txt":"hi"}})", &req)),
            "unknown field `content.txt` in the request body; did you mean `content.text`?");
  EXPECT_EQ(ErrorOf(MergeJsonText(R"({"legacy_flag":1})", &req)),
            "unknown field `legacy_flag` in the request body");
  // The ErrorDetail rides along for the renderer: field, guess, what to do.
  std::optional<v1::ErrorDetail> detail = ErrorDetailOf(s);
  ASSERT_TRUE(detail.has_value());
  EXPECT_EQ(detail->details().fields().at("did_you_mean").string_value(), "guest_phone");
  EXPECT_THAT(detail->recovery_options(0), HasSubstr("Rename `guest_phnoe` to `guest_phone`"));
}

TEST(JsonParseTest, AStringMarkedJsonObjectMemberTakesTheObjectForm) {
  v1::BatchMessage item;
  ASSERT_TRUE(MergeJsonText(R"({"content":{"text":"hi"}})", &item).ok());
  EXPECT_EQ(item.content(), "hi");
  ASSERT_TRUE(MergeJsonText(R"({"content":"plain"})", &item).ok());
  EXPECT_EQ(item.content(), "plain");
  EXPECT_THAT(ErrorOf(MergeJsonText(R"({"content":{"body":"hi"}})", &item)),
              HasSubstr("unknown field `content.body`"));
  // A string field without the mark takes no object.
  v1::SendMessageRequest req;
  EXPECT_EQ(ErrorOf(MergeJsonText(R"({"guest_phone":{"text":"+1"}})", &req)),
            "guest_phone: expected string");
}

TEST(BuildRequestTest, RequiredFieldsAreNamedWhenMissing) {
  v1::SendMessageRequest req;
  EXPECT_EQ(ErrorOf(BuildRequestMessage("*", R"({"guest_phone":"+1"})", {}, {}, &req)),
            "`content` is required");
  req.Clear();
  EXPECT_EQ(ErrorOf(BuildRequestMessage("*", R"({"content":{}})", {}, {}, &req)),
            "`content.text` is required");
  v1::SendInteractiveMessageRequest interactive;
  EXPECT_EQ(ErrorOf(BuildRequestMessage("*", R"({"interactive_type":"buttons",
      "content":{"text":"t","buttons":[{"id":"a","title":"A"},{"id":"b"}]}})",
                                        {}, {}, &interactive)),
            "`content.buttons[1].title` is required");
  req.Clear();
  EXPECT_TRUE(BuildRequestMessage("*", R"({"content":{"text":"hi"}})", {}, {}, &req).ok());
}

TEST(JsonParseTest, AcceptsLowerCamelNames) {
  v1::SendMessageRequest req;
  ASSERT_TRUE(MergeJsonText(R"({"guestPhone":"+1","messageType":"text"})", &req).ok());
  EXPECT_EQ(req.guest_phone(), "+1");
  EXPECT_EQ(req.message_type(), v1::MESSAGE_TYPE_TEXT);
}

TEST(JsonParseTest, NumbersFromStringsAndMaps) {
  v1::BatchSendMessagesRequest batch;
  ASSERT_TRUE(MergeJsonText(R"({"rate_limit":{"messages_per_second":"10","batch_size":2.0},
      "messages":[{"phone":"+1","parameters":{"1":"Ann","2":"1204"}}]})",
                            &batch)
                  .ok());
  EXPECT_EQ(batch.rate_limit().messages_per_second(), 10);
  EXPECT_EQ(batch.rate_limit().batch_size(), 2);
  EXPECT_EQ(batch.messages(0).parameters().at("2"), "1204");
  v1::Media media;
  ASSERT_TRUE(MergeJsonText(R"({"size_bytes":"1234567890123"})", &media).ok());
  EXPECT_EQ(media.size_bytes(), 1234567890123);
  EXPECT_THAT(ErrorOf(MergeJsonText(R"({"rate_limit":{"batch_size":4294967296}})", &batch)),
              HasSubstr("out of range"));
}

TEST(JsonParseTest, TimestampsAndStructs) {
  v1::Batch b;
  ASSERT_TRUE(MergeJsonText(R"({"created_at":"2024-01-15T12:00:00.5+02:00"})", &b).ok());
  EXPECT_EQ(b.created_at().seconds(), 1705312800);
  EXPECT_EQ(b.created_at().nanos(), 500000000);
  EXPECT_THAT(ErrorOf(MergeJsonText(R"({"created_at":"yesterday"})", &b)),
              HasSubstr("created_at: expected an RFC 3339 timestamp"));
  v1::ErrorDetail d;
  ASSERT_TRUE(MergeJsonText(R"({"details":{"a":[1,"x",null,{"b":false}]}})", &d).ok());
  EXPECT_EQ(Printed(d)["details"], json::parse(R"({"a":[1,"x",null,{"b":false}]})"));
}

TEST(JsonParseTest, StructNestingIsBounded) {
  std::string deep = std::string(200, '[') + std::string(200, ']');
  v1::ErrorDetail d;
  EXPECT_THAT(ErrorOf(MergeJsonText(R"({"details":{"a":)" + deep + "}}", &d)),
              HasSubstr("nested deeper than 100 levels"));
  std::string shallow = std::string(20, '[') + std::string(20, ']');
  EXPECT_TRUE(MergeJsonText(R"({"details":{"a":)" + shallow + "}}", &d).ok());
}

TEST(JsonParseTest, RoundTrip) {
  v1::Conversation conv;
  conv.set_conversation_id("conv_1");
  conv.set_status(v1::CONVERSATION_STATUS_RESOLVED);
  conv.mutable_created_at()->set_seconds(1705312800);
  conv.mutable_created_at()->set_nanos(1000);
  (*conv.mutable_metadata())["k"] = "v";
  conv.add_messages()->set_message_type(v1::MESSAGE_TYPE_INTERACTIVE);
  conv.set_satisfaction_rating(5);
  v1::Conversation back;
  ASSERT_TRUE(MergeJsonText(MessageToJson(conv), &back).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(conv, back)) << back.DebugString();
}

// ---- Request assembly ----------------------------------------------------

TEST(BuildRequestTest, QueryParamsAreTyped) {
  v1::ListConversationsRequest req;
  QueryParams q = {{"status", "Active"}, {"page_size", "20"}, {"guest_phone", "+1234567890"}};
  ASSERT_TRUE(BuildRequestMessage("", "", q, {}, &req).ok());
  EXPECT_EQ(req.status(), v1::CONVERSATION_STATUS_ACTIVE);
  EXPECT_EQ(req.page_size(), 20);
  EXPECT_EQ(req.guest_phone(), "+1234567890");
}

TEST(BuildRequestTest, NestedAndRepeatedQueryParams) {
  v1::ConfigureWebhookRequest req;
  QueryParams q = {{"events", "message.sent"},
                   {"events", "message.read"},
                   {"retry_config.max_retries", "3"},
                   {"retryConfig.retryDelay", "500"},
                   {"webhook_url", "https://hotel.example/hook"}};  // required
  ASSERT_TRUE(BuildRequestMessage("", "", q, {}, &req).ok());
  EXPECT_THAT(req.events(), ElementsAre("message.sent", "message.read"));
  EXPECT_EQ(req.retry_config().max_retries(), 3);
  EXPECT_EQ(req.retry_config().retry_delay(), 500);
}

TEST(BuildRequestTest, BadQueryParamsNameThemselves) {
  v1::ListConversationsRequest req;
  EXPECT_THAT(ErrorOf(BuildRequestMessage("", "", {{"colour", "red"}}, {}, &req)),
              HasSubstr("unknown field `colour` in the query string"));
  EXPECT_THAT(ErrorOf(BuildRequestMessage("", "", {{"guest_phnoe", "+1"}}, {}, &req)),
              HasSubstr("did you mean `guest_phone`?"));
  EXPECT_THAT(ErrorOf(BuildRequestMessage("", "", {{"page_size", "ten"}}, {}, &req)),
              HasSubstr("page_size: expected an integer"));
  EXPECT_THAT(ErrorOf(BuildRequestMessage("", "", {{"status", "open"}}, {}, &req)),
              HasSubstr("status: unknown value \"open\"; accepted values: active, resolved"));
  EXPECT_THAT(
      ErrorOf(BuildRequestMessage("", "", {{"page_size", "1"}, {"page_size", "2"}}, {}, &req)),
      HasSubstr("given more than once"));
  v1::SendMessageRequest send;
  EXPECT_THAT(ErrorOf(BuildRequestMessage("", "", {{"content.preview_url", "maybe"}}, {}, &send)),
              HasSubstr("content.preview_url: expected true or false"));
}

TEST(BuildRequestTest, PathVariablesWinOverTheBody) {
  v1::ResolveConversationRequest req;
  ASSERT_TRUE(BuildRequestMessage("*", R"({"conversation_id":"other","resolution_notes":"done",
      "satisfaction_rating":5})",
                                  {}, {{"conversation_id", "conv_1"}}, &req)
                  .ok());
  EXPECT_EQ(req.conversation_id(), "conv_1");
  EXPECT_EQ(req.resolution_notes(), "done");
  EXPECT_EQ(req.satisfaction_rating(), 5);
}

TEST(BuildRequestTest, QueryIsIgnoredWithWholeBodyAndBodyIgnoredWithoutRule) {
  v1::ResolveConversationRequest req;
  ASSERT_TRUE(
      BuildRequestMessage("*", R"({"resolution_notes":"a"})", {{"resolution_notes", "b"}}, {}, &req)
          .ok());
  EXPECT_EQ(req.resolution_notes(), "a");
  v1::GetConversationRequest get;
  ASSERT_TRUE(BuildRequestMessage("", R"({"message_limit":3})", {{"message_limit", "7"}},
                                  {{"conversation_id", "c"}}, &get)
                  .ok());
  EXPECT_EQ(get.message_limit(), 7);
  EXPECT_EQ(get.conversation_id(), "c");
}

TEST(BuildRequestTest, PathVariableBeatsQueryParam) {
  v1::GetConversationRequest get;
  ASSERT_TRUE(BuildRequestMessage("", "", {{"conversation_id", "from_query"}},
                                  {{"conversation_id", "from_path"}}, &get)
                  .ok());
  EXPECT_EQ(get.conversation_id(), "from_path");
}

TEST(BuildRequestTest, BodyIntoOneField) {
  v1::SendMessageRequest req;
  ASSERT_TRUE(BuildRequestMessage("content", R"({"text":"hi"})",
                                  {{"guest_phone", "+1"}, {"content.text", "ignored"}}, {}, &req)
                  .ok());
  EXPECT_EQ(req.content().text(), "hi");
  EXPECT_EQ(req.guest_phone(), "+1");
  req.Clear();
  EXPECT_EQ(ErrorOf(BuildRequestMessage("content", R"({"text":1})", {}, {}, &req)),
            "content.text: expected string");
}

TEST(BuildRequestTest, TimestampFromQuery) {
  v1::Batch b;
  ASSERT_TRUE(SetFieldFromText("created_at", "2024-01-15T10:00:00Z", &b).ok());
  EXPECT_EQ(b.created_at().seconds(), 1705312800);
}

}  // namespace
}  // namespace wa::gateway
