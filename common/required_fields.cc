#include "common/required_fields.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "hotel/whatsapp/v1/common.pb.h"

namespace wa {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

bool IsGiven(const Message& m, const FieldDescriptor* f) {
  const auto* r = m.GetReflection();
  if (f->is_repeated()) return r->FieldSize(m, f) > 0;
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE || f->has_presence()) {
    if (!r->HasField(m, f)) return false;
  }
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return !r->GetString(m, f).empty();
    case FieldDescriptor::CPPTYPE_ENUM:
      return r->GetEnumValue(m, f) != 0;
    case FieldDescriptor::CPPTYPE_INT32:
      return r->GetInt32(m, f) != 0;
    case FieldDescriptor::CPPTYPE_INT64:
      return r->GetInt64(m, f) != 0;
    case FieldDescriptor::CPPTYPE_UINT32:
      return r->GetUInt32(m, f) != 0;
    case FieldDescriptor::CPPTYPE_UINT64:
      return r->GetUInt64(m, f) != 0;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return r->GetDouble(m, f) != 0;
    case FieldDescriptor::CPPTYPE_FLOAT:
      return r->GetFloat(m, f) != 0;
    default:
      return true;  // a bool is always given; a set message is
  }
}

std::optional<std::string> Check(const Message& m, const std::string& prefix) {
  const auto* d = m.GetDescriptor();
  const auto* r = m.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const std::string path = absl::StrCat(prefix, f->name());
    if (f->options().GetExtension(hotel::whatsapp::v1::required_field) && !IsGiven(m, f)) {
      return path;
    }
    // Only our own messages carry the option; maps and well-known types are skipped.
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || f->is_map() ||
        f->message_type()->file()->package() != d->file()->package()) {
      continue;
    }
    if (f->is_repeated()) {
      for (int j = 0; j < r->FieldSize(m, f); ++j) {
        std::optional<std::string> missing =
            Check(r->GetRepeatedMessage(m, f, j), absl::StrCat(path, "[", j, "]."));
        if (missing) return missing;
      }
    } else if (r->HasField(m, f)) {
      if (std::optional<std::string> missing =
              Check(r->GetMessage(m, f), absl::StrCat(path, "."))) {
        return missing;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> MissingRequiredField(const Message& message) {
  return Check(message, "");
}

std::string MissingFieldMessage(const std::string& field) {
  return absl::StrCat("`", field, "` is required");
}

std::string MissingFieldRecovery(const std::string& field) {
  return absl::StrCat("Send `", field, "`");
}

}  // namespace wa
