#include "server/domain/template_text.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/domain/errors.h"

namespace wa::domain {
namespace {

bool ValidName(absl::string_view name) {
  if (name.empty()) return false;
  if (IsPositional(name)) return name[0] != '0';
  if (!absl::ascii_islower(name[0])) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_';
  });
}

absl::Status Malformed(const std::string& field, absl::string_view why) {
  return Error(absl::StatusCode::kInvalidArgument, "INVALID_ARGUMENT",
               absl::StrCat(field, ": ", why))
      .Detail("field", field)
      .Detail("rule", "variable_syntax");
}

}  // namespace

bool IsPositional(absl::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), absl::ascii_isdigit);
}

absl::StatusOr<std::vector<TextPiece>> SplitTemplateText(absl::string_view text,
                                                         const std::string& field) {
  std::vector<TextPiece> pieces;
  while (!text.empty()) {
    size_t open = text.find("{{");
    size_t stray_close = text.substr(0, open).find("}}");
    if (stray_close != absl::string_view::npos) return Malformed(field, "'}}' without '{{'");
    if (open == absl::string_view::npos) {
      pieces.push_back({false, std::string(text)});
      break;
    }
    if (open > 0) pieces.push_back({false, std::string(text.substr(0, open))});
    size_t close = text.find("}}", open + 2);
    if (close == absl::string_view::npos) return Malformed(field, "'{{' without '}}'");
    absl::string_view name = text.substr(open + 2, close - open - 2);
    if (!ValidName(name)) {
      return Malformed(field,
                       absl::StrCat("'{{", name,
                                    "}}' is not a variable: use {{1}}, {{2}}, ... or lowercase "
                                    "names such as {{guest_name}}"));
    }
    pieces.push_back({true, std::string(name)});
    text.remove_prefix(close + 2);
  }
  return pieces;
}

std::vector<std::string> VariableNames(const std::vector<TextPiece>& pieces) {
  std::vector<std::string> names;
  for (const TextPiece& p : pieces) {
    if (p.variable && std::find(names.begin(), names.end(), p.text) == names.end()) {
      names.push_back(p.text);
    }
  }
  return names;
}

}  // namespace wa::domain
