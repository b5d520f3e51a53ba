#include "server/domain/interactive_validation.h"

#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/domain/errors.h"
#include "server/domain/utf8.h"

namespace wa::domain {
namespace {

namespace v1 = ::hotel::whatsapp::v1;
using Limits = InteractiveLimits;

absl::Status Invalid(const std::string& field, const std::string& problem) {
  return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT",
               absl::StrCat(field, " ", problem))
      .Detail("field", field);
}

absl::Status TooLong(const std::string& field, size_t length, size_t max) {
  return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT",
               absl::StrCat(field, " is longer than WhatsApp's ", max, " characters"))
      .Detail("field", field)
      .Detail("length", static_cast<double>(length))
      .Detail("max_length", static_cast<double>(max));
}

bool Blank(const std::string& text) { return absl::StripAsciiWhitespace(text).empty(); }

// A text that may be empty unless `required`, and at most `max` characters.
absl::Status CheckText(const std::string& field, const std::string& text, size_t max,
                       bool required) {
  if (required && Blank(text)) return Invalid(field, "is required");
  if (size_t length = Utf8Length(text); length > max) return TooLong(field, length, max);
  return absl::OkStatus();
}

absl::Status CheckCount(const std::string& field, int count, int min, int max,
                        const std::string& what) {
  if (count >= min && count <= max) return absl::OkStatus();
  return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT",
               absl::StrCat(field, " must hold ", min, " to ", max, " ", what, ", not ", count))
      .Detail("field", field)
      .Detail("count", static_cast<double>(count))
      .Detail("min", static_cast<double>(min))
      .Detail("max", static_cast<double>(max));
}

// Meta refuses ids with leading or trailing spaces.
absl::Status CheckId(const std::string& field, const std::string& id, size_t max) {
  if (absl::Status s = CheckText(field, id, max, /*required=*/true); !s.ok()) return s;
  if (absl::StripAsciiWhitespace(id).size() != id.size()) {
    return Invalid(field, "must not start or end with spaces");
  }
  return absl::OkStatus();
}

absl::Status CheckUnique(std::set<std::string>& seen, const std::string& field,
                         const std::string& value) {
  if (seen.insert(value).second) return absl::OkStatus();
  return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT",
               absl::StrCat(field, " '", value, "' is used twice; it must be unique"))
      .Detail("field", field);
}

absl::Status ValidateButtons(const v1::InteractiveContent& content) {
  if (!content.button_text().empty()) {
    return Invalid("content.button_text", "is only for list messages");
  }
  if (content.sections_size() > 0) return Invalid("content.sections", "is only for list messages");
  if (auto s =
          CheckCount("content.buttons", content.buttons_size(), 1, Limits::kMaxButtons, "buttons");
      !s.ok()) {
    return s;
  }
  std::set<std::string> ids;
  std::set<std::string> titles;
  for (int i = 0; i < content.buttons_size(); ++i) {
    const v1::InteractiveButton& button = content.buttons(i);
    const std::string prefix = absl::StrCat("content.buttons[", i, "]");
    if (auto s = CheckId(prefix + ".id", button.id(), Limits::kButtonId); !s.ok()) return s;
    if (auto s = CheckUnique(ids, prefix + ".id", button.id()); !s.ok()) return s;
    if (auto s = CheckText(prefix + ".title", button.title(), Limits::kButtonTitle, true);
        !s.ok()) {
      return s;
    }
    if (auto s = CheckUnique(titles, prefix + ".title", button.title()); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status ValidateList(const v1::InteractiveContent& content) {
  if (content.buttons_size() > 0) return Invalid("content.buttons", "is only for buttons messages");
  if (auto s = CheckText("content.button_text", content.button_text(), Limits::kListButtonText,
                         /*required=*/true);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckCount("content.sections", content.sections_size(), 1, Limits::kMaxSections,
                          "sections");
      !s.ok()) {
    return s;
  }
  // Meta needs a title to tell sections apart only when there are several.
  const bool titles_required = content.sections_size() > 1;
  int total_rows = 0;
  std::set<std::string> row_ids;
  for (int i = 0; i < content.sections_size(); ++i) {
    const v1::InteractiveSection& section = content.sections(i);
    const std::string prefix = absl::StrCat("content.sections[", i, "]");
    if (auto s =
            CheckText(prefix + ".title", section.title(), Limits::kSectionTitle, titles_required);
        !s.ok()) {
      return s;
    }
    if (section.rows_size() == 0) return Invalid(prefix + ".rows", "must hold at least one row");
    for (int j = 0; j < section.rows_size(); ++j) {
      const v1::InteractiveRow& row = section.rows(j);
      const std::string row_prefix = absl::StrCat(prefix, ".rows[", j, "]");
      if (++total_rows > Limits::kMaxRows) {
        return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT",
                     absl::StrCat(row_prefix, " is one row too many: a list holds at most ",
                                  Limits::kMaxRows, " rows across all sections"))
            .Detail("field", row_prefix)
            .Detail("max", static_cast<double>(Limits::kMaxRows));
      }
      if (auto s = CheckId(row_prefix + ".id", row.id(), Limits::kRowId); !s.ok()) return s;
      if (auto s = CheckUnique(row_ids, row_prefix + ".id", row.id()); !s.ok()) return s;
      if (auto s = CheckText(row_prefix + ".title", row.title(), Limits::kRowTitle, true);
          !s.ok()) {
        return s;
      }
      if (auto s = CheckText(row_prefix + ".description", row.description(),
                             Limits::kRowDescription, false);
          !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateInteractive(v1::InteractiveType type, const v1::InteractiveContent& content) {
  if (type != v1::INTERACTIVE_TYPE_BUTTONS && type != v1::INTERACTIVE_TYPE_LIST) {
    return Invalid("interactive_type", "must be buttons or list");
  }
  if (auto s = CheckText("content.text", content.text(), Limits::kBody, /*required=*/true);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckText("content.header", content.header(), Limits::kHeader, false); !s.ok()) {
    return s;
  }
  if (auto s = CheckText("content.footer", content.footer(), Limits::kFooter, false); !s.ok()) {
    return s;
  }
  return type == v1::INTERACTIVE_TYPE_BUTTONS ? ValidateButtons(content) : ValidateList(content);
}

}  // namespace wa::domain
