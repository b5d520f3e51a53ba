#include "server/domain/ids.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace wa::domain {
namespace {

template <size_t N>
std::array<unsigned char, N> RandomBytes() {
  std::array<unsigned char, N> bytes;
  if (RAND_bytes(bytes.data(), N) != 1) std::abort();  // no entropy: nothing is safe to issue
  return bytes;
}

absl::string_view AsView(const unsigned char* data, size_t n) {
  return absl::string_view(reinterpret_cast<const char*>(data), n);
}

}  // namespace

std::string NewId(absl::string_view prefix) {
  auto bytes = RandomBytes<12>();
  return absl::StrCat(prefix, absl::BytesToHexString(AsView(bytes.data(), bytes.size())));
}

std::string NewSecret() {
  auto bytes = RandomBytes<32>();
  return absl::StrCat("wat_", absl::WebSafeBase64Escape(AsView(bytes.data(), bytes.size())));
}

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return absl::BytesToHexString(AsView(digest, sizeof(digest)));
}

}  // namespace wa::domain
