#include "server/domain/template_rendering.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/domain/errors.h"
#include "server/domain/template_rules.h"
#include "server/domain/template_text.h"
#include "server/domain/utf8.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

absl::Status BadParameter(const std::string& name, const std::string& rule, std::string message,
                          const v1::Template& t) {
  return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT", std::move(message))
      .Detail("field", absl::StrCat("parameters.", name))
      .Detail("parameter", name)
      .Detail("rule", rule)
      .Detail("template_name", t.name())
      .Detail("expected_parameters", std::vector<std::string>(t.parameters().begin(),
                                                              t.parameters().end()));
}

// Meta refuses parameter text with newlines or tabs, or more than four
// spaces in a row (error 132018).
bool MetaAcceptsText(const std::string& value) {
  return value.find_first_of("\n\t") == std::string::npos &&
         !absl::StrContains(value, "     ");
}

absl::Status CheckValues(const v1::Template& t, const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values) {
    if (std::find(t.parameters().begin(), t.parameters().end(), name) == t.parameters().end()) {
      return BadParameter(name, "unknown_parameter",
                          absl::StrCat("template ", t.name(), " has no parameter '", name, "'"),
                          t);
    }
    if (value.empty() || !MetaAcceptsText(value)) {
      return BadParameter(name, "parameter_text",
                          absl::StrCat("parameter '", name,
                                       "' must be non-empty text without newlines, tabs or "
                                       "more than four spaces in a row"),
                          t);
    }
  }
  for (const std::string& name : t.parameters()) {
    if (!values.count(name)) {
      return BadParameter(name, "missing_parameter",
                          absl::StrCat("template ", t.name(), " needs parameter '", name, "'"),
                          t);
    }
  }
  return absl::OkStatus();
}

// Renders one component's text. `name_of` maps a variable to the
// parameter name it stands for; each distinct variable is appended once
// to `out` in order of appearance (Meta's parameter order).
template <typename NameOf>
absl::StatusOr<std::string> Fill(const std::string& text, const std::string& field,
                                 const std::map<std::string, std::string>& values, bool named,
                                 NameOf name_of,
                                 google::protobuf::RepeatedPtrField<v1::TemplateParameterValue>* out) {
  absl::StatusOr<std::vector<TextPiece>> pieces = SplitTemplateText(text, field);
  if (!pieces.ok()) return pieces.status();
  std::string rendered;
  std::vector<std::string> added;
  for (const TextPiece& p : *pieces) {
    if (!p.variable) {
      rendered += p.text;
      continue;
    }
    const std::string& value = values.at(name_of(p.text));
    rendered += value;
    if (std::find(added.begin(), added.end(), p.text) != added.end()) continue;
    added.push_back(p.text);
    v1::TemplateParameterValue* param = out->Add();
    if (named) param->set_name(p.text);
    param->set_text(value);
  }
  return rendered;
}

absl::Status SetHeaderMedia(const v1::TemplateComponent& header, const std::string& link,
                            v1::TemplateContent& content) {
  v1::MediaType type;
  switch (header.format()) {
    case v1::HEADER_FORMAT_IMAGE:
      type = v1::MEDIA_TYPE_IMAGE;
      break;
    case v1::HEADER_FORMAT_VIDEO:
      type = v1::MEDIA_TYPE_VIDEO;
      break;
    case v1::HEADER_FORMAT_DOCUMENT:
      type = v1::MEDIA_TYPE_DOCUMENT;
      break;
    default:
      return InvalidArgument("location headers are not supported for sends", "template_name");
  }
  if (!absl::StartsWith(link, "https://")) {
    return InvalidArgument("this template's header is media: header_media_link must be https",
                           "header_media_link");
  }
  content.mutable_header_media()->set_media_type(type);
  content.mutable_header_media()->set_link(link);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RenderedTemplate> RenderTemplate(const v1::Template& t,
                                                const std::map<std::string, std::string>& values,
                                                const std::string& header_media_link) {
  if (auto s = CheckValues(t, values); !s.ok()) return s;
  bool named = t.parameter_format() == "NAMED";
  const v1::TemplateComponent* header = FindComponent(t, v1::COMPONENT_TYPE_HEADER);
  bool header_variable = false;
  RenderedTemplate r;
  r.content.set_name(t.name());
  r.content.set_language(t.language());
  r.content.set_named_parameters(named);
  r.content.set_category(t.category());
  std::vector<std::string> shown;
  if (header != nullptr && header->format() == v1::HEADER_FORMAT_TEXT) {
    // A positional header's one variable is the template's first parameter.
    auto header_name = [&](const std::string& v) { return named ? v : t.parameters(0); };
    absl::StatusOr<std::string> text = Fill(header->text(), "header", values, named, header_name,
                                            r.content.mutable_header_parameters());
    if (!text.ok()) return text.status();
    header_variable = r.content.header_parameters_size() > 0;
    shown.push_back(*text);
  } else if (header != nullptr) {
    if (auto s = SetHeaderMedia(*header, header_media_link, r.content); !s.ok()) return s;
  }
  if (const v1::TemplateComponent* body = FindComponent(t, v1::COMPONENT_TYPE_BODY)) {
    int offset = header_variable ? 1 : 0;
    auto body_name = [&](const std::string& v) {
      return named ? v : t.parameters(offset + std::stoi(v) - 1);
    };
    absl::StatusOr<std::string> text = Fill(body->text(), "body", values, named, body_name,
                                            r.content.mutable_body_parameters());
    if (!text.ok()) return text.status();
    if (Utf8Length(*text) > kMaxTemplateBodyLength) {
      return InvalidArgument(
          absl::StrCat("the filled-in body is ", Utf8Length(*text),
                       " characters; WhatsApp allows 1024 (error 132005)"),
          "parameters");
    }
    shown.push_back(*text);
  }
  if (const v1::TemplateComponent* footer = FindComponent(t, v1::COMPONENT_TYPE_FOOTER)) {
    shown.push_back(footer->text());
  }
  r.text = absl::StrJoin(shown, "\n\n");
  return r;
}

}  // namespace wa::domain
