// JSON (parsed by nlohmann) -> message by reflection. Field paths for error
// messages are kept as a chain of stack frames and only rendered on error, so
// the happy path builds no strings.
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/field_errors.h"
#include "gateway/field_path.h"
#include "gateway/field_store.h"
#include "gateway/json_transcoder.h"
#include "gateway/wrapper_types.h"
#include "hotel/whatsapp/v1/common.pb.h"
#include "nlohmann/json.hpp"

namespace wa::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using nlohmann::json;

struct PathFrame {
  const PathFrame* parent;
  absl::string_view name;  // a field name, or a map key when `is_key`
  long index = -1;         // an array index when >= 0
  bool is_key = false;
};

std::string RenderPath(const PathFrame* frame) {
  if (frame == nullptr) return "";
  std::string out = RenderPath(frame->parent);
  if (frame->index >= 0) {
    absl::StrAppend(&out, "[", frame->index, "]");
  } else if (frame->is_key) {
    absl::StrAppend(&out, "[\"", frame->name, "\"]");
  } else {
    absl::StrAppend(&out, out.empty() ? "" : ".", frame->name);
  }
  return out;
}

absl::Status AtPath(const PathFrame* frame, const absl::Status& s) {
  std::string path = RenderPath(frame);
  if (path.empty()) path = "request body";
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", s.message()));
}

absl::Status Expected(const PathFrame* frame, absl::string_view what) {
  return AtPath(frame, absl::InvalidArgumentError(absl::StrCat("expected ", what)));
}

// What a JSON value must be for `f`, named as a client would understand it.
absl::string_view ExpectedKind(const FieldDescriptor* f) {
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      return "integer";
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      return "number";
    case FieldDescriptor::CPPTYPE_BOOL:
      return "boolean";
    case FieldDescriptor::CPPTYPE_ENUM:
      return "string (enum value)";
    case FieldDescriptor::CPPTYPE_STRING:
      return f->type() == FieldDescriptor::TYPE_BYTES ? "string (base64)" : "string";
    case FieldDescriptor::CPPTYPE_MESSAGE:
      switch (f->message_type()->well_known_type()) {
        case Descriptor::WELLKNOWNTYPE_TIMESTAMP:
          return "string (RFC 3339 timestamp)";
        case Descriptor::WELLKNOWNTYPE_DURATION:
          return "string (duration)";
        case Descriptor::WELLKNOWNTYPE_LISTVALUE:
          return "array";
        default:
          return "object";
      }
  }
  return "value";
}

absl::Status UnknownField(const PathFrame* path, const Descriptor* d, absl::string_view name) {
  const std::string parent = RenderPath(path);
  auto full = [&parent](absl::string_view leaf) {
    return parent.empty() ? std::string(leaf) : absl::StrCat(parent, ".", leaf);
  };
  std::vector<std::string> known;
  for (int i = 0; i < d->field_count(); ++i) known.push_back(full(d->field(i)->name()));
  return UnknownFieldError(full(name), "request body", known);
}

class Reader {
 public:
  absl::Status MergeObject(const json& j, Message* m, const PathFrame* path) {
    if (!j.is_object()) return Expected(path, "object");
    const Descriptor* d = m->GetDescriptor();
    for (auto it = j.begin(); it != j.end(); ++it) {
      const FieldDescriptor* f = FindFieldByAnyName(d, it.key());
      // A misspelt field silently dropped would send something else than
      // the client meant: refuse it, with the name it most likely meant.
      if (f == nullptr) return UnknownField(path, d, it.key());
      PathFrame frame{path, f->name()};
      if (absl::Status s = MergeField(it.value(), m, f, &frame); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::Status MergeField(const json& v, Message* m, const FieldDescriptor* f,
                          const PathFrame* path) {
    if (v.is_null() && !IsValueType(f)) return absl::OkStatus();  // null means "default"
    if (f->is_map()) return MergeMap(v, m, f, path);
    if (f->is_repeated()) {
      if (v.is_null()) return absl::OkStatus();
      if (!v.is_array()) return Expected(path, "array");
      long i = 0;
      for (const json& element : v) {
        PathFrame frame{path, {}, i++};
        if (absl::Status s = StoreOne(element, m, f, &frame); !s.ok()) return s;
      }
      return absl::OkStatus();
    }
    return StoreOne(v, m, f, path);
  }

 private:
  static bool IsValueType(const FieldDescriptor* f) {
    return f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_repeated() &&
           f->message_type()->well_known_type() == Descriptor::WELLKNOWNTYPE_VALUE;
  }

  absl::Status MergeMap(const json& v, Message* m, const FieldDescriptor* f,
                        const PathFrame* path) {
    if (!v.is_object()) return Expected(path, "object");
    const FieldDescriptor* key_field = f->message_type()->map_key();
    const FieldDescriptor* value_field = f->message_type()->map_value();
    for (auto it = v.begin(); it != v.end(); ++it) {
      PathFrame frame{path, it.key(), -1, /*is_key=*/true};
      Message* entry = m->GetReflection()->AddMessage(m, f);
      if (absl::Status s = StoreFromText(entry, key_field, it.key()); !s.ok()) {
        return AtPath(&frame, s);
      }
      if (it.value().is_null() && !IsValueType(value_field)) continue;
      if (absl::Status s = StoreOne(it.value(), entry, value_field, &frame); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  // Stores one JSON value into a singular field, or appends it to a repeated one.
  absl::Status StoreOne(const json& v, Message* m, const FieldDescriptor* f,
                        const PathFrame* path) {
    absl::Status s;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64:
      case FieldDescriptor::CPPTYPE_UINT32:
      case FieldDescriptor::CPPTYPE_UINT64:
        if (v.is_number_unsigned()) {
          s = StoreUnsigned(m, f, v.get<uint64_t>());
        } else if (v.is_number_integer()) {
          s = StoreSigned(m, f, v.get<int64_t>());
        } else if (v.is_number_float()) {
          const double d = v.get<double>();
          // 1.0 is an integer in JSON's eyes; 1.5 is not. The bounds keep the cast defined.
          if (d != std::floor(d) || d < -9.3e18 || d > 1.8e19) return Expected(path, "integer");
          s = d < 0 ? StoreSigned(m, f, static_cast<int64_t>(d))
                    : StoreUnsigned(m, f, static_cast<uint64_t>(d));
        } else if (v.is_string()) {
          s = StoreFromText(m, f, v.get_ref<const std::string&>());
        } else {
          return Expected(path, "integer");
        }
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT:
        if (v.is_number()) {
          s = StoreFloating(m, f, v.get<double>());
        } else if (v.is_string()) {
          s = StoreFromText(m, f, v.get_ref<const std::string&>());
        } else {
          return Expected(path, "number");
        }
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        if (!v.is_boolean()) return Expected(path, "boolean");
        StoreBool(m, f, v.get<bool>());
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        if (f->enum_type()->full_name() == "google.protobuf.NullValue") {
          s = StoreEnumNumber(m, f, 0);
        } else if (v.is_string()) {
          s = StoreFromText(m, f, v.get_ref<const std::string&>());
        } else if (v.is_number_integer()) {
          s = StoreEnumNumber(m, f, v.get<int64_t>());
        } else {
          return Expected(path, ExpectedKind(f));
        }
        break;
      case FieldDescriptor::CPPTYPE_STRING:
        if (v.is_object()) return StoreObjectMember(v, m, f, path);
        if (!v.is_string()) return Expected(path, ExpectedKind(f));
        if (f->type() == FieldDescriptor::TYPE_BYTES) {
          s = StoreFromText(m, f, v.get_ref<const std::string&>());
        } else {
          StoreString(m, f, v.get<std::string>());
        }
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return StoreMessage(v, m, f, path);
    }
    return s.ok() ? s : AtPath(path, s);
  }

  // A string field marked (json_object_member) = "text" also takes
  // {"text": "..."}: one request shape reads like another's.
  absl::Status StoreObjectMember(const json& v, Message* m, const FieldDescriptor* f,
                                 const PathFrame* path) {
    const std::string& member = f->options().GetExtension(hotel::whatsapp::v1::json_object_member);
    if (member.empty()) return Expected(path, ExpectedKind(f));
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (it.key() != member) {
        return UnknownFieldError(absl::StrCat(RenderPath(path), ".", it.key()), "request body",
                                 {absl::StrCat(RenderPath(path), ".", member)});
      }
    }
    auto it = v.find(member);
    if (it == v.end() || it->is_null()) return absl::OkStatus();
    PathFrame frame{path, member};
    if (!it->is_string()) return Expected(&frame, "string");
    StoreString(m, f, it->get<std::string>());
    return absl::OkStatus();
  }

  // Struct and Value nest as deep as the JSON does, and each level recurses
  // here; protobuf's own parsers stop at the same depth.
  absl::Status StoreMessage(const json& v, Message* m, const FieldDescriptor* f,
                            const PathFrame* path) {
    if (depth_ >= kMaxDepth) {
      return AtPath(path, absl::InvalidArgumentError(
                              absl::StrCat("nested deeper than ", kMaxDepth, " levels")));
    }
    ++depth_;
    absl::Status s = StoreMessageValue(v, m, f, path);
    --depth_;
    return s;
  }

  absl::Status StoreMessageValue(const json& v, Message* m, const FieldDescriptor* f,
                                 const PathFrame* path) {
    const Descriptor* d = f->message_type();
    if (const FieldDescriptor* wrapped = WrappedField(d)) {
      return StoreOne(v, MutableOrAddMessage(m, f), wrapped, path);
    }
    switch (d->well_known_type()) {
      case Descriptor::WELLKNOWNTYPE_TIMESTAMP:
      case Descriptor::WELLKNOWNTYPE_DURATION:
      case Descriptor::WELLKNOWNTYPE_FIELDMASK: {
        if (!v.is_string()) return Expected(path, ExpectedKind(f));
        absl::Status s = StoreFromText(m, f, v.get_ref<const std::string&>());
        return s.ok() ? s : AtPath(path, s);
      }
      case Descriptor::WELLKNOWNTYPE_STRUCT:
        if (!v.is_object()) return Expected(path, "object");
        return MergeMap(v, MutableOrAddMessage(m, f), d->field(0), path);
      case Descriptor::WELLKNOWNTYPE_LISTVALUE:
        if (!v.is_array()) return Expected(path, "array");
        return MergeField(v, MutableOrAddMessage(m, f), d->field(0), path);
      case Descriptor::WELLKNOWNTYPE_VALUE:
        return StoreValue(v, MutableOrAddMessage(m, f), path);
      default:
        return MergeObject(v, MutableOrAddMessage(m, f), path);
    }
  }

  // google.protobuf.Value takes any JSON as is.
  absl::Status StoreValue(const json& v, Message* value, const PathFrame* path) {
    const Descriptor* d = value->GetDescriptor();
    const auto* r = value->GetReflection();
    switch (v.type()) {
      case json::value_t::null:
      case json::value_t::discarded:
        r->SetEnumValue(value, d->FindFieldByName("null_value"), 0);
        return absl::OkStatus();
      case json::value_t::boolean:
        r->SetBool(value, d->FindFieldByName("bool_value"), v.get<bool>());
        return absl::OkStatus();
      case json::value_t::number_integer:
      case json::value_t::number_unsigned:
      case json::value_t::number_float:
        r->SetDouble(value, d->FindFieldByName("number_value"), v.get<double>());
        return absl::OkStatus();
      case json::value_t::string:
        r->SetString(value, d->FindFieldByName("string_value"), v.get<std::string>());
        return absl::OkStatus();
      case json::value_t::object:
      case json::value_t::array:
      case json::value_t::binary: {
        const FieldDescriptor* f =
            d->FindFieldByName(v.is_object() ? "struct_value" : "list_value");
        return StoreMessage(v, value, f, path);
      }
    }
    return absl::OkStatus();
  }

  static constexpr int kMaxDepth = 100;
  int depth_ = 0;
};

}  // namespace

absl::Status MergeJsonObject(const json& object, Message* message) {
  return Reader().MergeObject(object, message, nullptr);
}

absl::Status MergeJsonIntoField(const json& value, const FieldDescriptor* field, Message* message) {
  PathFrame frame{nullptr, field->name()};
  return Reader().MergeField(value, message, field, &frame);
}

absl::Status MergeJsonText(absl::string_view text, Message* message) {
  absl::StatusOr<json> parsed = ParseJsonText(text);
  if (!parsed.ok()) return parsed.status();
  return MergeJsonObject(*parsed, message);
}

absl::StatusOr<json> ParseJsonText(absl::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == absl::string_view::npos) return json::object();
  // Exceptions cost nothing unless thrown, and stay inside this function.
  try {
    return json::parse(text.data(), text.data() + text.size());
  } catch (const json::parse_error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("request body: malformed JSON at byte ", e.byte));
  } catch (const json::out_of_range& e) {
    // A number beyond a double's range (1e400) is nlohmann's out_of_range
    // 406, not a parse_error; uncaught it ended the request with a 500.
    return absl::InvalidArgumentError("request body: a number is out of range");
  }
}

}  // namespace wa::gateway
