#include "server/domain/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace wa::domain {

namespace v1 = ::hotel::whatsapp::v1;

Error::Error(absl::StatusCode status_code, std::string code, std::string message)
    : status_code_(status_code) {
  detail_.set_code(std::move(code));
  detail_.set_message(std::move(message));
}

Error& Error::Detail(const std::string& key, const std::string& value) {
  (*detail_.mutable_details()->mutable_fields())[key].set_string_value(value);
  return *this;
}

Error& Error::Detail(const std::string& key, double value) {
  (*detail_.mutable_details()->mutable_fields())[key].set_number_value(value);
  return *this;
}

Error& Error::Detail(const std::string& key, std::vector<std::string> values) {
  auto* list = (*detail_.mutable_details()->mutable_fields())[key].mutable_list_value();
  for (std::string& value : values) list->add_values()->set_string_value(std::move(value));
  return *this;
}

Error& Error::Detail(const std::string& key, google::protobuf::Value value) {
  (*detail_.mutable_details()->mutable_fields())[key] = std::move(value);
  return *this;
}

Error& Error::Recovery(const std::vector<std::string>& options) {
  for (const std::string& option : options) detail_.add_recovery_options(option);
  return *this;
}

Error& Error::Recovery(std::initializer_list<absl::string_view> options) {
  for (absl::string_view option : options) detail_.add_recovery_options(std::string(option));
  return *this;
}

absl::Status Error::Build() const {
  absl::Status status(status_code_, detail_.message());
  status.SetPayload(kErrorDetailUrl, absl::Cord(detail_.SerializeAsString()));
  return status;
}

v1::ErrorDetail DetailOf(const absl::Status& status) {
  v1::ErrorDetail detail;
  auto payload = status.GetPayload(kErrorDetailUrl);  // absl::optional<absl::Cord>
  if (payload && detail.ParseFromString(std::string(*payload))) return detail;
  detail.set_code(absl::StatusCodeToString(status.code()));  // e.g. "NOT_FOUND"
  detail.set_message(std::string(status.message()));
  detail.mutable_details();
  return detail;
}

absl::Status InvalidArgument(std::string message, std::string field) {
  Error error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT", std::move(message));
  if (!field.empty()) error.Detail("field", field);
  return error;
}

absl::Status NotFound(std::string what, const std::string& id) {
  return Error(absl::StatusCode::kNotFound, "NOT_FOUND", absl::StrCat(what, " ", id, " not found"))
      .Detail("id", id);
}

absl::Status InvalidPhoneNumber(const std::string& phone) {
  return Error(absl::StatusCode::kInvalidArgument, "INVALID_PHONE_NUMBER",
               "Invalid or unsupported phone number format: expected E.164, '+' then 8 to 15 "
               "digits")
      .Detail("guest_phone", phone)
      .Recovery({"Send the number in E.164 format, for example +14155550123"});
}

Error RateLimitExceeded(std::string message, double retry_after_seconds) {
  Error error(absl::StatusCode::kResourceExhausted, "RATE_LIMIT_EXCEEDED", std::move(message));
  error.Detail(kRetryAfterDetail, retry_after_seconds)
      .Recovery({"Retry after the time in retry_after_seconds", "Spread requests over time"});
  return error;
}

}  // namespace wa::domain
