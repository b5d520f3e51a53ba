// Fuzzes the domain's text rules on arbitrary bytes: phone normalization,
// wa_id conversion, UTF-8 character counting and template text splitting.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "server/domain/phone.h"
#include "server/domain/template_text.h"
#include "server/domain/utf8.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using namespace wa::domain;  // NOLINT: the units under test

bool IsE164(const std::string& phone) {
  if (phone.size() < 9 || phone.size() > 16 || phone[0] != '+' || phone[1] == '0') return false;
  for (size_t i = 1; i < phone.size(); ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(phone[i]))) return false;
  }
  return true;
}

void CheckPhone(absl::string_view raw) {
  absl::StatusOr<std::string> phone = NormalizePhone(raw);
  if (!phone.ok()) return;
  WA_FUZZ_CHECK(IsE164(*phone));
  // Normalizing is idempotent, and the wa_id form converts back.
  absl::StatusOr<std::string> again = NormalizePhone(*phone);
  WA_FUZZ_CHECK(again.ok() && *again == *phone);
  absl::StatusOr<std::string> back = FromWaId(ToWaId(*phone));
  WA_FUZZ_CHECK(back.ok() && *back == *phone);
}

// Split pieces, written back, give the text again.
void CheckTemplateText(absl::string_view text) {
  absl::StatusOr<std::vector<TextPiece>> pieces = SplitTemplateText(text, "body");
  if (!pieces.ok()) return;
  std::string joined;
  for (const TextPiece& p : *pieces) joined += p.variable ? "{{" + p.text + "}}" : p.text;
  WA_FUZZ_CHECK(joined == text);
  for (const std::string& name : VariableNames(*pieces)) WA_FUZZ_CHECK(!name.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text = wa::fuzz::AsText(data, size);
  CheckPhone(text);
  (void)FromWaId(text);
  WA_FUZZ_CHECK(Utf8Length(text) <= text.size());
  CheckTemplateText(text);
  return 0;
}
