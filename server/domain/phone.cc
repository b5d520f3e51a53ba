#include "server/domain/phone.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/domain/errors.h"

namespace wa::domain {

absl::StatusOr<std::string> NormalizePhone(absl::string_view raw) {
  std::string digits;
  bool plus = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') continue;
    if (c == '+' && !plus && digits.empty()) {
      plus = true;
      continue;
    }
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return InvalidPhoneNumber(std::string(raw));
    }
    digits += c;
  }
  if (!plus || digits.size() < 8 || digits.size() > 15 || digits[0] == '0') {
    return InvalidPhoneNumber(std::string(raw));
  }
  return absl::StrCat("+", digits);
}

std::string ToWaId(absl::string_view e164) { return std::string(absl::StripPrefix(e164, "+")); }

absl::StatusOr<std::string> FromWaId(absl::string_view wa_id) {
  return NormalizePhone(absl::StrCat("+", wa_id));
}

}  // namespace wa::domain
