#include "server/provider/meta_errors.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace wa::provider {
namespace {

std::string StringField(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int IntField(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return 0;
  if (it->is_number_integer()) return it->get<int>();
  // Some Graph edges have been seen to quote numbers; accept both.
  if (it->is_string()) {
    try {
      return std::stoi(it->get<std::string>());
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

ErrorClass Make(SendOutcome outcome, std::string contract_code,
                absl::Duration retry_after = absl::ZeroDuration()) {
  return ErrorClass{outcome, std::move(contract_code), retry_after};
}

}  // namespace

std::string MetaError::Describe() const {
  std::string text = message.empty() ? std::string("Graph API error") : message;
  // Meta's message usually begins with "(#code) "; 190's does not.
  if (has_code && !absl::StartsWith(text, "(#")) text = absl::StrCat("(#", code, ") ", text);
  if (!details.empty() && !absl::StrContains(text, details)) {
    absl::StrAppend(&text, ": ", details);
  }
  return text;
}

std::optional<MetaError> ParseMetaError(absl::string_view body) {
  nlohmann::json json = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (!json.is_object()) return std::nullopt;
  auto error = json.find("error");
  if (error == json.end() || !error->is_object()) return std::nullopt;
  MetaError result;
  result.has_code = error->contains("code");
  result.code = IntField(*error, "code");
  result.subcode = IntField(*error, "error_subcode");
  result.message = StringField(*error, "message");
  result.type = StringField(*error, "type");
  result.fbtrace_id = StringField(*error, "fbtrace_id");
  auto data = error->find("error_data");
  if (data != error->end() && data->is_object()) {
    result.details = StringField(*data, "details");
  } else if (data != error->end() && data->is_string()) {
    // Older Graph answers carried error_data as a JSON-encoded string.
    nlohmann::json inner = nlohmann::json::parse(data->get<std::string>(), nullptr, false);
    if (inner.is_object()) result.details = StringField(inner, "details");
  }
  if (result.details.empty()) result.details = StringField(*error, "error_user_msg");
  return result;
}

bool IsCredentialsError(int code) { return code == 0 || code == 190; }

ErrorClass ClassifyMetaError(int code, int http_status) {
  switch (code) {
    case 131047:
      return Make(SendOutcome::kFailed, "MESSAGE_WINDOW_EXPIRED");
    case 130429:  // throughput (messages per second) of the number
      return Make(SendOutcome::kRetry, "RATE_LIMIT_EXCEEDED", absl::Seconds(2));
    case 80007:  // WABA-level limit
    case 4:      // app-level Graph call limit
      return Make(SendOutcome::kRetry, "RATE_LIMIT_EXCEEDED", absl::Seconds(5));
    case 131056:
      // Pair rate is about one message per 6 s to the same guest; sooner
      // than that only earns another 131056.
      return Make(SendOutcome::kRetry, "RATE_LIMIT_EXCEEDED", absl::Seconds(6));
    case 131048:
    case 131049:
      // Quality/ecosystem limits: a retry within the queue's horizon would
      // fail the same way (131049 asks for at least 24 h).
      return Make(SendOutcome::kFailed, "RATE_LIMIT_EXCEEDED");
    case 131026:
      return Make(SendOutcome::kFailed, "UNDELIVERABLE");
    case 131050:
      return Make(SendOutcome::kFailed, "GUEST_OPTED_OUT");
    case 131053:
      return Make(SendOutcome::kFailed, "MEDIA_UPLOAD_FAILED");
    case 132001:
      return Make(SendOutcome::kFailed, "TEMPLATE_NOT_FOUND");
    case 132000:
    case 132005:
    case 132007:
    case 132012:
      return Make(SendOutcome::kFailed, "TEMPLATE_PARAMETER_MISMATCH");
    case 132015:
      return Make(SendOutcome::kFailed, "TEMPLATE_PAUSED");
    case 132016:
      return Make(SendOutcome::kFailed, "TEMPLATE_DISABLED");
    case 0:
    case 190:
      return Make(SendOutcome::kCredentialsRejected, "");
    case 1:       // Graph "API Unknown": possibly temporary downtime
    case 2:       // Graph "API Service": temporary downtime
    case 131000:  // "Something went wrong"
    case 131016:  // service unavailable
      return Make(SendOutcome::kRetry, "", absl::Seconds(2));
    case 131057:
      // Maintenance such as a throughput upgrade lasts up to about a minute.
      return Make(SendOutcome::kRetry, "", absl::Seconds(10));
    default:
      break;
  }
  if (http_status >= 500) return Make(SendOutcome::kRetry, "", absl::Seconds(2));
  return Make(SendOutcome::kFailed, "");
}

SendResult SendResultFromMetaError(const MetaError& error, int http_status) {
  ErrorClass error_class =
      ClassifyMetaError(error.has_code ? error.code : kNoMetaCode, http_status);
  SendResult result;
  result.outcome = error_class.outcome;
  result.contract_code = std::move(error_class.contract_code);
  result.retry_after = error_class.retry_after;
  result.error_code = error.code;
  result.error = error.Describe();
  return result;
}

}  // namespace wa::provider
