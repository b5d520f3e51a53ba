#include "server/api/audit_resources.h"

#include "absl/strings/match.h"
#include "hotel/whatsapp/v1/audit.pb.h"

namespace wa::api {
namespace {

using google::protobuf::FieldDescriptor;

// Long enough for any id; a longer value is cut, not stored whole.
constexpr size_t kMaxValue = 200;

bool Identifying(const FieldDescriptor& field) {
  if (field.options().GetExtension(hotel::whatsapp::v1::not_audited)) return false;
  if (field.is_repeated() || field.cpp_type() != FieldDescriptor::CPPTYPE_STRING) return false;
  const std::string& name = field.name();
  return absl::EndsWith(name, "_id") || absl::EndsWith(name, "_name") || name == "name" ||
         name == "guest_phone" || name == "guest_hash" || name == "language";
}

void Collect(const google::protobuf::Message& message, int depth,
             std::map<std::string, std::string>* out) {
  const google::protobuf::Descriptor* type = message.GetDescriptor();
  const google::protobuf::Reflection* reflection = message.GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (Identifying(*field)) {
      std::string value = reflection->GetString(message, field);
      if (!value.empty()) out->emplace(field->name(), value.substr(0, kMaxValue));
    } else if (depth == 0 && !field->is_repeated() &&
               field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
               reflection->HasField(message, field)) {
      Collect(reflection->GetMessage(message, field), depth + 1, out);
    }
  }
}

}  // namespace

void AddIdentifiers(const google::protobuf::Message& message,
                    std::map<std::string, std::string>* out) {
  Collect(message, 0, out);
}

}  // namespace wa::api
