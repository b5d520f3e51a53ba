#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace wa::fakes {

// The JSON the fake Graph API emits, in Meta's documented shapes
// (errors, statuses, templates), kept apart from the serving logic.

// Meta's title for an error code ("Re-engagement message" for 131047...).
std::string MetaErrorTitle(int code);

// {"error":{"message":"(#code) title","type":"OAuthException","code":...,
//  "error_data":{"messaging_product":"whatsapp","details":...},"fbtrace_id":...}};
// 190 carries no error_data, like Meta's token errors.
nlohmann::json ErrorEnvelope(int code, absl::string_view details);

// {"messaging_product":"whatsapp","contacts":[{"input","wa_id"}],"messages":[{"id"}]}
nlohmann::json SendResponse(absl::string_view input, absl::string_view wa_id,
                            absl::string_view wamid);

// Identifies the business number in callbacks' envelope and metadata.
struct BusinessNumber {
  std::string waba_id;
  std::string phone_number_id;
  std::string display_phone_number;
};

struct StatusFields {
  std::string wamid;
  std::string recipient_id;       // omitted when empty (a send to a BSUID)
  std::string recipient_user_id;  // omitted when empty
  std::string status;             // sent, delivered, read, failed
  absl::Time at;
  std::string biz_opaque_callback_data;  // omitted when empty
  int error_code = 0;                    // failed only
  std::string error_details;
};

// Wraps one change's `value` members in the whatsapp_business_account envelope.
nlohmann::json Notification(const BusinessNumber& number, absl::string_view field,
                            nlohmann::json value_members);

nlohmann::json StatusNotification(const BusinessNumber& number, const StatusFields& status);

nlohmann::json InboundTextNotification(const BusinessNumber& number, absl::string_view from,
                                       absl::string_view profile_name, absl::string_view text,
                                       absl::string_view wamid, absl::Time at);

// Who a 2026 inbound message is from: any of a phone (wa_id), a BSUID, a
// parent BSUID and a username; empty ones are left out as Meta leaves them.
struct InboundGuest {
  std::string wa_id;
  std::string user_id;
  std::string parent_user_id;
  std::string username;
  std::string name;
};

// An inbound text with contacts[].user_id / parent_user_id /
// profile.username, and `from_user_id` (plus `from` when the phone is shared).
nlohmann::json InboundGuestTextNotification(const BusinessNumber& number, const InboundGuest& guest,
                                            absl::string_view text, absl::string_view wamid,
                                            absl::Time at);

// Field `user_id_update`: Meta issued the guest a new BSUID.
nlohmann::json UserIdUpdateNotification(const BusinessNumber& number, absl::string_view wa_id,
                                        absl::string_view previous, absl::string_view current,
                                        absl::Time at);

// Serialises like Meta: compact, non-ASCII escaped as \uXXXX, so the
// receiver must check the signature on the bytes it got.
std::string MetaDump(const nlohmann::json& j);

}  // namespace wa::fakes
