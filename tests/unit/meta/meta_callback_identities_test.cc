// Guests named by BSUID and username (2026), and every callback shape Meta
// documents: each item read or kept, never dropped.
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/provider/meta_callback_parser.h"
#include "tests/unit/meta/meta_notification_builders.h"

namespace wa::provider {
namespace {

namespace v1 = hotel::whatsapp::v1;
using namespace test_notifications;  // NOLINT: the builders are this file's vocabulary

TEST(ParseMetaNotification, SystemNumberChangeInOlderSpellingAndBsuidChange) {
  MetaInbound older = OnlyMessage(Inbound(
      R"("type":"system","system":{"body":"changed","new_wa_id":"447700900999","type":"user_changed_number"})"));
  EXPECT_EQ(older.new_wa_id, "447700900999");
  MetaInbound bsuid =
      OnlyMessage(Change("messages", R"("messages":[{"from_user_id":"US.1111","id":"wamid.S2",
      "timestamp":"1767254400","type":"system","system":{"body":"changed","type":"user_changed_user_id",
      "user_id":"US.2222"}}])"));
  EXPECT_EQ(bsuid.user_id, "US.1111");
  EXPECT_EQ(bsuid.new_user_id, "US.2222");
  MetaNotification bad = MustParse(Inbound(
      R"("type":"system","system":{"body":"changed","wa_id":"+44 7700","type":"user_changed_number"})"));
  EXPECT_TRUE(bad.messages.empty());
  ASSERT_EQ(bad.unparsed.size(), 1u) << "kept, not applied half-read";
}

TEST(ParseMetaNotification, AStatusLearnsTheOtherIdFromItsContact) {
  MetaNotification n = MustParse(Change(
      "messages",
      R"("contacts":[{"profile":{"name":"Maria","username":"maria.travels"},"wa_id":"447700900123","user_id":"US.1111"}],
      "statuses":[{"id":"wamid.OUT1","status":"read","timestamp":"1767254605","recipient_id":"447700900123"}])"));
  ASSERT_EQ(n.statuses.size(), 1u);
  EXPECT_EQ(n.statuses[0].recipient_id, "447700900123");
  EXPECT_EQ(n.statuses[0].recipient_user_id, "US.1111");
  EXPECT_EQ(n.statuses[0].recipient_username, "maria.travels");
}

// Every callback shape Meta documents for the fields this service is
// subscribed to (2026), plus shapes it does not know, each on its own: what
// goes in comes out either read (a typed item the processor applies) or
// kept (`unparsed`, parked for the operator). Nothing is acknowledged and
// forgotten.
TEST(ParseMetaNotification, EveryShapeIsEitherReadOrKept) {
  const std::string contact =
      R"("contacts":[{"profile":{"name":"Maria","username":"maria.travels"},"wa_id":"447700900123","user_id":"US.1111","parent_user_id":"US.ENT.2222"}],)";
  auto message = [&](const std::string& members) {
    return Change(
        "messages",
        contact + R"("messages":[{"from":"447700900123","id":"wamid.X","timestamp":"1767254400",)" +
            members + "}]");
  };
  auto bsuid_message = [&](const std::string& members) {
    return Change(
        "messages",
        R"("contacts":[{"profile":{"username":"maria.travels"},"user_id":"US.1111"}],"messages":[{"from_user_id":"US.1111","id":"wamid.Y","timestamp":"1767254400",)" +
            members + "}]");
  };
  auto status = [&](const std::string& members) {
    return Change("messages",
                  R"("statuses":[{"id":"wamid.OUT","timestamp":"1767254605",)" + members + "}]");
  };
  const std::vector<std::pair<std::string, std::string>> shapes = {
      {"text", message(R"("type":"text","text":{"body":"Hi"})")},
      {"text by BSUID only", bsuid_message(R"("type":"text","text":{"body":"Hi"})")},
      {"image",
       message(
           R"("type":"image","image":{"id":"1","mime_type":"image/jpeg","sha256":"ab","caption":"c"})")},
      {"video",
       message(R"("type":"video","video":{"id":"1","mime_type":"video/mp4","sha256":"ab"})")},
      {"audio voice",
       message(
           R"("type":"audio","audio":{"id":"1","mime_type":"audio/ogg","sha256":"ab","voice":true})")},
      {"document",
       message(
           R"("type":"document","document":{"id":"1","mime_type":"application/pdf","sha256":"ab","filename":"a.pdf"})")},
      {"sticker",
       message(
           R"("type":"sticker","sticker":{"id":"1","mime_type":"image/webp","sha256":"ab","animated":false})")},
      {"location",
       message(
           R"("type":"location","location":{"latitude":48.85,"longitude":2.35,"name":"Hotel"})")},
      {"contacts",
       message(
           R"("type":"contacts","contacts":[{"name":{"formatted_name":"Ana"},"phones":[{"phone":"+33 1"}]}])")},
      {"button reply",
       message(
           R"("type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"a","title":"A"}})")},
      {"list reply",
       message(
           R"("type":"interactive","interactive":{"type":"list_reply","list_reply":{"id":"a","title":"A"}})")},
      {"flow reply",
       message(
           R"("type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":{"name":"flow","response_json":"{}"}})")},
      {"template button", message(R"("type":"button","button":{"payload":"p","text":"Yes"})")},
      {"reaction",
       message(R"("type":"reaction","reaction":{"message_id":"wamid.OUT","emoji":"👍"})")},
      {"order", message(R"("type":"order","order":{"catalog_id":"1","product_items":[]})")},
      {"ad referral",
       message(
           R"("type":"text","text":{"body":"Hi"},"referral":{"source_type":"ad","source_id":"1"})")},
      {"request_welcome", message(R"("type":"request_welcome")")},
      {"unsupported",
       message(R"("type":"unsupported","errors":[{"code":131051,"title":"Unsupported"}])")},
      {"system number change",
       message(
           R"("type":"system","system":{"body":"b","wa_id":"447700900999","type":"user_changed_number"})")},
      {"system BSUID change",
       bsuid_message(
           R"("type":"system","system":{"body":"b","type":"user_changed_user_id","user_id":"US.3333"})")},
      {"a message type from the future", message(R"("type":"hologram","hologram":{"id":"1"})")},
      {"a message without a sender",
       Change(
           "messages",
           R"("messages":[{"id":"wamid.Z","timestamp":"1767254400","type":"text","text":{"body":"?"}}])")},
      {"status sent",
       status(R"("status":"sent","recipient_id":"447700900123","pricing":{"category":"service"})")},
      {"status delivered to a BSUID",
       status(R"("status":"delivered","recipient_user_id":"US.1111")")},
      {"status read",
       status(R"("status":"read","recipient_id":"447700900123","recipient_user_id":"US.1111")")},
      {"status played", status(R"("status":"played","recipient_id":"447700900123")")},
      {"status failed without contacts",
       status(
           R"("status":"failed","recipient_user_id":"US.1111","errors":[{"code":131026,"title":"Undeliverable"}])")},
      {"status of a word from the future",
       status(R"("status":"teleported","recipient_id":"447700900123")")},
      {"value-level errors",
       Change("messages", R"("errors":[{"code":131000,"title":"Something went wrong"}])")},
      {"user_preferences by phone",
       Change(
           "user_preferences",
           R"("user_preferences":[{"wa_id":"447700900123","detail":"d","category":"marketing_messages","value":"stop","timestamp":1767254400}])")},
      {"user_preferences by BSUID",
       Change(
           "user_preferences",
           R"("user_preferences":[{"user_id":"US.1111","detail":"d","category":"marketing_messages","value":"resume","timestamp":1767254400}])")},
      {"user_id_update",
       Change(
           "user_id_update",
           R"("user_id_update":[{"wa_id":"447700900123","user_id":{"previous":"US.1111","current":"US.3333"},"timestamp":"1767254400"}])")},
      {"template status",
       R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"message_template_status_update","value":{"event":"APPROVED","message_template_id":123,"message_template_name":"n","message_template_language":"en_US","reason":null}}]}]})"},
      {"number quality",
       R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"phone_number_quality_update","value":{"display_phone_number":"15550100200","event":"FLAGGED","current_limit":"TIER_1K"}}]}]})"},
      {"template quality",
       R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"message_template_quality_update","value":{"new_quality_score":"GREEN"}}]}]})"},
      {"account alerts",
       R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"account_alerts","value":{"entity_type":"WABA"}}]}]})"},
      {"a field from the future",
       R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"telepathy","value":{"x":1}}]}]})"},
  };
  for (const auto& [name, body] : shapes) {
    // What went in: the items of each change Meta documents as a list, one
    // for a change that is a single item.
    nlohmann::json doc = nlohmann::json::parse(body);
    size_t in = 0;
    for (const auto& change : doc["entry"][0]["changes"]) {
      const auto& value = change["value"];
      size_t items = 0;
      for (const char* list :
           {"messages", "statuses", "errors", "user_preferences", "user_id_update"}) {
        if (value.contains(list)) items += value[list].size();
      }
      in += items == 0 ? 1 : items;
    }
    MetaNotification n = MustParse(body);
    size_t out = n.messages.size() + n.statuses.size() + n.errors.size() + n.preferences.size() +
                 n.user_id_changes.size() + n.template_statuses.size() + n.quality_updates.size() +
                 n.unparsed.size();
    EXPECT_EQ(out, in) << name << ": " << body;
  }
}

TEST(ParseMetaNotification, BsuidOnlyMessageWithUsername) {
  MetaNotification n = MustParse(R"({"object":"whatsapp_business_account","entry":[{"id":"1",
    "changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
    "metadata":{"display_phone_number":"15550100200","phone_number_id":"109876543210987"},
    "contacts":[{"profile":{"name":"Maria","username":"maria.travels"},
                 "user_id":"US.13491208655302741918","parent_user_id":"US.ENT.1181579921"}],
    "messages":[{"from_user_id":"US.13491208655302741918","id":"wamid.B","timestamp":"1767254400",
                 "type":"text","text":{"body":"Hello"}}]}}]}]})");
  ASSERT_EQ(n.messages.size(), 1u);
  EXPECT_EQ(n.messages[0].from, "");
  EXPECT_EQ(n.messages[0].user_id, "US.13491208655302741918");
  EXPECT_EQ(n.messages[0].parent_user_id, "US.ENT.1181579921");
  EXPECT_EQ(n.messages[0].username, "maria.travels");
  EXPECT_EQ(n.messages[0].profile_name, "Maria");
  EXPECT_TRUE(n.unparsed.empty());
}

TEST(ParseMetaNotification, PhoneAndBsuidTogetherAreBothRead) {
  MetaNotification n = MustParse(R"({"object":"whatsapp_business_account","entry":[{"id":"1",
    "changes":[{"field":"messages","value":{
    "metadata":{"phone_number_id":"109876543210987"},
    "contacts":[{"profile":{"name":"Maria"},"wa_id":"447700900123","user_id":"GB.771"}],
    "messages":[{"from":"447700900123","id":"wamid.C","timestamp":"1767254400",
                 "type":"text","text":{"body":"Hi"}}]}}]}]})");
  ASSERT_EQ(n.messages.size(), 1u);
  EXPECT_EQ(n.messages[0].from, "447700900123");
  EXPECT_EQ(n.messages[0].user_id, "GB.771");
}

TEST(ParseMetaNotification, StatusesOfASendToABsuid) {
  MetaNotification n = MustParse(R"({"object":"whatsapp_business_account","entry":[{"id":"1",
    "changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"109876543210987"},
    "contacts":[{"user_id":"US.134"}],
    "statuses":[{"id":"wamid.D","status":"delivered","timestamp":"1767254400",
                 "recipient_user_id":"US.134"},
                {"id":"wamid.E","status":"failed","timestamp":"1767254400",
                 "errors":[{"code":131026,"title":"Message undeliverable"}]}]}}]}]})");
  ASSERT_EQ(n.statuses.size(), 2u);
  EXPECT_EQ(n.statuses[0].recipient_user_id, "US.134");
  EXPECT_EQ(n.statuses[0].recipient_id, "");
  EXPECT_EQ(n.statuses[1].error_code, 131026) << "a failure without recipient or contacts is kept";
}

TEST(ParseMetaNotification, UserIdUpdateAndPreferencesByBsuid) {
  MetaNotification n = MustParse(R"({"object":"whatsapp_business_account","entry":[{"id":"1",
    "changes":[{"field":"user_id_update","value":{"metadata":{"phone_number_id":"109876543210987"},
      "user_id_update":[{"user_id":{"previous":"US.1","current":"US.2"},"timestamp":"1767254400"}]}},
     {"field":"user_preferences","value":{"metadata":{"phone_number_id":"109876543210987"},
      "user_preferences":[{"user_id":"US.2","category":"marketing_messages","value":"stop",
                           "timestamp":"1767254400"}]}}]}]})");
  ASSERT_EQ(n.user_id_changes.size(), 1u);
  EXPECT_EQ(n.user_id_changes[0].previous_user_id, "US.1");
  EXPECT_EQ(n.user_id_changes[0].current_user_id, "US.2");
  ASSERT_EQ(n.preferences.size(), 1u);
  EXPECT_EQ(n.preferences[0].user_id, "US.2");
  EXPECT_EQ(n.preferences[0].wa_id, "");
}

TEST(ParseMetaNotification, WhatCannotBeReadIsKeptWithItsField) {
  MetaNotification n = MustParse(R"({"object":"whatsapp_business_account","entry":[{"id":"1",
    "changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"109876543210987"},
      "messages":[{"id":"wamid.X","timestamp":"1767254400","type":"text","text":{"body":"?"}}]}},
     {"field":"account_alerts","value":{"entity_type":"WABA"}}]}]})");
  EXPECT_TRUE(n.messages.empty());
  ASSERT_EQ(n.unparsed.size(), 2u);
  EXPECT_EQ(n.unparsed[0].field, "messages");
  EXPECT_EQ(n.unparsed[0].reason, "no from or from_user_id");
  EXPECT_NE(n.unparsed[0].json.find("wamid.X"), std::string::npos);
  EXPECT_EQ(n.unparsed[1].field, "account_alerts");
}

}  // namespace
}  // namespace wa::provider
