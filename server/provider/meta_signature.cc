#include "server/provider/meta_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdint>

namespace wa::provider {
namespace {

constexpr absl::string_view kPrefix = "sha256=";
constexpr size_t kDigestBytes = 32;

using Digest = std::array<unsigned char, kDigestBytes>;

bool ComputeHmac(absl::string_view key, absl::string_view data, Digest* out) {
  // OpenSSL treats a null key pointer specially; an empty key is still a
  // valid HMAC key, so hand it a real (empty) buffer.
  static const unsigned char kEmpty[1] = {0};
  const void* key_ptr = key.empty() ? static_cast<const void*>(kEmpty) : key.data();
  unsigned int len = 0;
  const unsigned char* result =
      HMAC(EVP_sha256(), key_ptr, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out->data(), &len);
  return result != nullptr && len == kDigestBytes;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string HmacSha256Hex(absl::string_view key, absl::string_view data) {
  Digest digest{};
  if (!ComputeHmac(key, data, &digest)) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(kDigestBytes * 2);
  for (unsigned char b : digest) {
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 0x0f]);
  }
  return hex;
}

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
  Digest given{};
  for (size_t i = 0; i < kDigestBytes; ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    given[i] = static_cast<unsigned char>((hi << 4) | lo);
  }
  Digest expected{};
  if (!ComputeHmac(app_secret, raw_body, &expected)) return false;
  return CRYPTO_memcmp(given.data(), expected.data(), kDigestBytes) == 0;
}

}  // namespace wa::provider
