#include "server/provider/meta_signature.h"

#include <openssl/crypto.h>

#include <cstdint>

#include "server/util/hmac.h"

namespace wa::provider {
namespace {

constexpr absl::string_view kPrefix = "sha256=";
constexpr size_t kDigestBytes = 32;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool VerifyMetaSignature(absl::string_view app_secret, absl::string_view raw_body,
                         absl::string_view header_value) {
  if (app_secret.empty()) return false;
  // The prefix is matched exactly: Meta always sends it lower-case, and a
  // variant spelling means the header did not come from Meta.
  if (header_value.size() != kPrefix.size() + kDigestBytes * 2 ||
      header_value.substr(0, kPrefix.size()) != kPrefix) {
    return false;
  }
  // Decoding to bytes (either hex case) and comparing bytes keeps the
  // comparison independent of the hex spelling and of where it differs.
  absl::string_view hex = header_value.substr(kPrefix.size());
  util::Sha256Digest given{};
  for (size_t i = 0; i < kDigestBytes; ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    given[i] = static_cast<unsigned char>((hi << 4) | lo);
  }
  util::Sha256Digest expected{};
  if (!util::HmacSha256(app_secret, raw_body, &expected)) return false;
  return CRYPTO_memcmp(given.data(), expected.data(), kDigestBytes) == 0;
}

}  // namespace wa::provider
