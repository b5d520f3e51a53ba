#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wa::domain {

// Normalizes a guest phone number to E.164: '+' then 8 to 15 digits, the
// first not 0, after removing spaces, dashes, dots and parentheses.
// Fails with INVALID_PHONE_NUMBER.
absl::StatusOr<std::string> NormalizePhone(absl::string_view raw);

// WhatsApp's wa_id (digits, no '+') for an E.164 number, and back.
std::string ToWaId(absl::string_view e164);
absl::StatusOr<std::string> FromWaId(absl::string_view wa_id);

}  // namespace wa::domain
