#include "clients/cli/request_flags.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/nearest_name.h"
#include "gateway/enum_spelling.h"
#include "gateway/json_transcoder.h"
#include "hotel/whatsapp/v1/common.pb.h"
#include "nlohmann/json.hpp"

namespace wa::cli {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using nlohmann::json;

absl::StatusOr<std::string> DataText(absl::string_view value) {
  if (!absl::ConsumePrefix(&value, "@")) return std::string(value);
  std::ifstream in{std::string(value)};
  if (!in) return absl::InvalidArgumentError(absl::StrCat("--data: cannot read ", value));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The JSON value of `text` for a field of this type: numbers and bools as
// themselves, anything else (strings, enums, timestamps) as a string.
absl::StatusOr<json> Scalar(const FieldDescriptor* field, const std::string& text) {
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL:
      if (text == "true" || text == "false") return json(text == "true");
      return absl::InvalidArgumentError(absl::StrCat(field->name(), ": expected true or false"));
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double number;
      if (!absl::SimpleAtod(text, &number)) {
        return absl::InvalidArgumentError(absl::StrCat(field->name(), ": expected a number"));
      }
      return json::parse(text, nullptr, false);
    }
    default:
      return json(text);
  }
}

// Every flag a request takes, nested messages a level deep: "--content.text".
std::vector<std::string> FlagNames(const Descriptor* type) {
  std::vector<std::string> names;
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    names.push_back(f->name());
    if (f->message_type() == nullptr || f->is_map() || f->is_repeated()) continue;
    for (int j = 0; j < f->message_type()->field_count(); ++j) {
      names.push_back(absl::StrCat(f->name(), ".", f->message_type()->field(j)->name()));
    }
  }
  return names;
}

absl::Status UnknownFlag(const std::string& path, const Descriptor* root) {
  std::string message = absl::StrCat("unknown flag --", path);
  const std::string guess = NearestName(path, FlagNames(root));
  if (!guess.empty()) absl::StrAppend(&message, "; did you mean --", guess, "?");
  return absl::InvalidArgumentError(message);
}

// Sets `path` (dot-separated) to `text` in `object`, walking `type`.
absl::Status SetPath(json& object, const Descriptor* type, const std::string& path,
                     const std::string& text) {
  const Descriptor* root = type;
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  json* at = &object;
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* field = type->FindFieldByName(parts[i]);
    if (field == nullptr) return UnknownFlag(path, root);
    bool last = i + 1 == parts.size();
    if (field->is_map()) {
      if (i + 2 != parts.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", path, ": write --", parts[i], ".KEY=VALUE for a map entry"));
      }
      const FieldDescriptor* value = field->message_type()->FindFieldByName("value");
      absl::StatusOr<json> v = Scalar(value, text);
      if (!v.ok()) return v.status();
      (*at)[parts[i]][parts[i + 1]] = *v;
      return absl::OkStatus();
    }
    if (last) {
      absl::StatusOr<json> v = Scalar(field, text);
      if (!v.ok()) return v.status();
      if (field->is_repeated()) {
        (*at)[parts[i]].push_back(*v);
      } else {
        (*at)[parts[i]] = *v;
      }
      return absl::OkStatus();
    }
    if (field->message_type() == nullptr || field->is_repeated()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--", path, ": ", parts[i], " has no fields to set one by one (use --data)"));
    }
    at = &(*at)[parts[i]];
    type = field->message_type();
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status FillRequest(const std::vector<std::string>& words, const std::string& positional,
                         google::protobuf::Message* request) {
  json fields = json::object();
  bool positional_used = false;
  for (const std::string& word : words) {
    absl::string_view flag = word;
    if (!absl::ConsumePrefix(&flag, "--")) {
      if (positional.empty() || positional_used) {
        return absl::InvalidArgumentError(absl::StrCat("unexpected argument '", word, "'"));
      }
      fields[positional] = word;
      positional_used = true;
      continue;
    }
    std::vector<std::string> kv = absl::StrSplit(flag, absl::MaxSplits('=', 1));
    if (kv.size() != 2) {
      return absl::InvalidArgumentError(absl::StrCat("--", flag, ": write --", flag, "=VALUE"));
    }
    if (kv[0] == "data") {
      absl::StatusOr<std::string> text = DataText(kv[1]);
      if (!text.ok()) return text.status();
      if (auto s = gateway::MergeJsonText(*text, request); !s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("--data: ", s.message()));
      }
      continue;
    }
    if (auto s = SetPath(fields, request->GetDescriptor(), kv[0], kv[1]); !s.ok()) return s;
  }
  return gateway::MergeJsonObject(fields, request);
}

namespace {

// "string", "MessageType: text", "repeated InteractiveButton", ... with
// the values an enum field accepts and whether the field is required.
std::string Kind(const FieldDescriptor* f) {
  std::string kind = f->is_map()         ? "map (--name.KEY=VALUE)"
                     : f->message_type() ? f->message_type()->name()
                     : f->enum_type()    ? f->enum_type()->name()
                                         : f->type_name();
  if (f->is_repeated() && !f->is_map()) kind = absl::StrCat("repeated ", kind);
  if (f->enum_type() != nullptr) {
    const auto& only = f->options().GetRepeatedExtension(hotel::whatsapp::v1::accepts);
    std::vector<std::string> values;
    for (int i = 0; i < f->enum_type()->value_count(); ++i) {
      const auto* v = f->enum_type()->value(i);
      if (v->number() == 0) continue;
      if (!only.empty() && std::find(only.begin(), only.end(), v->name()) == only.end()) continue;
      values.push_back(*gateway::EnumSpelling::For(f->enum_type()).Name(v->number()));
    }
    absl::StrAppend(&kind, ": ", absl::StrJoin(values, " | "));
  }
  if (f->options().GetExtension(hotel::whatsapp::v1::required_field)) {
    absl::StrAppend(&kind, "  (required)");
  }
  return kind;
}

}  // namespace

std::string DescribeFields(const google::protobuf::Descriptor* type) {
  std::string out;
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    absl::StrAppend(&out, "  --", f->name(), "  ", Kind(f), "\n");
    if (f->message_type() != nullptr && !f->is_map() && !f->is_repeated() &&
        f->message_type()->file()->package() == type->file()->package()) {
      for (int j = 0; j < f->message_type()->field_count(); ++j) {
        const FieldDescriptor* g = f->message_type()->field(j);
        absl::StrAppend(&out, "  --", f->name(), ".", g->name(), "  ", Kind(g), "\n");
      }
    }
  }
  return out;
}

}  // namespace wa::cli
