#include "gateway/field_path.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace wa::gateway {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

const FieldDescriptor* FindFieldByAnyName(const Descriptor* type, absl::string_view name) {
  // The descriptor lookups take std::string; most names fit the small-string buffer.
  std::string key(name);
  if (const FieldDescriptor* f = type->FindFieldByName(key)) return f;
  if (const FieldDescriptor* f = type->FindFieldByCamelcaseName(key)) return f;
  // A custom json_name differs from the camel-case name; those are rare.
  for (int i = 0; i < type->field_count(); ++i) {
    if (type->field(i)->json_name() == name) return type->field(i);
  }
  return nullptr;
}

absl::StatusOr<std::vector<const FieldDescriptor*>> ResolveFieldPath(
    const Descriptor* type, absl::string_view dotted_path) {
  std::vector<const FieldDescriptor*> fields;
  size_t consumed = 0;
  for (absl::string_view part : absl::StrSplit(dotted_path, '.')) {
    absl::string_view so_far = dotted_path.substr(0, consumed + part.size());
    consumed += part.size() + 1;
    if (type == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(so_far, ": ", fields.back()->name(), " is not a message"));
    }
    const FieldDescriptor* field = FindFieldByAnyName(type, part);
    if (field == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(so_far, ": no such field in ", type->name()));
    }
    if (!fields.empty() && fields.back()->is_repeated()) {
      return absl::InvalidArgumentError(
          absl::StrCat(so_far, ": cannot address a field inside a repeated field"));
    }
    fields.push_back(field);
    type = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !field->is_map()
               ? field->message_type()
               : nullptr;
  }
  return fields;
}

}  // namespace wa::gateway
