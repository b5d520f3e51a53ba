#pragma once

#include <string>

namespace wa::domain {

// A property's WhatsApp number as the provider calls use it: every send,
// upload and download goes to /{phone_number_id}/..., templates to
// /{waba_id}/..., each with the number's own access token. Empty in the
// sandbox without numbers.
struct SenderNumber {
  std::string phone_number_id;
  std::string property_id;
  std::string waba_id;
  std::string display_phone_number;
  std::string access_token;  // read from where the number's record says; never stored
  // Why there is no token (an unset variable, an unreadable file).
  std::string token_problem;
  bool is_default = false;
};

// The key Meta's callbacks are routed by: a number's phone_number_id, or
// for what concerns a whole business account (template events) this.
inline std::string AccountRouteKey(const std::string& waba_id) { return "waba:" + waba_id; }

}  // namespace wa::domain
