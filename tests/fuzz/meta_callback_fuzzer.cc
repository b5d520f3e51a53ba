// Fuzzes what Meta's webhook POST brings in: the notification parser over
// the raw body, and the X-Hub-Signature-256 check over body and header.
// Input: the body; its first line doubles as a signature header to check.
#include <cstddef>
#include <cstdint>
#include <string>

#include "server/provider/meta_callback_parser.h"
#include "server/provider/meta_callback_routes.h"
#include "server/provider/meta_signature.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view body = wa::fuzz::AsText(data, size);
  absl::StatusOr<wa::provider::MetaNotification> parsed = wa::provider::ParseMetaNotification(body);
  if (parsed.ok()) {
    WA_FUZZ_CHECK(parsed->skipped == static_cast<int>(parsed->skip_reasons.size()));
    // The part kept for one number (parked until a property owns it) is
    // Meta's shape again, and holds that number's messages only.
    for (const wa::provider::MetaInbound& m : parsed->messages) {
      absl::StatusOr<wa::provider::MetaNotification> part = wa::provider::ParseMetaNotification(
          wa::provider::NotificationPart(body, m.phone_number_id));
      WA_FUZZ_CHECK(part.ok() && !part->messages.empty());
      for (const wa::provider::MetaInbound& kept : part->messages) {
        WA_FUZZ_CHECK(kept.phone_number_id == m.phone_number_id);
      }
    }
  } else {
    WA_FUZZ_CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument);
  }

  constexpr absl::string_view kSecret = "fuzz-app-secret";
  const std::string good = "sha256=" + wa::provider::HmacSha256Hex(kSecret, body);
  WA_FUZZ_CHECK(wa::provider::VerifyMetaSignature(kSecret, body, good));
  WA_FUZZ_CHECK(!wa::provider::VerifyMetaSignature("", body, good));
  const absl::string_view header = body.substr(0, body.find('\n'));
  if (header != good) WA_FUZZ_CHECK(!wa::provider::VerifyMetaSignature(kSecret, body, header));
  return 0;
}
