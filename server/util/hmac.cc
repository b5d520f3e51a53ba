#include "server/util/hmac.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"

namespace wa::util {

bool HmacSha256(absl::string_view key, absl::string_view data, Sha256Digest* out) {
  // OpenSSL treats a null key pointer specially; an empty key is still a
  // valid HMAC key, so hand it a real (empty) buffer.
  static const unsigned char kEmpty[1] = {0};
  const void* key_ptr = key.empty() ? static_cast<const void*>(kEmpty) : key.data();
  unsigned int len = 0;
  const unsigned char* result =
      HMAC(EVP_sha256(), key_ptr, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out->data(), &len);
  return result != nullptr && len == out->size();
}

std::string HmacSha256Hex(absl::string_view key, absl::string_view data) {
  Sha256Digest digest{};
  if (!HmacSha256(key, data, &digest)) return "";
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

}  // namespace wa::util
