#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wa::domain {

// A template text cut into literal text and {{variables}}.
struct TextPiece {
  bool variable = false;
  std::string text;  // the literal, or the variable's name ("1", "guest_name")
};

// Cuts `text` at its variables. A variable is {{digits}} or
// {{lowercase_name}} (letters, digits, '_', starting with a letter); any
// other use of "{{" or "}}" is refused, naming `field`.
absl::StatusOr<std::vector<TextPiece>> SplitTemplateText(absl::string_view text,
                                                         const std::string& field);

// The variable names of `pieces`, in order of first appearance.
std::vector<std::string> VariableNames(const std::vector<TextPiece>& pieces);

// Whether a variable name is positional ("1", "2", ...).
bool IsPositional(absl::string_view name);

}  // namespace wa::domain
