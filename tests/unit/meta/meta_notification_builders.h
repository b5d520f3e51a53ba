#pragma once

// Builders of Meta notifications for the parser's tests: our own values in
// Meta's documented envelope.
#include <string>

#include "gtest/gtest.h"
#include "server/provider/meta_callback_parser.h"

namespace wa::provider::test_notifications {

// Wraps `value` members in the envelope W1..W6 share, for one change.
inline std::string Change(const std::string& field, const std::string& value_members) {
  return R"({"object":"whatsapp_business_account","entry":[{"id":"210987654321098","changes":[{"field":")" +
         field +
         R"(","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550100200","phone_number_id":"109876543210987"},)" +
         value_members + "}}]}]}";
}

// One inbound message from Maria, with her contact entry.
inline std::string Inbound(const std::string& message_members) {
  return Change(
      "messages",
      R"("contacts":[{"profile":{"name":"Maria Lopez"},"wa_id":"447700900123"}],"messages":[{"from":"447700900123","id":"wamid.IN1","timestamp":"1767254400",)" +
          message_members + "}]");
}

inline MetaNotification MustParse(const std::string& body) {
  absl::StatusOr<MetaNotification> parsed = ParseMetaNotification(body);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *parsed : MetaNotification{};
}

inline MetaInbound OnlyMessage(const std::string& body) {
  MetaNotification n = MustParse(body);
  EXPECT_EQ(n.skipped, 0) << (n.skip_reasons.empty() ? "" : n.skip_reasons[0]);
  EXPECT_EQ(n.messages.size(), 1u);
  return n.messages.empty() ? MetaInbound{} : n.messages[0];
}

}  // namespace wa::provider::test_notifications
