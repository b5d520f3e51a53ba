#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace wa::domain {

// The words of a text for matching, in any language: split at every
// character that is not a letter or digit, with case folded and accents
// removed (ICU: canonical decomposition, combining marks dropped, full case
// folding), so "CAFÉ" and "cafe" are one word and "Handtücher" is
// "handtucher". Invalid UTF-8 is read with replacement characters.
std::vector<std::string> FoldedWords(absl::string_view text);

// Whether `phrase` (words as FoldedWords gives them) occurs in `words` as
// consecutive whole words.
bool ContainsPhrase(const std::vector<std::string>& words, const std::vector<std::string>& phrase);

}  // namespace wa::domain
