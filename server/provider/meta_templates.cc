#include "server/provider/meta_templates.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/domain/template_text.h"

namespace wa::provider {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using json = nlohmann::json;

std::string Upper(const std::string& enum_name, absl::string_view prefix) {
  return enum_name.substr(prefix.size());
}

// Meta's example block for one text: header_text / body_text for
// positional variables, *_named_params for named ones. Null when an
// example value is missing (Meta then asks for one in its review).
json Example(const v1::Template& t, const std::string& text, bool header, bool named,
             const std::vector<std::string>& names) {
  absl::StatusOr<std::vector<domain::TextPiece>> pieces = domain::SplitTemplateText(text, "");
  if (!pieces.ok()) return nullptr;
  std::vector<std::string> variables = domain::VariableNames(*pieces);
  if (variables.empty()) return nullptr;
  json values = json::array();
  for (size_t i = 0; i < variables.size(); ++i) {
    if (!named && i >= names.size()) return nullptr;
    const std::string& name = named ? variables[i] : names[i];
    auto it = t.example().find(name);
    if (it == t.example().end()) return nullptr;
    if (named) {
      values.push_back({{"param_name", variables[i]}, {"example", it->second}});
    } else {
      values.push_back(it->second);
    }
  }
  const char* key = header ? (named ? "header_text_named_params" : "header_text")
                           : (named ? "body_text_named_params" : "body_text");
  // Positional body examples are one row: [["v1", "v2"]].
  if (!header && !named) values = json::array({values});
  return json{{key, values}};
}

// `names`: the parameter names of this component's positional variables.
json Component(const v1::Template& t, const v1::TemplateComponent& c, bool named,
               const std::vector<std::string>& names) {
  json out{{"type", Upper(v1::ComponentType_Name(c.type()), "COMPONENT_TYPE_")}};
  if (c.type() == v1::COMPONENT_TYPE_HEADER) {
    out["format"] = Upper(v1::HeaderFormat_Name(c.format()), "HEADER_FORMAT_");
  }
  if (!c.text().empty()) out["text"] = c.text();
  if (c.type() == v1::COMPONENT_TYPE_HEADER || c.type() == v1::COMPONENT_TYPE_BODY) {
    json example = Example(t, c.text(), c.type() == v1::COMPONENT_TYPE_HEADER, named, names);
    if (!example.is_null()) out["example"] = example;
  }
  for (const v1::TemplateButton& b : c.buttons()) {
    json button{{"type", b.type()}, {"text", b.text()}};
    if (!b.url().empty()) button["url"] = b.url();
    if (!b.phone_number().empty()) button["phone_number"] = b.phone_number();
    out["buttons"].push_back(button);
  }
  return out;
}

v1::TemplateComponent ParseComponent(const json& c) {
  v1::TemplateComponent out;
  v1::ComponentType type;
  std::string type_word = absl::AsciiStrToUpper(c.value("type", ""));
  if (v1::ComponentType_Parse(absl::StrCat("COMPONENT_TYPE_", type_word), &type)) {
    out.set_type(type);
  }
  v1::HeaderFormat format;
  if (v1::HeaderFormat_Parse(absl::StrCat("HEADER_FORMAT_", c.value("format", "")), &format)) {
    out.set_format(format);
  }
  if (c.contains("text") && c["text"].is_string()) out.set_text(c["text"].get<std::string>());
  if (c.contains("buttons") && c["buttons"].is_array()) {
    for (const json& b : c["buttons"]) {
      if (!b.is_object()) continue;
      v1::TemplateButton* button = out.add_buttons();
      button->set_type(b.value("type", ""));
      button->set_text(b.value("text", ""));
      button->set_url(b.value("url", ""));
      button->set_phone_number(b.value("phone_number", ""));
    }
  }
  return out;
}

std::string IdOf(const json& t) {
  if (!t.contains("id")) return "";
  return t["id"].is_string() ? t["id"].get<std::string>() : t["id"].dump();
}

}  // namespace

json TemplateCreationPayload(const v1::Template& t) {
  bool named = t.parameter_format() == "NAMED";
  // A positional template lists the header's variable (if any) first.
  std::vector<std::string> body_names(t.parameters().begin(), t.parameters().end());
  std::vector<std::string> header_names;
  for (const v1::TemplateComponent& c : t.components()) {
    if (c.type() == v1::COMPONENT_TYPE_HEADER && c.text().find("{{") != std::string::npos &&
        !body_names.empty()) {
      header_names.push_back(body_names.front());
      body_names.erase(body_names.begin());
    }
  }
  json components = json::array();
  for (const v1::TemplateComponent& c : t.components()) {
    bool header = c.type() == v1::COMPONENT_TYPE_HEADER;
    components.push_back(Component(t, c, named, header ? header_names : body_names));
  }
  return json{{"name", t.name()},
              {"language", t.language()},
              {"category", Upper(v1::TemplateCategory_Name(t.category()), "TEMPLATE_CATEGORY_")},
              {"parameter_format", named ? "NAMED" : "POSITIONAL"},
              {"components", components}};
}

absl::StatusOr<TemplatePage> ParseTemplatePage(const std::string& body) {
  json page = json::parse(body, nullptr, false);
  if (!page.is_object() || !page.contains("data") || !page["data"].is_array()) {
    return absl::UnavailableError(
        absl::StrCat("unexpected template list from Graph API: ", body.substr(0, 200)));
  }
  TemplatePage out;
  for (const json& item : page["data"]) {
    if (!item.is_object() || !item.contains("name") || !item.contains("language")) continue;
    v1::Template t;
    t.set_name(item.value("name", ""));
    t.set_language(item.value("language", ""));
    t.set_category(TemplateCategoryFromMeta(item.value("category", "")));
    t.set_status(TemplateStatusFromMeta(item.value("status", "")));
    std::string reason = item.value("rejected_reason", "");
    if (reason != "NONE") t.set_rejection_reason(reason);
    t.set_provider_template_id(IdOf(item));
    if (item.contains("components") && item["components"].is_array()) {
      for (const json& c : item["components"]) {
        if (c.is_object()) *t.add_components() = ParseComponent(c);
      }
    }
    out.templates.push_back(std::move(t));
  }
  if (page.contains("paging") && page["paging"].is_object()) {
    out.next_url = page["paging"].value("next", "");
  }
  return out;
}

v1::TemplateStatus TemplateStatusFromMeta(absl::string_view word) {
  std::string w = absl::AsciiStrToUpper(word);
  if (w == "APPROVED" || w == "REINSTATED" || w == "UNARCHIVED") {
    return v1::TEMPLATE_STATUS_APPROVED;
  }
  if (w == "PENDING" || w == "IN_APPEAL") return v1::TEMPLATE_STATUS_PENDING;
  if (w == "REJECTED") return v1::TEMPLATE_STATUS_REJECTED;
  if (w == "PAUSED") return v1::TEMPLATE_STATUS_PAUSED;
  if (w == "DISABLED" || w == "DELETED" || w == "PENDING_DELETION" || w == "ARCHIVED" ||
      w == "LIMIT_EXCEEDED" || w == "LOCKED") {
    return v1::TEMPLATE_STATUS_DISABLED;
  }
  return v1::TEMPLATE_STATUS_UNSPECIFIED;
}

v1::TemplateCategory TemplateCategoryFromMeta(absl::string_view word) {
  v1::TemplateCategory category = v1::TEMPLATE_CATEGORY_UNSPECIFIED;
  v1::TemplateCategory_Parse(absl::StrCat("TEMPLATE_CATEGORY_", absl::AsciiStrToUpper(word)),
                             &category);
  return category;
}

}  // namespace wa::provider
