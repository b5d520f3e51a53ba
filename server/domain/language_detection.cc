#include "server/domain/language_detection.h"

#include "cld2/public/compact_lang_det.h"

namespace CLD2 {
// Declared in CLD2's internal lang_script.h, exported by libcld2.
const char* LanguageCode(Language lang);
}  // namespace CLD2

namespace wa::domain {

std::string DetectLanguage(absl::string_view text) {
  if (text.empty()) return "";
  bool reliable = false;
  int valid_prefix = 0;
  CLD2::Language language = CLD2::DetectLanguageCheckUTF8(
      text.data(), static_cast<int>(text.size()), /*is_plain_text=*/true, &reliable, &valid_prefix);
  if (language == CLD2::UNKNOWN_LANGUAGE || language == CLD2::TG_UNKNOWN_LANGUAGE) return "";
  return CLD2::LanguageCode(language);
}

}  // namespace wa::domain
