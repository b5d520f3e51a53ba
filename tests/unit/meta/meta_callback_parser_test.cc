#include "server/provider/meta_callback_parser.h"

#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/unit/meta/meta_notification_builders.h"

namespace wa::provider {
namespace {

namespace v1 = hotel::whatsapp::v1;

// Meta's documented webhook examples: our own values in Meta's field structure.
constexpr char kW1[] =
    R"({"object":"whatsapp_business_account","entry":[{"id":"210987654321098","changes":[{"field":"messages","value":{
 "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550100200","phone_number_id":"109876543210987"},
 "contacts":[{"profile":{"name":"Maria Lopez"},"wa_id":"447700900123"}],
 "messages":[{"from":"447700900123","id":"wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0FBMTExMjIyMzMzNDQ0NTU1NjYA",
   "timestamp":"1767254400","type":"text","text":{"body":"Hi, can I get two extra towels in room 412?"}}]}}]}]})";

constexpr char kW2[] =
    R"({"object":"whatsapp_business_account","entry":[{"id":"210987654321098","changes":[{"field":"messages","value":{
 "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550100200","phone_number_id":"109876543210987"},
 "contacts":[{"profile":{"name":"Maria Lopez"},"wa_id":"447700900123"}],
 "messages":[{"from":"447700900123","id":"wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0FBMjIyMzMzNDQ0NTU1NjY2NzcA",
   "timestamp":"1767254460","type":"image","image":{"caption":"The shower is leaking","mime_type":"image/jpeg",
   "sha256":"q2l0c2hhMjU2ZXhhbXBsZXZhbHVlYmFzZTY0ZW5jb2RlZD0=","id":"1234567890123456"}}]}}]}]})";

constexpr char kW3[] =
    R"({"object":"whatsapp_business_account","entry":[{"id":"210987654321098","changes":[{"field":"messages","value":{
 "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550100200","phone_number_id":"109876543210987"},
 "contacts":[{"profile":{"name":"Maria Lopez"},"wa_id":"447700900123"}],
 "messages":[{"context":{"from":"15550100200","id":"wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQkFTRTAwMDAwMDAwMDAwMDEA"},
   "from":"447700900123","id":"wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0FBMzMzNDQ0NTU1NjY2Nzc3ODgA",
   "timestamp":"1767254520","type":"interactive",
   "interactive":{"type":"button_reply","button_reply":{"id":"late_checkout_yes","title":"Yes, 2 pm"}}}]}}]}]})";

constexpr char kW4[] =
    R"({"object":"whatsapp_business_account","entry":[{"id":"210987654321098","changes":[{"field":"messages","value":{
 "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550100200","phone_number_id":"109876543210987"},
 "contacts":[{"profile":{"name":"Maria Lopez"},"wa_id":"447700900123"}],
 "messages":[{"context":{"from":"15550100200","id":"wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQkFTRTAwMDAwMDAwMDAwMDIA"},
   "from":"447700900123","id":"wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0FBNDQ0NTU1NjY2Nzc3ODg4OTkA",
   "timestamp":"1767254580","type":"interactive",
   "interactive":{"type":"list_reply","list_reply":{"id":"spa_1800","title":"Spa 18:00","description":"60-min massage, 1 slot left"}}}]}}]}]})";

constexpr char kW5[] =
    R"({"object":"whatsapp_business_account","entry":[{"id":"210987654321098","changes":[{"field":"messages","value":{
 "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550100200","phone_number_id":"109876543210987"},
 "statuses":[{"id":"wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQkFTRTAwMDAwMDAwMDAwMDMA","status":"delivered",
   "timestamp":"1767254605","recipient_id":"447700900123",
   "pricing":{"billable":false,"pricing_model":"PMP","category":"service","type":"free_customer_service"}}]}}]}]})";

constexpr char kW6[] =
    R"({"object":"whatsapp_business_account","entry":[{"id":"210987654321098","changes":[{"field":"messages","value":{
 "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550100200","phone_number_id":"109876543210987"},
 "statuses":[{"id":"wamid.HBgLMTY1MDU1NTAxOTkVAgARGBJCQVNFMDAwMDAwMDAwMDA0AA==","status":"failed",
   "timestamp":"1767254700","recipient_id":"16505550199",
   "errors":[{"code":131026,"title":"Message undeliverable","message":"Message undeliverable",
     "error_data":{"details":"Message Undeliverable."},
     "href":"https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]}]}}]}]})";

constexpr char kPnid[] = "109876543210987";
constexpr char kGuest[] = "447700900123";

using namespace test_notifications;  // NOLINT: the builders are this file's vocabulary

TEST(ParseMetaNotification, W1InboundText) {
  MetaNotification n = MustParse(kW1);
  ASSERT_EQ(n.messages.size(), 1u);
  EXPECT_TRUE(n.statuses.empty());
  const MetaInbound& m = n.messages[0];
  EXPECT_EQ(m.phone_number_id, kPnid);
  EXPECT_EQ(m.display_phone_number, "15550100200");
  EXPECT_EQ(m.from, kGuest);
  EXPECT_EQ(m.profile_name, "Maria Lopez");
  EXPECT_EQ(m.wamid, "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0FBMTExMjIyMzMzNDQ0NTU1NjYA");
  EXPECT_EQ(m.timestamp, absl::FromUnixSeconds(1767254400));
  EXPECT_EQ(m.type, v1::MESSAGE_TYPE_TEXT);
  EXPECT_EQ(m.meta_type, "text");
  EXPECT_EQ(m.body, "Hi, can I get two extra towels in room 412?");
  EXPECT_EQ(m.payload, "");
  EXPECT_EQ(m.context_wamid, "");
}

TEST(ParseMetaNotification, W2InboundImageWithCaption) {
  MetaInbound m = OnlyMessage(kW2);
  EXPECT_EQ(m.type, v1::MESSAGE_TYPE_IMAGE);
  EXPECT_EQ(m.body, "The shower is leaking");
  EXPECT_EQ(m.media_id, "1234567890123456");
  EXPECT_EQ(m.mime_type, "image/jpeg");
  EXPECT_EQ(m.sha256, "q2l0c2hhMjU2ZXhhbXBsZXZhbHVlYmFzZTY0ZW5jb2RlZD0=");
  nlohmann::json payload = nlohmann::json::parse(m.payload);
  EXPECT_EQ(payload["image"]["id"], "1234567890123456");
  EXPECT_EQ(m.payload.find('\n'), std::string::npos);  // compact
}

TEST(ParseMetaNotification, W3ReplyButtonWithContext) {
  MetaInbound m = OnlyMessage(kW3);
  EXPECT_EQ(m.type, v1::MESSAGE_TYPE_INTERACTIVE);
  EXPECT_EQ(m.reply_id, "late_checkout_yes");
  EXPECT_EQ(m.body, "Yes, 2 pm");
  EXPECT_EQ(m.context_wamid, "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQkFTRTAwMDAwMDAwMDAwMDEA");
}

TEST(ParseMetaNotification, W4ListReplyWithContext) {
  MetaInbound m = OnlyMessage(kW4);
  EXPECT_EQ(m.type, v1::MESSAGE_TYPE_INTERACTIVE);
  EXPECT_EQ(m.reply_id, "spa_1800");
  EXPECT_EQ(m.body, "Spa 18:00");
  EXPECT_EQ(m.context_wamid, "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQkFTRTAwMDAwMDAwMDAwMDIA");
  EXPECT_EQ(nlohmann::json::parse(m.payload)["interactive"]["list_reply"]["description"],
            "60-min massage, 1 slot left");
}

TEST(ParseMetaNotification, W5StatusDelivered) {
  MetaNotification n = MustParse(kW5);
  ASSERT_EQ(n.statuses.size(), 1u);
  EXPECT_TRUE(n.messages.empty());
  const MetaStatus& s = n.statuses[0];
  EXPECT_EQ(s.phone_number_id, kPnid);
  EXPECT_EQ(s.wamid, "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQkFTRTAwMDAwMDAwMDAwMDMA");
  EXPECT_EQ(s.status, v1::MESSAGE_STATUS_DELIVERED);
  EXPECT_EQ(s.timestamp, absl::FromUnixSeconds(1767254605));
  EXPECT_EQ(s.recipient_id, kGuest);
  EXPECT_EQ(s.pricing_category, "service");
  EXPECT_EQ(s.error_code, 0);
}

TEST(ParseMetaNotification, W6StatusFailedWithError) {
  MetaNotification n = MustParse(kW6);
  ASSERT_EQ(n.statuses.size(), 1u);
  const MetaStatus& s = n.statuses[0];
  EXPECT_EQ(s.wamid, "wamid.HBgLMTY1MDU1NTAxOTkVAgARGBJCQVNFMDAwMDAwMDAwMDA0AA==");
  EXPECT_EQ(s.status, v1::MESSAGE_STATUS_FAILED);
  EXPECT_EQ(s.recipient_id, "16505550199");
  EXPECT_EQ(s.error_code, 131026);
  EXPECT_EQ(s.error_title, "Message undeliverable");
  EXPECT_EQ(s.error_details, "Message Undeliverable.");
}

TEST(ParseMetaNotification, EveryEntryChangeAndItem) {
  std::string body = R"({"object":"whatsapp_business_account","entry":[
   {"id":"210987654321098","changes":[
     {"field":"messages","value":{"messaging_product":"whatsapp",
       "metadata":{"display_phone_number":"15550100200","phone_number_id":"109876543210987"},
       "contacts":[{"profile":{"name":"Maria Lopez"},"wa_id":"447700900123"},
                   {"profile":{"name":"Tom Smith"},"wa_id":"16505550123","user_id":"US.1349120865530274"}],
       "messages":[
         {"from":"447700900123","id":"wamid.A","timestamp":"1767254400","type":"text","text":{"body":"one"}},
         {"from":"16505550123","id":"wamid.B","timestamp":1767254401,"type":"text","text":{"body":"two"}}],
       "statuses":[
         {"id":"wamid.OUT1","status":"sent","timestamp":"1767254402","recipient_id":"447700900123",
          "biz_opaque_callback_data":"msg_01H"}]}},
     {"field":"messages","value":{"messaging_product":"whatsapp",
       "metadata":{"display_phone_number":"15550100200","phone_number_id":"109876543210987"},
       "statuses":[{"id":"wamid.OUT1","status":"read","timestamp":"1767254403","recipient_id":"447700900123"}]}}]},
   {"id":"310987654321099","changes":[
     {"field":"messages","value":{"messaging_product":"whatsapp",
       "metadata":{"display_phone_number":"15550100300","phone_number_id":"209876543210988"},
       "messages":[{"from":"33612345678","id":"wamid.C","timestamp":"1767254404","type":"text","text":{"body":"three"}}],
       "statuses":[{"id":"wamid.OUT2","status":"played","timestamp":"1767254405","recipient_id":"33612345678"}]}}]}]})";
  MetaNotification n = MustParse(body);
  EXPECT_EQ(n.skipped, 0);
  ASSERT_EQ(n.messages.size(), 3u);
  EXPECT_EQ(n.messages[0].body, "one");
  EXPECT_EQ(n.messages[0].profile_name, "Maria Lopez");
  EXPECT_EQ(n.messages[1].profile_name, "Tom Smith");
  EXPECT_EQ(n.messages[1].user_id, "US.1349120865530274");
  EXPECT_EQ(n.messages[1].timestamp, absl::FromUnixSeconds(1767254401));  // number tolerated
  EXPECT_EQ(n.messages[2].phone_number_id, "209876543210988");
  EXPECT_EQ(n.messages[2].profile_name, "");  // no contacts[] entry
  ASSERT_EQ(n.statuses.size(), 3u);
  EXPECT_EQ(n.statuses[0].status, v1::MESSAGE_STATUS_SENT);
  EXPECT_EQ(n.statuses[0].biz_opaque_callback_data, "msg_01H");
  EXPECT_EQ(n.statuses[1].status, v1::MESSAGE_STATUS_READ);
  EXPECT_EQ(n.statuses[2].status, v1::MESSAGE_STATUS_READ);  // played counts as read
  EXPECT_EQ(n.statuses[2].meta_status, "played");
  EXPECT_EQ(n.statuses[2].phone_number_id, "209876543210988");
}

TEST(ParseMetaNotification, TemplateQuickReplyButton) {
  MetaInbound m = OnlyMessage(Inbound(
      R"("context":{"from":"15550100200","id":"wamid.TPL"},"type":"button",
         "button":{"payload":"LATE_ARRIVAL:R7F3K9","text":"I'll arrive late"})"));
  EXPECT_EQ(m.type, v1::MESSAGE_TYPE_BUTTON);
  EXPECT_EQ(m.body, "I'll arrive late");
  EXPECT_EQ(m.reply_id, "LATE_ARRIVAL:R7F3K9");
  EXPECT_EQ(m.context_wamid, "wamid.TPL");
}

TEST(ParseMetaNotification, Reaction) {
  MetaInbound m = OnlyMessage(Inbound(
      R"("type":"reaction","reaction":{"message_id":"wamid.OURS","emoji":"\ud83d\udc4d"})"));
  EXPECT_EQ(m.type, v1::MESSAGE_TYPE_REACTION);
  EXPECT_EQ(m.body, "\xF0\x9F\x91\x8D");  // 👍 as UTF-8
  EXPECT_EQ(m.reacted_wamid, "wamid.OURS");
}

TEST(ParseMetaNotification, Location) {
  MetaInbound named = OnlyMessage(Inbound(
      R"("type":"location","location":{"latitude":51.5074,"longitude":-0.1278,
         "name":"Grand Harbour Hotel","address":"1 Quay St, London"})"));
  EXPECT_EQ(named.type, v1::MESSAGE_TYPE_LOCATION);
  EXPECT_EQ(named.body, "Grand Harbour Hotel, 1 Quay St, London");
  EXPECT_EQ(nlohmann::json::parse(named.payload)["location"]["latitude"], 51.5074);

  MetaInbound pin = OnlyMessage(
      Inbound(R"("type":"location","location":{"latitude":51.5074,"longitude":-0.1278})"));
  EXPECT_EQ(pin.body, "51.5074,-0.1278");
}

TEST(ParseMetaNotification, Contacts) {
  MetaInbound m = OnlyMessage(Inbound(R"("type":"contacts","contacts":[
      {"name":{"formatted_name":"Ana Silva","first_name":"Ana"},"phones":[{"phone":"+351 912 345 678","type":"CELL"}]},
      {"name":{"first_name":"Li","last_name":"Wei"}}])"));
  EXPECT_EQ(m.type, v1::MESSAGE_TYPE_CONTACTS);
  EXPECT_EQ(m.body, "Ana Silva, Li Wei");
  EXPECT_EQ(nlohmann::json::parse(m.payload)["contacts"][0]["phones"][0]["type"], "CELL");
}

TEST(ParseMetaNotification, DocumentAndAudio) {
  MetaInbound doc = OnlyMessage(Inbound(
      R"("type":"document","document":{"caption":"My passport","filename":"passport.pdf",
         "mime_type":"application/pdf","sha256":"abc=","id":"555"})"));
  EXPECT_EQ(doc.type, v1::MESSAGE_TYPE_DOCUMENT);
  EXPECT_EQ(doc.filename, "passport.pdf");
  EXPECT_EQ(doc.body, "My passport");
  MetaInbound voice = OnlyMessage(Inbound(
      R"("type":"audio","audio":{"mime_type":"audio/ogg; codecs=opus","id":"777","voice":true})"));
  EXPECT_EQ(voice.type, v1::MESSAGE_TYPE_AUDIO);
  EXPECT_EQ(voice.media_id, "777");
  EXPECT_EQ(voice.body, "");
}

TEST(ParseMetaNotification, UnsupportedWithErrors) {
  MetaInbound m = OnlyMessage(Inbound(R"("type":"unsupported","errors":[{"code":131051,
      "details":"Message type is not currently supported","title":"Unsupported message type"}])"));
  EXPECT_EQ(m.type, v1::MESSAGE_TYPE_UNSUPPORTED);
  EXPECT_EQ(m.meta_type, "unsupported");
  ASSERT_EQ(m.errors.size(), 1u);
  EXPECT_EQ(m.errors[0].code, 131051);
  EXPECT_EQ(m.errors[0].title, "Unsupported message type");
  EXPECT_EQ(m.errors[0].details, "Message type is not currently supported");
}

TEST(ParseMetaNotification, SystemNumberChange) {
  MetaInbound m = OnlyMessage(Inbound(
      R"("type":"system","system":{"body":"User A changed from 447700900123 to 447700900999",
      "wa_id":"447700900999","type":"user_changed_number"})"));
  EXPECT_EQ(m.type, v1::MESSAGE_TYPE_UNSUPPORTED);
  EXPECT_EQ(m.meta_type, "system");
  EXPECT_EQ(m.new_wa_id, "447700900999");
  EXPECT_EQ(m.body, "User A changed from 447700900123 to 447700900999");
}

TEST(ParseMetaNotification, UserPreferencesStopAndResume) {
  MetaNotification n = MustParse(Change("user_preferences", R"(
      "contacts":[{"profile":{"name":"Maria Lopez"},"wa_id":"447700900123"}],
      "user_preferences":[
        {"wa_id":"447700900123","detail":"User requested to stop marketing messages",
         "category":"marketing_messages","value":"stop","timestamp":1767254800},
        {"wa_id":"447700900123","detail":"User requested to resume marketing messages",
         "category":"marketing_messages","value":"resume","timestamp":"1767254900"}])"));
  EXPECT_EQ(n.skipped, 0);
  ASSERT_EQ(n.preferences.size(), 2u);
  EXPECT_EQ(n.preferences[0].phone_number_id, kPnid);
  EXPECT_EQ(n.preferences[0].wa_id, kGuest);
  EXPECT_EQ(n.preferences[0].category, "marketing_messages");
  EXPECT_EQ(n.preferences[0].value, "stop");
  EXPECT_EQ(n.preferences[0].timestamp, absl::FromUnixSeconds(1767254800));
  EXPECT_EQ(n.preferences[1].value, "resume");
}

TEST(ParseMetaNotification, TemplateStatusUpdate) {
  // Meta's documented template status update; the id arrives as a JSON number.
  MetaNotification n = MustParse(
      R"({"object":"whatsapp_business_account","entry":[{"id":"210987654321098","time":1767225600,"changes":[
 {"field":"message_template_status_update","value":{"event":"REJECTED","message_template_id":1689556908129832,
  "message_template_name":"checkin_ready","message_template_language":"en_GB","reason":"INVALID_FORMAT",
  "message_template_category":"UTILITY"}},
 {"field":"message_template_status_update","value":{"event":"APPROVED","message_template_id":"1689556908129833",
  "message_template_name":"late_checkout","message_template_language":"en_US","reason":null}}]}]})");
  EXPECT_EQ(n.skipped, 0);
  ASSERT_EQ(n.template_statuses.size(), 2u);
  const MetaTemplateStatus& t = n.template_statuses[0];
  EXPECT_EQ(t.waba_id, "210987654321098");
  EXPECT_EQ(t.event, "REJECTED");
  EXPECT_EQ(t.template_id, "1689556908129832");
  EXPECT_EQ(t.name, "checkin_ready");
  EXPECT_EQ(t.language, "en_GB");
  EXPECT_EQ(t.reason, "INVALID_FORMAT");
  EXPECT_EQ(t.category, "UTILITY");
  EXPECT_EQ(n.template_statuses[1].reason, "");
  EXPECT_EQ(n.template_statuses[1].template_id, "1689556908129833");
}

TEST(ParseMetaNotification, ValueLevelErrors) {
  MetaNotification n = MustParse(Change("messages", R"("errors":[{"code":131000,
      "title":"Something went wrong","message":"Something went wrong",
      "error_data":{"details":"Unknown error"}}])"));
  ASSERT_EQ(n.errors.size(), 1u);
  EXPECT_EQ(n.errors[0].phone_number_id, kPnid);
  EXPECT_EQ(n.errors[0].code, 131000);
  EXPECT_EQ(n.errors[0].title, "Something went wrong");
  EXPECT_EQ(n.errors[0].details, "Unknown error");
}

TEST(ParseMetaNotification, UnconsumedFieldsAreIgnoredNotSkipped) {
  MetaNotification n =
      MustParse(R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[
      {"field":"message_template_quality_update","value":{"new_quality_score":"GREEN"}}]}]})");
  EXPECT_EQ(n.ignored_changes, 1);
  EXPECT_EQ(n.skipped, 0);
}

TEST(ParseMetaNotification, MalformedItemsAreSkippedAndCounted) {
  std::string body = R"({"object":"whatsapp_business_account","entry":[
   "not an entry",
   {"id":"1"},
   {"id":"2","changes":[
     {"field":"messages","value":{"messages":[]}},
     {"field":"messages"},
     {"field":"messages","value":{
       "metadata":{"phone_number_id":"109876543210987"},
       "messages":[
         {"from":"447700900123","timestamp":"1767254400","type":"text","text":{"body":"no id"}},
         {"from":"+447700900123","id":"wamid.P","timestamp":"1767254400","type":"text","text":{"body":"plus"}},
         {"from":"447700900123","id":"wamid.T","timestamp":"17672x","type":"text","text":{"body":"bad time"}},
         {"from":"447700900123","id":"wamid.F","timestamp":1767254400.5,"type":"text","text":{"body":"float"}},
         {"from":"447700900123","id":"wamid.N","timestamp":"1767254400","type":"text","text":{"body":7}},
         {"from":"447700900123","id":"wamid.M","timestamp":"1767254400","type":"image","image":{"caption":"no id"}},
         {"from":"447700900123","id":"wamid.GOOD","timestamp":"1767254400","type":"text","text":{"body":"ok"}}],
       "statuses":[
         {"id":"wamid.S1","status":"delivered_ish","timestamp":"1767254400","recipient_id":"447700900123"},
         {"status":"sent","timestamp":"1767254400"},
         {"id":"wamid.S3","status":"sent","timestamp":"1767254400","errors":{"code":1}},
         {"id":"wamid.S4","status":"delivered","timestamp":"1767254400","recipient_id":"447700900123"}],
       "errors":[{"title":"no code"}]}}]}]})";
  MetaNotification n = MustParse(body);
  ASSERT_EQ(n.messages.size(), 1u);
  EXPECT_EQ(n.messages[0].wamid, "wamid.GOOD");
  ASSERT_EQ(n.statuses.size(), 1u);
  EXPECT_EQ(n.statuses[0].wamid, "wamid.S4");
  // entry[0], entry[1], two changes, six messages, three statuses, one error.
  EXPECT_EQ(n.skipped, 2 + 2 + 6 + 3 + 1);
  EXPECT_EQ(n.skip_reasons.size(), static_cast<size_t>(n.skipped));
  EXPECT_EQ(n.skip_reasons[0], "entry[0]: entry is not an object");
  EXPECT_EQ(n.skip_reasons[4], "entry[2].changes[2].value.messages[0]: no id");
}

// 2026: guests with a username may come without a phone.
TEST(ParseMetaNotification, RejectsWhatIsNotANotification) {
  for (const char* bad :
       {"", "not json", "{\"object\":", "[]", "42", R"({"object":"page","entry":[]})",
        R"({"entry":[]})", R"({"object":"whatsapp_business_account"})",
        R"({"object":"whatsapp_business_account","entry":{}})"}) {
    absl::StatusOr<MetaNotification> parsed = ParseMetaNotification(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ParseMetaNotification, EmptyEntryListIsValid) {
  MetaNotification n = MustParse(R"({"object":"whatsapp_business_account","entry":[]})");
  EXPECT_TRUE(n.messages.empty());
  EXPECT_EQ(n.skipped, 0);
}

}  // namespace
}  // namespace wa::provider
