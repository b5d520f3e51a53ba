#include "server/provider/meta_callback_routes.h"

#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/provider/meta_callback_parser.h"

namespace wa::provider {
namespace {

using Json = nlohmann::json;

// One notification of two entries: a message to Paris's number and a status
// of default's in the first, a template review of Paris's account in the
// second. Meta batches like this.
constexpr char kMixed[] =
    R"({"object":"whatsapp_business_account","entry":[
 {"id":"210987654321098","changes":[
  {"field":"messages","value":{"messaging_product":"whatsapp",
   "metadata":{"display_phone_number":"15550100299","phone_number_id":"109876543210999"},
   "messages":[{"from":"447700900123","id":"wamid.P1","timestamp":"1767254400","type":"text",
                "text":{"body":"Bonjour"}}]}},
  {"field":"messages","value":{"messaging_product":"whatsapp",
   "metadata":{"display_phone_number":"15550100200","phone_number_id":"109876543210987"},
   "statuses":[{"id":"wamid.D1","status":"sent","timestamp":"1767254401",
                "recipient_id":"447700900124"}]}}]},
 {"id":"210987654321099","changes":[
  {"field":"message_template_status_update","value":{"event":"APPROVED",
   "message_template_id":1689556908000001,"message_template_name":"paris_welcome",
   "message_template_language":"en","reason":null}}]}]})";

TEST(NotificationPart, KeepsOnlyTheChangesOfOneNumber) {
  std::string part = NotificationPart(kMixed, "109876543210999");
  absl::StatusOr<MetaNotification> parsed = ParseMetaNotification(part);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->messages.size(), 1u);
  EXPECT_EQ(parsed->messages[0].wamid, "wamid.P1");
  EXPECT_TRUE(parsed->statuses.empty());
  EXPECT_TRUE(parsed->template_statuses.empty());
  // Still Meta's shape: the entry keeps its id and the change its field.
  Json doc = Json::parse(part);
  EXPECT_EQ(doc["object"], "whatsapp_business_account");
  EXPECT_EQ(doc["entry"][0]["id"], "210987654321098");
}

TEST(NotificationPart, TemplateEventsGoByTheirBusinessAccount) {
  std::string part = NotificationPart(kMixed, "waba:210987654321099");
  absl::StatusOr<MetaNotification> parsed = ParseMetaNotification(part);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->template_statuses.size(), 1u);
  EXPECT_EQ(parsed->template_statuses[0].name, "paris_welcome");
  EXPECT_TRUE(parsed->messages.empty());
  EXPECT_TRUE(parsed->statuses.empty());
}

TEST(NotificationPart, NothingForAnUnknownKeyOrABodyThatIsNotJson) {
  EXPECT_EQ(NotificationPart(kMixed, "123"), "");
  EXPECT_EQ(NotificationPart("not json", "109876543210999"), "");
}

TEST(ParseMetaNotification, PhoneNumberQualityUpdate) {
  constexpr char kQuality[] =
      R"({"object":"whatsapp_business_account","entry":[{"id":"210987654321099","time":1767254400,
   "changes":[{"field":"phone_number_quality_update","value":{"display_phone_number":"15550100299",
   "event":"FLAGGED","current_limit":"TIER_1K"}}]}]})";
  absl::StatusOr<MetaNotification> parsed = ParseMetaNotification(kQuality);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->quality_updates.size(), 1u);
  EXPECT_EQ(parsed->quality_updates[0].display_phone_number, "15550100299");
  EXPECT_EQ(parsed->quality_updates[0].event, "FLAGGED");
  EXPECT_EQ(parsed->quality_updates[0].current_limit, "TIER_1K");
  EXPECT_EQ(parsed->quality_updates[0].waba_id, "210987654321099");
  EXPECT_EQ(parsed->ignored_changes, 0);
}

}  // namespace
}  // namespace wa::provider
