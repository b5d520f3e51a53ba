#include "tests/fakes/fake_meta_shapes.h"

#include <atomic>

#include "absl/strings/str_cat.h"

namespace wa::fakes {

using Json = nlohmann::json;

std::string MetaErrorTitle(int code) {
  switch (code) {
    case 0:
      return "AuthException";
    case 4:
      return "Application request limit reached";
    case 100:
      return "Invalid parameter";
    case 190:
      return "Invalid OAuth access token.";
    case 368:
      return "Temporarily blocked for policies violations";
    case 80007:
      return "Rate limit issues";
    case 130429:
      return "Rate limit hit";
    case 130497:
      return "Business account is restricted from messaging users in this country";
    case 131000:
      return "Something went wrong";
    case 131005:
      return "Access denied";
    case 131008:
      return "Required parameter is missing";
    case 131009:
      return "Parameter value is not valid";
    case 131016:
      return "Service unavailable";
    case 131026:
      return "Message undeliverable";
    case 131031:
      return "Business Account locked";
    case 131042:
      return "Business eligibility payment issue";
    case 131047:
      return "Re-engagement message";
    case 131048:
      return "Spam rate limit hit";
    case 131049:
      return "Meta chose not to deliver";
    case 131050:
      return "User has stopped marketing messages";
    case 131051:
      return "Unsupported message type";
    case 131053:
      return "Media upload error";
    case 131056:
      return "(Business Account, Consumer Account) pair rate limit hit";
    case 131057:
      return "Account in maintenance mode";
    case 132000:
      return "Number of parameters does not match the expected number of params";
    case 132001:
      return "Template does not exist";
    case 132005:
      return "Translated text too long";
    case 132012:
      return "Parameter format does not match format in the created template";
    case 132015:
      return "Template is Paused";
    case 132016:
      return "Template is Disabled";
    case 133010:
      return "Phone number Not Registered";
    default:
      return "Something went wrong";
  }
}

namespace {

std::string FbTraceId() {
  static std::atomic<int> counter{0};
  return absl::StrCat("AfakeTrace", counter.fetch_add(1));
}

}  // namespace

Json ErrorEnvelope(int code, absl::string_view details) {
  Json error = {{"type", "OAuthException"}, {"code", code}, {"fbtrace_id", FbTraceId()}};
  if (code == 190) {
    error["message"] = MetaErrorTitle(code);
  } else {
    error["message"] = absl::StrCat("(#", code, ") ", MetaErrorTitle(code));
    error["error_data"] = {
        {"messaging_product", "whatsapp"},
        {"details", details.empty() ? MetaErrorTitle(code) : std::string(details)}};
  }
  return {{"error", error}};
}

Json SendResponse(absl::string_view input, absl::string_view wa_id, absl::string_view wamid) {
  return {{"messaging_product", "whatsapp"},
          {"contacts", Json::array({{{"input", input}, {"wa_id", wa_id}}})},
          {"messages", Json::array({{{"id", wamid}}})}};
}

Json Notification(const BusinessNumber& number, absl::string_view field, Json value_members) {
  Json value = {{"messaging_product", "whatsapp"},
                {"metadata",
                 {{"display_phone_number", number.display_phone_number},
                  {"phone_number_id", number.phone_number_id}}}};
  for (auto& [key, member] : value_members.items()) value[key] = member;
  Json change = {{"field", field}, {"value", value}};
  return {{"object", "whatsapp_business_account"},
          {"entry", Json::array({{{"id", number.waba_id}, {"changes", Json::array({change})}}})}};
}

Json StatusNotification(const BusinessNumber& number, const StatusFields& s) {
  Json status = {{"id", s.wamid},
                 {"status", s.status},
                 {"timestamp", absl::StrCat(absl::ToUnixSeconds(s.at))}};
  if (!s.recipient_id.empty()) status["recipient_id"] = s.recipient_id;
  if (!s.recipient_user_id.empty()) status["recipient_user_id"] = s.recipient_user_id;
  if (!s.biz_opaque_callback_data.empty()) {
    status["biz_opaque_callback_data"] = s.biz_opaque_callback_data;
  }
  if (s.status == "failed") {
    std::string title = MetaErrorTitle(s.error_code);
    status["errors"] = Json::array(
        {{{"code", s.error_code},
          {"title", title},
          {"message", title},
          {"error_data", {{"details", s.error_details.empty() ? title : s.error_details}}},
          {"href",
           "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}}});
  } else {
    status["pricing"] = {
        {"billable", true}, {"pricing_model", "PMP"}, {"category", "utility"}, {"type", "regular"}};
  }
  Json members = {{"statuses", Json::array({status})}};
  // 2026: sent/delivered/read name the guest in contacts too; failures
  // carry no contacts.
  if (s.status != "failed" && !s.recipient_user_id.empty()) {
    Json contact = {{"user_id", s.recipient_user_id}};
    if (!s.recipient_id.empty()) contact["wa_id"] = s.recipient_id;
    members["contacts"] = Json::array({contact});
  }
  return Notification(number, "messages", members);
}

Json InboundTextNotification(const BusinessNumber& number, absl::string_view from,
                             absl::string_view profile_name, absl::string_view text,
                             absl::string_view wamid, absl::Time at) {
  Json contact = {{"profile", {{"name", profile_name}}}, {"wa_id", from}};
  Json message = {{"from", from},
                  {"id", wamid},
                  {"timestamp", absl::StrCat(absl::ToUnixSeconds(at))},
                  {"type", "text"},
                  {"text", {{"body", text}}}};
  return Notification(number, "messages",
                      {{"contacts", Json::array({contact})}, {"messages", Json::array({message})}});
}

Json InboundGuestTextNotification(const BusinessNumber& number, const InboundGuest& guest,
                                  absl::string_view text, absl::string_view wamid, absl::Time at) {
  Json profile = {{"name", guest.name}};
  if (!guest.username.empty()) profile["username"] = guest.username;
  Json contact = {{"profile", profile}};
  Json message = {{"id", wamid},
                  {"timestamp", absl::StrCat(absl::ToUnixSeconds(at))},
                  {"type", "text"},
                  {"text", {{"body", text}}}};
  if (!guest.wa_id.empty()) {
    contact["wa_id"] = guest.wa_id;
    message["from"] = guest.wa_id;
  }
  if (!guest.user_id.empty()) {
    contact["user_id"] = guest.user_id;
    message["from_user_id"] = guest.user_id;
  }
  if (!guest.parent_user_id.empty()) contact["parent_user_id"] = guest.parent_user_id;
  return Notification(number, "messages",
                      {{"contacts", Json::array({contact})}, {"messages", Json::array({message})}});
}

Json UserIdUpdateNotification(const BusinessNumber& number, absl::string_view wa_id,
                              absl::string_view previous, absl::string_view current,
                              absl::Time at) {
  Json update = {{"user_id", {{"previous", previous}, {"current", current}}},
                 {"timestamp", absl::StrCat(absl::ToUnixSeconds(at))}};
  if (!wa_id.empty()) update["wa_id"] = wa_id;
  return Notification(number, "user_id_update", {{"user_id_update", Json::array({update})}});
}

std::string MetaDump(const Json& j) { return j.dump(-1, ' ', /*ensure_ascii=*/true); }

}  // namespace wa::fakes
