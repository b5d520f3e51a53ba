#include "tests/fakes/graph_message_validator.h"

#include "gtest/gtest.h"

namespace wa::fakes {
namespace {

using Json = nlohmann::json;

// Meta's documented send examples must pass.
TEST(ValidateSendRequest, AcceptsMetaExamples) {
  const char* examples[] = {
      R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"447700900123","type":"template",
 "template":{"name":"checkin_ready","language":{"code":"en_GB"},"components":[
  {"type":"header","parameters":[{"type":"image","image":{"id":"987654321098765"}}]},
  {"type":"body","parameters":[
    {"type":"text","parameter_name":"guest_name","text":"Maria"},
    {"type":"date_time","parameter_name":"checkin_time","date_time":{"fallback_value":"3 January 2026, 15:00"}},
    {"type":"currency","parameter_name":"deposit","currency":{"fallback_value":"£50.00","code":"GBP","amount_1000":50000}}]},
  {"type":"button","sub_type":"url","index":"0","parameters":[{"type":"text","text":"R7F3K9"}]},
  {"type":"button","sub_type":"quick_reply","index":"1","parameters":[{"type":"payload","payload":"LATE_ARRIVAL:R7F3K9"}]}]}})",
      R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"447700900123","type":"interactive",
 "interactive":{"type":"list","header":{"type":"text","text":"Spa & Wellness"},
  "body":{"text":"Which treatment time would you like to book for tomorrow?"},"footer":{"text":"Grand Harbour Hotel"},
  "action":{"button":"See time slots","sections":[
    {"title":"Massage","rows":[{"id":"spa_1600","title":"Spa 16:00","description":"60-min massage"},
      {"id":"spa_1800","title":"Spa 18:00","description":"60-min massage, 1 slot left"}]},
    {"title":"Facial","rows":[{"id":"facial_1700","title":"Facial 17:00","description":"45-min hydrating facial"}]}]}}})",
      R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"447700900123","type":"image",
 "image":{"id":"1357924680135792","caption":"Here is the map to the pool (level -1)."},
 "context":{"message_id":"wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0FBMTExMjIyMzMzNDQ0NTU1NjYA"}})",
      R"({"messaging_product":"whatsapp","to":"+16505551234","type":"interactive","interactive":{"type":"button",
 "body":{"text":"Late checkout?"},"action":{"buttons":[{"type":"reply","reply":{"id":"yes","title":"Yes, 2 pm"}},
 {"type":"reply","reply":{"id":"no","title":"No thanks"}}]}}})",
  };
  for (const char* e : examples) EXPECT_EQ(ValidateSendRequest(Json::parse(e)), "") << e;
}

TEST(ValidateSendRequest, RefusesMalformedSends) {
  const char* bad[] = {
      R"({"to":"447700900123","type":"text","text":{"body":"hi"}})",  // no messaging_product
      R"({"messaging_product":"whatsapp","to":"44-77","type":"text","text":{"body":"hi"}})",
      R"({"messaging_product":"whatsapp","to":"447700900123","type":"text","text":{"body":""}})",
      R"({"messaging_product":"whatsapp","to":"447700900123","type":"text","text":{"bdy":"hi"}})",
      R"({"messaging_product":"whatsapp","to":"447700900123","type":"text","image":{"id":"1"}})",
      R"({"messaging_product":"whatsapp","to":"447700900123","type":"fax","fax":{}})",
      R"({"messaging_product":"whatsapp","to":"447700900123","type":"image","image":{"id":"1","link":"https://x"}})",
      R"({"messaging_product":"whatsapp","to":"447700900123","type":"audio","audio":{"id":"1","caption":"c"}})",
      R"({"messaging_product":"whatsapp","to":"447700900123","type":"template","template":{"name":"Bad-Name","language":{"code":"en"}}})",
      R"({"messaging_product":"whatsapp","to":"447700900123","type":"interactive","interactive":{"type":"button",
 "body":{"text":"x"},"action":{"buttons":[{"type":"reply","reply":{"id":"a","title":"Twenty-one characters"}}]}}})",
      R"({"messaging_product":"whatsapp","to":"447700900123","type":"interactive","interactive":{"type":"button",
 "body":{"text":"x"},"action":{"buttons":[{"type":"reply","reply":{"id":"a","title":"A"}},{"type":"reply","reply":{"id":"a","title":"B"}}]}}})",
  };
  for (const char* b : bad) EXPECT_NE(ValidateSendRequest(Json::parse(b)), "") << b;
  // Eleven rows across sections is one too many.
  Json list =
      Json::parse(R"({"messaging_product":"whatsapp","to":"447700900123","type":"interactive",
      "interactive":{"type":"list","body":{"text":"x"},"action":{"button":"Pick","sections":[{"rows":[]}]}}})");
  for (int i = 0; i < 11; ++i) {
    list["interactive"]["action"]["sections"][0]["rows"].push_back(
        {{"id", "r" + std::to_string(i)}, {"title", "Row"}});
  }
  EXPECT_NE(ValidateSendRequest(list), "");
  list["interactive"]["action"]["sections"][0]["rows"].erase(0);
  EXPECT_EQ(ValidateSendRequest(list), "");
}

}  // namespace
}  // namespace wa::fakes
