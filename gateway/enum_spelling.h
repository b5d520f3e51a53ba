#ifndef WA_GATEWAY_ENUM_SPELLING_H_
#define WA_GATEWAY_ENUM_SPELLING_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace wa::gateway {

// How REST spells one enum's values (docs/gateway.md, "The contract"): the value
// prefix (the enum's name in UPPER_SNAKE_CASE plus "_") is stripped and the
// rest lower-cased, unless the enum carries (hotel.whatsapp.v1.json_upper_case)
// in which case it stays upper-case. The zero value is spelled "".
//
// Computed once per enum and shared process-wide, since descriptors of the
// generated pool live as long as the process.
class EnumSpelling {
 public:
  static const EnumSpelling& For(const google::protobuf::EnumDescriptor* type);

  explicit EnumSpelling(const google::protobuf::EnumDescriptor* type);

  // The REST spelling of `number`; nullptr for a number the enum lacks.
  const std::string* Name(int number) const;

  // Accepts the REST spelling in any case, the full proto name
  // (MESSAGE_TYPE_TEXT, any case) and the decimal number of a declared value.
  std::optional<int> Parse(absl::string_view text) const;

  // The REST spellings of the non-zero values, for error messages.
  const std::string& accepted() const { return accepted_; }

 private:
  static const EnumSpelling& ForShared(const google::protobuf::EnumDescriptor* type);

  absl::flat_hash_map<int, std::string> names_;
  // Upper-cased accepted inputs -> number.
  absl::flat_hash_map<std::string, int> inputs_;
  std::string accepted_;
  const google::protobuf::EnumDescriptor* type_;
};

// "MessageType" -> "MESSAGE_TYPE"; an acronym stays one word ("HTTPCode" -> "HTTP_CODE").
std::string UpperSnakeCase(absl::string_view camel);

}  // namespace wa::gateway

#endif  // WA_GATEWAY_ENUM_SPELLING_H_
