#include "gateway/required_fields.h"

#include <optional>
#include <string>

#include "common/required_fields.h"
#include "gateway/field_errors.h"

namespace wa::gateway {

absl::Status CheckRequiredFields(const google::protobuf::Message& message) {
  std::optional<std::string> missing = MissingRequiredField(message);
  return missing ? MissingFieldError(*missing) : absl::OkStatus();
}

}  // namespace wa::gateway
