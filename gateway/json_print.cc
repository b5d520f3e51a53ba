// Message -> JSON text, straight into one string (no intermediate DOM), since
// this runs for every REST response.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/enum_spelling.h"
#include "gateway/json_transcoder.h"
#include "gateway/json_writer.h"
#include "gateway/time_format.h"
#include "gateway/wrapper_types.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace wa::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

class Printer {
 public:
  explicit Printer(std::string* out) : out_(out) {}

  void PrintMessage(const Message& m) {
    if (const FieldDescriptor* wrapped = WrappedField(m.GetDescriptor())) {
      return PrintSingular(m, wrapped);
    }
    switch (m.GetDescriptor()->well_known_type()) {
      case Descriptor::WELLKNOWNTYPE_TIMESTAMP:
        return PrintTime(m, /*duration=*/false);
      case Descriptor::WELLKNOWNTYPE_DURATION:
        return PrintTime(m, /*duration=*/true);
      case Descriptor::WELLKNOWNTYPE_STRUCT:
        return PrintMap(m, m.GetDescriptor()->field(0));
      case Descriptor::WELLKNOWNTYPE_LISTVALUE:
        return PrintRepeated(m, m.GetDescriptor()->field(0));
      case Descriptor::WELLKNOWNTYPE_VALUE:
        return PrintValue(m);
      case Descriptor::WELLKNOWNTYPE_FIELDMASK:
        return PrintFieldMask(m);
      default:
        return PrintObject(m);
    }
  }

  // One field's value as it appears after its key.
  void PrintField(const Message& m, const FieldDescriptor* f) {
    if (f->is_map()) return PrintMap(m, f);
    if (f->is_repeated()) return PrintRepeated(m, f);
    return PrintSingular(m, f);
  }

 private:
  void PrintObject(const Message& m) {
    const Descriptor* d = m.GetDescriptor();
    const Reflection* r = m.GetReflection();
    out_->push_back('{');
    bool first = true;
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      // Unset oneof members (proto3 `optional` included) are left out, as
      // protobuf's JSON does: printing every member would suggest several set.
      if (f->containing_oneof() != nullptr && !r->HasField(m, f)) continue;
      if (!first) out_->push_back(',');
      first = false;
      out_->push_back('"');
      out_->append(f->name());
      out_->append("\":");
      PrintField(m, f);
    }
    out_->push_back('}');
  }

  void PrintSingular(const Message& m, const FieldDescriptor* f) {
    const Reflection* r = m.GetReflection();
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        return json::AppendInt(out_, r->GetInt32(m, f));
      case FieldDescriptor::CPPTYPE_UINT32:
        return json::AppendUint(out_, r->GetUInt32(m, f));
      case FieldDescriptor::CPPTYPE_INT64:
        return Quoted([&] { json::AppendInt(out_, r->GetInt64(m, f)); });
      case FieldDescriptor::CPPTYPE_UINT64:
        return Quoted([&] { json::AppendUint(out_, r->GetUInt64(m, f)); });
      case FieldDescriptor::CPPTYPE_DOUBLE:
        return json::AppendDouble(out_, r->GetDouble(m, f));
      case FieldDescriptor::CPPTYPE_FLOAT:
        return json::AppendFloat(out_, r->GetFloat(m, f));
      case FieldDescriptor::CPPTYPE_BOOL:
        out_->append(r->GetBool(m, f) ? "true" : "false");
        return;
      case FieldDescriptor::CPPTYPE_ENUM:
        return PrintEnum(f, r->GetEnumValue(m, f));
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        const std::string& s = r->GetStringReference(m, f, &scratch);
        return PrintString(f, s);
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (!r->HasField(m, f)) {
          // google.protobuf.Value holds JSON null itself; any other unset
          // message prints null so that a client never meets a missing field.
          out_->append("null");
          return;
        }
        return PrintMessage(r->GetMessage(m, f));
    }
  }

  void PrintRepeated(const Message& m, const FieldDescriptor* f) {
    const Reflection* r = m.GetReflection();
    const int n = r->FieldSize(m, f);
    out_->push_back('[');
    for (int i = 0; i < n; ++i) {
      if (i > 0) out_->push_back(',');
      PrintElement(m, f, i);
    }
    out_->push_back(']');
  }

  void PrintElement(const Message& m, const FieldDescriptor* f, int i) {
    const Reflection* r = m.GetReflection();
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        return json::AppendInt(out_, r->GetRepeatedInt32(m, f, i));
      case FieldDescriptor::CPPTYPE_UINT32:
        return json::AppendUint(out_, r->GetRepeatedUInt32(m, f, i));
      case FieldDescriptor::CPPTYPE_INT64:
        return Quoted([&] { json::AppendInt(out_, r->GetRepeatedInt64(m, f, i)); });
      case FieldDescriptor::CPPTYPE_UINT64:
        return Quoted([&] { json::AppendUint(out_, r->GetRepeatedUInt64(m, f, i)); });
      case FieldDescriptor::CPPTYPE_DOUBLE:
        return json::AppendDouble(out_, r->GetRepeatedDouble(m, f, i));
      case FieldDescriptor::CPPTYPE_FLOAT:
        return json::AppendFloat(out_, r->GetRepeatedFloat(m, f, i));
      case FieldDescriptor::CPPTYPE_BOOL:
        out_->append(r->GetRepeatedBool(m, f, i) ? "true" : "false");
        return;
      case FieldDescriptor::CPPTYPE_ENUM:
        return PrintEnum(f, r->GetRepeatedEnumValue(m, f, i));
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        return PrintString(f, r->GetRepeatedStringReference(m, f, i, &scratch));
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return PrintMessage(r->GetRepeatedMessage(m, f, i));
    }
  }

  // Map keys are sorted so that equal maps always print alike.
  void PrintMap(const Message& m, const FieldDescriptor* f) {
    const Reflection* r = m.GetReflection();
    const int n = r->FieldSize(m, f);
    const FieldDescriptor* key_field = f->message_type()->map_key();
    const FieldDescriptor* value_field = f->message_type()->map_value();
    std::vector<std::pair<std::string, const Message*>> entries;
    entries.reserve(n);
    for (int i = 0; i < n; ++i) {
      const Message& entry = r->GetRepeatedMessage(m, f, i);
      entries.emplace_back(KeyText(entry, key_field), &entry);
    }
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    out_->push_back('{');
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i > 0) out_->push_back(',');
      json::AppendString(out_, entries[i].first);
      out_->push_back(':');
      PrintSingular(*entries[i].second, value_field);
    }
    out_->push_back('}');
  }

  static std::string KeyText(const Message& entry, const FieldDescriptor* key) {
    const Reflection* r = entry.GetReflection();
    switch (key->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        return absl::StrCat(r->GetInt32(entry, key));
      case FieldDescriptor::CPPTYPE_UINT32:
        return absl::StrCat(r->GetUInt32(entry, key));
      case FieldDescriptor::CPPTYPE_INT64:
        return absl::StrCat(r->GetInt64(entry, key));
      case FieldDescriptor::CPPTYPE_UINT64:
        return absl::StrCat(r->GetUInt64(entry, key));
      case FieldDescriptor::CPPTYPE_BOOL:
        return r->GetBool(entry, key) ? "true" : "false";
      default:
        return r->GetString(entry, key);
    }
  }

  void PrintEnum(const FieldDescriptor* f, int number) {
    if (f->enum_type()->full_name() == "google.protobuf.NullValue") {
      out_->append("null");
      return;
    }
    if (const std::string* name = EnumSpelling::For(f->enum_type()).Name(number)) {
      json::AppendString(out_, *name);
    } else {
      json::AppendInt(out_, number);  // a number this build does not know
    }
  }

  void PrintString(const FieldDescriptor* f, const std::string& s) {
    if (f->type() == FieldDescriptor::TYPE_BYTES) {
      json::AppendString(out_, absl::Base64Escape(s));
    } else {
      json::AppendString(out_, s);
    }
  }

  // Value's `kind` oneof: with nothing set it is JSON null as well.
  void PrintValue(const Message& m) {
    const Reflection* r = m.GetReflection();
    const FieldDescriptor* kind = r->GetOneofFieldDescriptor(m, m.GetDescriptor()->oneof_decl(0));
    if (kind == nullptr) {
      out_->append("null");
      return;
    }
    PrintSingular(m, kind);
  }

  void PrintTime(const Message& m, bool duration) {
    const Reflection* r = m.GetReflection();
    const Descriptor* d = m.GetDescriptor();
    SecondsNanos t{r->GetInt64(m, d->FindFieldByNumber(1)),
                   r->GetInt32(m, d->FindFieldByNumber(2))};
    absl::StatusOr<std::string> text = duration ? FormatDuration(t) : FormatTimestamp(t);
    // A value outside protobuf's range cannot be spelled; null keeps the JSON valid.
    if (!text.ok()) {
      out_->append("null");
      return;
    }
    json::AppendString(out_, *text);
  }

  void PrintFieldMask(const Message& m) {
    const Reflection* r = m.GetReflection();
    const FieldDescriptor* paths = m.GetDescriptor()->field(0);
    std::vector<std::string> camel;
    for (int i = 0; i < r->FieldSize(m, paths); ++i) {
      std::string path = r->GetRepeatedString(m, paths, i);
      std::string c;
      for (size_t k = 0; k < path.size(); ++k) {
        if (path[k] == '_' && k + 1 < path.size()) {
          c.push_back(absl::ascii_toupper(path[++k]));
        } else {
          c.push_back(path[k]);
        }
      }
      camel.push_back(std::move(c));
    }
    json::AppendString(out_, absl::StrJoin(camel, ","));
  }

  template <typename Fn>
  void Quoted(Fn fn) {
    out_->push_back('"');
    fn();
    out_->push_back('"');
  }

  std::string* out_;
};

}  // namespace

void AppendMessageJson(const Message& message, std::string* out) {
  Printer(out).PrintMessage(message);
}

std::string MessageToJson(const Message& message) {
  std::string out;
  AppendMessageJson(message, &out);
  return out;
}

void AppendResponseJson(const Message& response, absl::string_view response_body,
                        std::string* out) {
  if (response_body.empty()) return AppendMessageJson(response, out);
  const FieldDescriptor* f = response.GetDescriptor()->FindFieldByName(std::string(response_body));
  // The route table checked the name at start-up; this only guards misuse.
  AppendResponseJson(response, f, out);
}

void AppendResponseJson(const Message& response, const FieldDescriptor* response_field,
                        std::string* out) {
  if (response_field == nullptr) return AppendMessageJson(response, out);
  Printer(out).PrintField(response, response_field);
}

}  // namespace wa::gateway
