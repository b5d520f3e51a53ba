#include "server/domain/template_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/domain/errors.h"
#include "server/domain/template_text.h"
#include "server/domain/utf8.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;

absl::Status Broken(const std::string& field, const std::string& rule, std::string message) {
  return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT", std::move(message))
      .Detail("field", field)
      .Detail("rule", rule);
}

absl::Status TooLong(const std::string& field, const std::string& rule, absl::string_view text,
                     size_t max) {
  size_t length = Utf8Length(text);
  if (length <= max) return absl::OkStatus();
  return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT",
               absl::StrCat(field, " is ", length, " characters; WhatsApp allows ", max))
      .Detail("field", field)
      .Detail("rule", rule)
      .Detail("length", static_cast<double>(length))
      .Detail("max_length", static_cast<double>(max));
}

bool AllOf(absl::string_view s, bool (*ok)(unsigned char)) {
  return std::all_of(s.begin(), s.end(), [ok](char c) { return ok(static_cast<unsigned char>(c)); });
}

bool NameChar(unsigned char c) { return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_'; }
bool LabelChar(unsigned char c) { return NameChar(c) || c == '-'; }
bool Blank(absl::string_view s) { return absl::StripAsciiWhitespace(s).empty(); }

// en, pt_BR, zh_CN, es_419...
bool ValidLanguage(absl::string_view code) {
  size_t sep = code.find('_');
  absl::string_view lang = code.substr(0, sep);
  if (lang.size() < 2 || lang.size() > 3 || !AllOf(lang, absl::ascii_islower)) return false;
  if (sep == absl::string_view::npos) return true;
  absl::string_view region = code.substr(sep + 1);
  return region.size() >= 2 && region.size() <= 4 &&
         std::all_of(region.begin(), region.end(),
                     [](char c) { return absl::ascii_isupper(c) || absl::ascii_isdigit(c); });
}

absl::Status CheckIdentity(const v1::Template& t) {
  if (t.name().empty()) return Broken("name", "name_required", "name is required");
  if (t.name().size() > kMaxTemplateNameLength) {
    return TooLong("name", "name_length", t.name(), kMaxTemplateNameLength);
  }
  if (!AllOf(t.name(), NameChar)) {
    return Broken("name", "name_pattern",
                  "name may hold only lowercase letters, digits and '_' (Meta's ^[a-z0-9_]+$)");
  }
  if (!ValidLanguage(t.language())) {
    return Broken("language", "language_code",
                  absl::StrCat("language '", t.language(),
                               "' is not a WhatsApp locale code such as en, en_US or pt_BR"));
  }
  if (t.category() == v1::TEMPLATE_CATEGORY_UNSPECIFIED) {
    return Broken("category", "category_required",
                  "category must be UTILITY, MARKETING or AUTHENTICATION");
  }
  for (int i = 0; i < t.labels_size(); ++i) {
    const std::string& label = t.labels(i);
    if (label.empty() || label.size() > 64 || !AllOf(label, LabelChar)) {
      return Broken(absl::StrCat("labels[", i, "]"), "label_format",
                    "labels hold 1-64 lowercase letters, digits, '_' or '-'");
    }
  }
  return absl::OkStatus();
}

// Variables must not open or close the body, nor stand side by side with
// only spaces between them: Meta rejects both as INVALID_FORMAT.
absl::Status CheckPlacement(const std::vector<TextPiece>& pieces, const std::string& field) {
  auto first = std::find_if(pieces.begin(), pieces.end(),
                            [](const TextPiece& p) { return p.variable || !Blank(p.text); });
  auto last = std::find_if(pieces.rbegin(), pieces.rend(),
                           [](const TextPiece& p) { return p.variable || !Blank(p.text); });
  if ((first != pieces.end() && first->variable) || (last != pieces.rend() && last->variable)) {
    return Broken(field, "variable_at_edge", "the body may not start or end with a variable");
  }
  bool previous_variable = false;
  for (const TextPiece& p : pieces) {
    if (p.variable && previous_variable) {
      return Broken(field, "adjacent_variables",
                    "variables must be separated by text, not side by side");
    }
    if (p.variable || !Blank(p.text)) previous_variable = p.variable;
  }
  return absl::OkStatus();
}

// Positional variables run {{1}}, {{2}}, ... in order of first appearance.
absl::Status CheckSequence(const std::vector<std::string>& names, const std::string& field) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (!IsPositional(names[i])) continue;
    if (names[i] != std::to_string(i + 1)) {
      return Broken(field, "variable_sequence",
                    absl::StrCat("positional variables must run {{1}}, {{2}}, ... in order; "
                                 "found {{", names[i], "}} at place ", i + 1));
    }
  }
  return absl::OkStatus();
}

struct Scanned {
  std::vector<std::string> header;
  std::vector<std::string> body;
};

absl::Status CheckHeader(const v1::TemplateComponent& c, const std::string& field,
                         Scanned& scanned) {
  if (c.format() != v1::HEADER_FORMAT_TEXT && c.format() != v1::HEADER_FORMAT_UNSPECIFIED) {
    if (!c.text().empty()) {
      return Broken(field + ".text", "header_media_text", "a media header has no text");
    }
    return absl::OkStatus();
  }
  if (Blank(c.text())) {
    return Broken(field + ".text", "header_text_required", "a TEXT header needs text");
  }
  if (auto s = TooLong(field + ".text", "header_length", c.text(), kMaxTemplateHeaderLength);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::vector<TextPiece>> pieces = SplitTemplateText(c.text(), field + ".text");
  if (!pieces.ok()) return pieces.status();
  scanned.header = VariableNames(*pieces);
  int uses = std::count_if(pieces->begin(), pieces->end(), [](auto& p) { return p.variable; });
  if (uses > 1) {
    return Broken(field + ".text", "header_variables", "a header may hold at most one variable");
  }
  return CheckSequence(scanned.header, field + ".text");
}

absl::Status CheckBody(const v1::TemplateComponent& c, const std::string& field,
                       Scanned& scanned) {
  if (Blank(c.text())) return Broken(field + ".text", "body_required", "the body needs text");
  if (auto s = TooLong(field + ".text", "body_length", c.text(), kMaxTemplateBodyLength);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::vector<TextPiece>> pieces = SplitTemplateText(c.text(), field + ".text");
  if (!pieces.ok()) return pieces.status();
  if (auto s = CheckPlacement(*pieces, field + ".text"); !s.ok()) return s;
  scanned.body = VariableNames(*pieces);
  return CheckSequence(scanned.body, field + ".text");
}

absl::Status CheckFooter(const v1::TemplateComponent& c, const std::string& field) {
  if (Blank(c.text())) return Broken(field + ".text", "footer_required", "a footer needs text");
  if (auto s = TooLong(field + ".text", "footer_length", c.text(), kMaxTemplateFooterLength);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::vector<TextPiece>> pieces = SplitTemplateText(c.text(), field + ".text");
  if (!pieces.ok()) return pieces.status();
  if (!VariableNames(*pieces).empty()) {
    return Broken(field + ".text", "footer_variables", "a footer may not hold variables");
  }
  return absl::OkStatus();
}

absl::Status CheckButton(const v1::TemplateButton& b, const std::string& field) {
  if (Blank(b.text())) return Broken(field + ".text", "button_text_required", "a button needs text");
  if (auto s = TooLong(field + ".text", "button_text_length", b.text(), kMaxTemplateButtonText);
      !s.ok()) {
    return s;
  }
  if (b.type() == "URL") {
    if (!absl::StartsWith(b.url(), "https://") && !absl::StartsWith(b.url(), "http://")) {
      return Broken(field + ".url", "button_url", "a URL button needs an http(s) url");
    }
    if (absl::StrContains(b.url(), "{{")) {
      return Broken(field + ".url", "button_url_variable",
                    "dynamic URL buttons are not supported yet; use a fixed url");
    }
    return TooLong(field + ".url", "button_url_length", b.url(), kMaxTemplateUrlLength);
  }
  if (b.type() == "PHONE_NUMBER") {
    if (b.phone_number().size() < 8 || b.phone_number().size() > 20 ||
        b.phone_number()[0] != '+' || !AllOf(b.phone_number().substr(1), absl::ascii_isdigit)) {
      return Broken(field + ".phone_number", "button_phone",
                    "a PHONE_NUMBER button needs a phone number such as +14155550123");
    }
    return absl::OkStatus();
  }
  if (b.type() != "QUICK_REPLY") {
    return Broken(field + ".type", "button_type",
                  "button type must be QUICK_REPLY, URL or PHONE_NUMBER");
  }
  return absl::OkStatus();
}

absl::Status CheckButtons(const v1::TemplateComponent& c, const std::string& field) {
  const auto& buttons = c.buttons();
  if (buttons.empty() || static_cast<size_t>(buttons.size()) > kMaxTemplateButtons) {
    return Broken(field + ".buttons", "buttons_count", "a template has 1 to 10 buttons");
  }
  size_t urls = 0, phones = 0, groups = 0;
  for (int i = 0; i < buttons.size(); ++i) {
    if (auto s = CheckButton(buttons[i], absl::StrCat(field, ".buttons[", i, "]")); !s.ok()) {
      return s;
    }
    urls += buttons[i].type() == "URL";
    phones += buttons[i].type() == "PHONE_NUMBER";
    bool quick = buttons[i].type() == "QUICK_REPLY";
    if (i == 0 || quick != (buttons[i - 1].type() == "QUICK_REPLY")) ++groups;
  }
  if (urls > kMaxTemplateUrlButtons) {
    return Broken(field + ".buttons", "url_buttons_count", "a template has at most 2 URL buttons");
  }
  if (phones > kMaxTemplatePhoneButtons) {
    return Broken(field + ".buttons", "phone_buttons_count",
                  "a template has at most 1 PHONE_NUMBER button");
  }
  if (groups > 2) {
    return Broken(field + ".buttons", "quick_replies_grouped",
                  "quick replies must be grouped together, apart from the other buttons");
  }
  return absl::OkStatus();
}

absl::Status CheckComponents(const v1::Template& t, Scanned& scanned) {
  std::set<v1::ComponentType> seen;
  for (int i = 0; i < t.components_size(); ++i) {
    const v1::TemplateComponent& c = t.components(i);
    std::string field = absl::StrCat("components[", i, "]");
    if (!seen.insert(c.type()).second) {
      return Broken(field + ".type", "component_repeated",
                    "a template has at most one HEADER, BODY, FOOTER and BUTTONS each");
    }
    absl::Status s;
    switch (c.type()) {
      case v1::COMPONENT_TYPE_HEADER:
        s = CheckHeader(c, field, scanned);
        break;
      case v1::COMPONENT_TYPE_BODY:
        s = CheckBody(c, field, scanned);
        break;
      case v1::COMPONENT_TYPE_FOOTER:
        s = CheckFooter(c, field);
        break;
      case v1::COMPONENT_TYPE_BUTTONS:
        s = CheckButtons(c, field);
        break;
      default:
        s = Broken(field + ".type", "component_type",
                   "component type must be HEADER, BODY, FOOTER or BUTTONS");
    }
    if (!s.ok()) return s;
  }
  if (!seen.count(v1::COMPONENT_TYPE_BODY)) {
    return Broken("components", "body_required", "a template needs a BODY component");
  }
  return absl::OkStatus();
}

// One format per template: all variables positional or all named.
absl::StatusOr<bool> NamedFormat(const Scanned& scanned) {
  int positional = 0, named = 0;
  for (const auto* names : {&scanned.header, &scanned.body}) {
    for (const std::string& n : *names) (IsPositional(n) ? positional : named)++;
  }
  if (positional > 0 && named > 0) {
    return Broken("components", "parameter_format_mixed",
                  "a template uses positional {{1}} or named {{guest_name}} variables, not both");
  }
  return named > 0;
}

absl::StatusOr<std::vector<std::string>> ParameterNames(const Scanned& scanned, bool named,
                                                        const std::vector<std::string>& given) {
  std::vector<std::string> names;
  if (named) {
    if (!given.empty()) {
      return Broken("parameter_names", "parameter_names_named",
                    "parameter_names is for positional templates; named ones name themselves");
    }
    names = scanned.header;
    for (const std::string& n : scanned.body) {
      if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
    }
    return names;
  }
  size_t count = scanned.header.size() + scanned.body.size();
  if (given.empty()) {
    if (!scanned.header.empty()) names.push_back("header_1");
    names.insert(names.end(), scanned.body.begin(), scanned.body.end());
    return names;
  }
  if (given.size() != count) {
    return Broken("parameter_names", "parameter_names_count",
                  absl::StrCat("parameter_names has ", given.size(), " names for ", count,
                               " variables (the header's first)"));
  }
  std::set<std::string> unique;
  for (size_t i = 0; i < given.size(); ++i) {
    if (given[i].empty() || !AllOf(given[i], NameChar) || !unique.insert(given[i]).second) {
      return Broken(absl::StrCat("parameter_names[", i, "]"), "parameter_name",
                    "parameter names are unique and hold lowercase letters, digits and '_'");
    }
  }
  return given;
}

}  // namespace

const v1::TemplateComponent* FindComponent(const v1::Template& t, v1::ComponentType type) {
  for (const v1::TemplateComponent& c : t.components()) {
    if (c.type() == type) return &c;
  }
  return nullptr;
}

absl::StatusOr<v1::Template> CheckTemplate(v1::Template draft,
                                           const std::vector<std::string>& positional_names) {
  if (auto s = CheckIdentity(draft); !s.ok()) return s;
  Scanned scanned;
  if (auto s = CheckComponents(draft, scanned); !s.ok()) return s;
  absl::StatusOr<bool> named = NamedFormat(scanned);
  if (!named.ok()) return named.status();
  absl::StatusOr<std::vector<std::string>> names =
      ParameterNames(scanned, *named, positional_names);
  if (!names.ok()) return names.status();
  for (const auto& [key, value] : draft.example()) {
    if (std::find(names->begin(), names->end(), key) == names->end()) {
      return Broken(absl::StrCat("example.", key), "example_unknown_parameter",
                    absl::StrCat("example names '", key, "', which is not a parameter"));
    }
  }
  for (auto& c : *draft.mutable_components()) {
    if (c.type() == v1::COMPONENT_TYPE_HEADER && c.format() == v1::HEADER_FORMAT_UNSPECIFIED) {
      c.set_format(v1::HEADER_FORMAT_TEXT);
    }
  }
  draft.set_parameter_format(*named ? "NAMED" : "POSITIONAL");
  draft.clear_parameters();
  for (const std::string& n : *names) draft.add_parameters(n);
  return draft;
}

}  // namespace wa::domain
