#include "gateway/field_errors.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/nearest_name.h"
#include "common/required_fields.h"

namespace wa::gateway {
namespace {

constexpr absl::string_view kErrorDetailPayload =
    "type.googleapis.com/hotel.whatsapp.v1.ErrorDetail";

// The most known names listed in a recovery option; a message has few.
constexpr size_t kMaxListedFields = 30;

void SetString(hotel::whatsapp::v1::ErrorDetail* detail, const std::string& key,
               absl::string_view value) {
  (*detail->mutable_details()->mutable_fields())[key].set_string_value(std::string(value));
}

}  // namespace

absl::Status WithErrorDetail(absl::Status status, const hotel::whatsapp::v1::ErrorDetail& detail) {
  status.SetPayload(kErrorDetailPayload, absl::Cord(detail.SerializeAsString()));
  return status;
}

std::optional<hotel::whatsapp::v1::ErrorDetail> ErrorDetailOf(const absl::Status& status) {
  auto payload = status.GetPayload(kErrorDetailPayload);
  if (!payload) return std::nullopt;
  hotel::whatsapp::v1::ErrorDetail detail;
  if (!detail.ParseFromString(std::string(*payload))) return std::nullopt;
  return detail;
}

absl::Status UnknownFieldError(absl::string_view field, absl::string_view where,
                               const std::vector<std::string>& known) {
  const std::string guess = wa::NearestName(field, known);
  std::string message = absl::StrCat("unknown field `", field, "` in the ", where);
  if (!guess.empty()) absl::StrAppend(&message, "; did you mean `", guess, "`?");
  hotel::whatsapp::v1::ErrorDetail detail;
  detail.set_code("INVALID_ARGUMENT");
  detail.set_message(message);
  SetString(&detail, "field", field);
  if (!guess.empty()) {
    SetString(&detail, "did_you_mean", guess);
    detail.add_recovery_options(absl::StrCat("Rename `", field, "` to `", guess, "`"));
  }
  if (!known.empty() && known.size() <= kMaxListedFields) {
    detail.add_recovery_options(absl::StrCat("Known fields here: ", absl::StrJoin(known, ", ")));
  }
  detail.add_recovery_options("See the operation in the OpenAPI document (/openapi.yaml, /docs)");
  return WithErrorDetail(absl::InvalidArgumentError(message), detail);
}

absl::Status MissingFieldError(absl::string_view field) {
  const std::string message = MissingFieldMessage(std::string(field));
  hotel::whatsapp::v1::ErrorDetail detail;
  detail.set_code("INVALID_ARGUMENT");
  detail.set_message(message);
  SetString(&detail, "field", field);
  detail.add_recovery_options(MissingFieldRecovery(std::string(field)));
  return WithErrorDetail(absl::InvalidArgumentError(message), detail);
}

}  // namespace wa::gateway
