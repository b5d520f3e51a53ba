#include "server/util/secret_compare.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace wa::util {
namespace {

void Digest(absl::string_view text, unsigned char out[SHA256_DIGEST_LENGTH]) {
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), out);
}

}  // namespace

bool SecretEquals(absl::string_view expected, absl::string_view given) {
  unsigned char a[SHA256_DIGEST_LENGTH];
  unsigned char b[SHA256_DIGEST_LENGTH];
  Digest(expected, a);
  Digest(given, b);
  bool same = CRYPTO_memcmp(a, b, SHA256_DIGEST_LENGTH) == 0;
  return same && !expected.empty();
}

}  // namespace wa::util
