#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace wa::domain {

// The language of a guest's text (CLD2), as an ISO 639-1 code ("es"), or
// "" when CLD2 is not sure (short or mixed texts often are not).
std::string DetectLanguage(absl::string_view text);

}  // namespace wa::domain
