#include "gateway/field_store.h"

#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/enum_spelling.h"
#include "gateway/json_writer.h"
#include "gateway/time_format.h"
#include "gateway/wrapper_types.h"

namespace wa::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status OutOfRange(const FieldDescriptor* f) {
  return absl::InvalidArgumentError(absl::StrCat("value out of range for ", f->cpp_type_name()));
}

absl::Status Expected(absl::string_view what, absl::string_view text) {
  return absl::InvalidArgumentError(absl::StrCat("expected ", what, ", got \"", text, "\""));
}

absl::Status StoreTime(Message* m, const FieldDescriptor* f, absl::string_view text,
                       bool duration) {
  absl::StatusOr<SecondsNanos> t = duration ? ParseDuration(text) : ParseTimestamp(text);
  if (!t.ok()) return t.status();
  Message* msg = MutableOrAddMessage(m, f);
  const Descriptor* d = msg->GetDescriptor();
  msg->GetReflection()->SetInt64(msg, d->FindFieldByNumber(1), t->seconds);
  msg->GetReflection()->SetInt32(msg, d->FindFieldByNumber(2), t->nanos);
  return absl::OkStatus();
}

absl::Status StoreFieldMask(Message* m, const FieldDescriptor* f, absl::string_view text) {
  Message* msg = MutableOrAddMessage(m, f);
  const FieldDescriptor* paths = msg->GetDescriptor()->field(0);
  for (absl::string_view camel : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::string snake;
    for (char c : camel) {
      if (absl::ascii_isupper(c)) {
        snake.push_back('_');
        snake.push_back(absl::ascii_tolower(c));
      } else {
        snake.push_back(c);
      }
    }
    msg->GetReflection()->AddString(msg, paths, std::move(snake));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status StoreSigned(Message* m, const FieldDescriptor* f, int64_t v) {
  const Reflection* r = m->GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
        return OutOfRange(f);
      }
      rep ? r->AddInt32(m, f, static_cast<int32_t>(v)) : r->SetInt32(m, f, static_cast<int32_t>(v));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT64:
      rep ? r->AddInt64(m, f, v) : r->SetInt64(m, f, v);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      if (v < 0) return OutOfRange(f);
      return StoreUnsigned(m, f, static_cast<uint64_t>(v));
    default:
      return absl::InternalError("StoreSigned on a non-integer field");
  }
}

absl::Status StoreUnsigned(Message* m, const FieldDescriptor* f, uint64_t v) {
  const Reflection* r = m->GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_UINT32:
      if (v > std::numeric_limits<uint32_t>::max()) return OutOfRange(f);
      rep ? r->AddUInt32(m, f, static_cast<uint32_t>(v))
          : r->SetUInt32(m, f, static_cast<uint32_t>(v));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_UINT64:
      rep ? r->AddUInt64(m, f, v) : r->SetUInt64(m, f, v);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
      if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return OutOfRange(f);
      return StoreSigned(m, f, static_cast<int64_t>(v));
    default:
      return absl::InternalError("StoreUnsigned on a non-integer field");
  }
}

absl::Status StoreFloating(Message* m, const FieldDescriptor* f, double v) {
  const Reflection* r = m->GetReflection();
  const bool rep = f->is_repeated();
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
    if (std::isfinite(v) && std::fabs(v) > std::numeric_limits<float>::max()) {
      return OutOfRange(f);
    }
    rep ? r->AddFloat(m, f, static_cast<float>(v)) : r->SetFloat(m, f, static_cast<float>(v));
  } else {
    rep ? r->AddDouble(m, f, v) : r->SetDouble(m, f, v);
  }
  return absl::OkStatus();
}

void StoreBool(Message* m, const FieldDescriptor* f, bool v) {
  f->is_repeated() ? m->GetReflection()->AddBool(m, f, v) : m->GetReflection()->SetBool(m, f, v);
}

void StoreString(Message* m, const FieldDescriptor* f, std::string v) {
  f->is_repeated() ? m->GetReflection()->AddString(m, f, std::move(v))
                   : m->GetReflection()->SetString(m, f, std::move(v));
}

absl::Status StoreEnumNumber(Message* m, const FieldDescriptor* f, int64_t number) {
  if (number < std::numeric_limits<int32_t>::min() ||
      number > std::numeric_limits<int32_t>::max() ||
      f->enum_type()->FindValueByNumber(static_cast<int>(number)) == nullptr) {
    return UnknownEnumValue(f, absl::StrCat(number));
  }
  const int n = static_cast<int>(number);
  f->is_repeated() ? m->GetReflection()->AddEnumValue(m, f, n)
                   : m->GetReflection()->SetEnumValue(m, f, n);
  return absl::OkStatus();
}

Message* MutableOrAddMessage(Message* m, const FieldDescriptor* f) {
  return f->is_repeated() ? m->GetReflection()->AddMessage(m, f)
                          : m->GetReflection()->MutableMessage(m, f);
}

absl::Status UnknownEnumValue(const FieldDescriptor* f, absl::string_view text) {
  return absl::InvalidArgumentError(absl::StrCat("unknown value \"", text, "\"; accepted values: ",
                                                 EnumSpelling::For(f->enum_type()).accepted()));
}

absl::Status StoreFromText(Message* m, const FieldDescriptor* f, absl::string_view text) {
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v = 0;
      if (!absl::SimpleAtoi(text, &v)) return Expected("an integer", text);
      return StoreSigned(m, f, v);
    }
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v = 0;
      if (!absl::SimpleAtoi(text, &v)) return Expected("a non-negative integer", text);
      return StoreUnsigned(m, f, v);
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double v = 0;
      if (text == "NaN") {
        v = std::numeric_limits<double>::quiet_NaN();
      } else if (text == "Infinity" || text == "-Infinity") {
        v = text[0] == '-' ? -std::numeric_limits<double>::infinity()
                           : std::numeric_limits<double>::infinity();
      } else if (!absl::SimpleAtod(text, &v) || !std::isfinite(v)) {
        return Expected("a number", text);
      }
      return StoreFloating(m, f, v);
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      if (absl::EqualsIgnoreCase(text, "true") || text == "1") {
        StoreBool(m, f, true);
      } else if (absl::EqualsIgnoreCase(text, "false") || text == "0") {
        StoreBool(m, f, false);
      } else {
        return Expected("true or false", text);
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      std::optional<int> n = EnumSpelling::For(f->enum_type()).Parse(text);
      if (!n.has_value()) return UnknownEnumValue(f, text);
      return StoreEnumNumber(m, f, *n);
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      if (f->type() != FieldDescriptor::TYPE_BYTES) {
        // Query and path values are percent-decoded bytes; a string field
        // must hold UTF-8 (the server could not even parse the request).
        if (!json::IsValidUtf8(text)) return absl::InvalidArgumentError("expected UTF-8 text");
        StoreString(m, f, std::string(text));
        return absl::OkStatus();
      }
      std::string bytes;
      if (!absl::Base64Unescape(text, &bytes) && !absl::WebSafeBase64Unescape(text, &bytes)) {
        return Expected("base64 data", text);
      }
      StoreString(m, f, std::move(bytes));
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  const Descriptor* d = f->message_type();
  if (const FieldDescriptor* wrapped = WrappedField(d)) {
    return StoreFromText(MutableOrAddMessage(m, f), wrapped, text);
  }
  switch (d->well_known_type()) {
    case Descriptor::WELLKNOWNTYPE_TIMESTAMP:
      return StoreTime(m, f, text, /*duration=*/false);
    case Descriptor::WELLKNOWNTYPE_DURATION:
      return StoreTime(m, f, text, /*duration=*/true);
    case Descriptor::WELLKNOWNTYPE_FIELDMASK:
      return StoreFieldMask(m, f, text);
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("a ", d->full_name(), " cannot be given as text"));
  }
}

}  // namespace wa::gateway
